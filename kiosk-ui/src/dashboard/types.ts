/**
 * The server's answers as the dashboard reads them. Declared here, in one place, until the routes'
 * response schemas live in `@oss/protocol` and the dashboard imports them from there.
 */
import type { LocalizedText } from '@oss/protocol';

export interface WaitStats {
  called: number;
  waiting: number;
  meanWaitMinutes: number | null;
  p90WaitMinutes: number | null;
  maxWaitMinutes: number | null;
  withinTargetShare: number | null;
  ratings: number;
  meanScore: number | null;
  satisfiedShare: number | null;
  responseRate?: number | null;
  emotionSatisfaction?: number | null;
  emotionEstimates?: number;
}

/** `GET /api/kpis` and the staff stream's `kpis` event. */
export interface Kpis extends WaitStats {
  day: string;
  from?: string;
  to?: string;
  satisfiedScores?: number[];
  issued: number;
  served: number;
  targetWaitMinutes: number;
  services: (WaitStats & {
    serviceId: string;
    served: number;
    noShows: number;
    meanServiceMinutes: number | null;
  })[];
  officers: ({
    officerId: string;
    displayName?: string;
    served: number;
    noShows: number;
    meanServiceMinutes: number | null;
    ratings: number;
    meanScore: number | null;
    satisfiedShare: number | null;
  } & Record<string, unknown>)[];
}

/** One row of `GET /api/devices`. */
export interface Device {
  id: string;
  kind: 'kiosk' | 'counter' | 'display';
  counterId: string | null;
  online: boolean;
  status: Record<string, unknown> | null;
  /** Null until the device has connected once (a browser kiosk on HTTP never does). */
  statusAt: number | null;
}

/** One item of `GET /api/advice` and of the staff stream's `advice` event. */
export interface Advice {
  counterId: string;
  toServiceId: string;
  /** The counter's services after the switch, when the server says them. */
  serviceIdsAfter?: string[];
  predictedWaitBefore: number;
  predictedWaitAfter: number;
  reason: LocalizedText;
}

/** Arrivals (mean per day with tickets) and mean wait by local issue hour. */
export interface HourlyRow {
  hour: number;
  arrivals: number;
  meanWaitMinutes: number | null;
}

/** `GET /api/stats/hourly`: 24 rows each; `typical` only for one day, over `typicalDays` earlier days. */
export interface HourlyStats {
  day: string;
  from: string;
  to: string;
  hours: HourlyRow[];
  typical: HourlyRow[];
  typicalDays: number;
}

/** The waits of a group of tickets in the period report. */
export interface Waits {
  called: number;
  meanWaitMinutes: number | null;
  p90WaitMinutes: number | null;
  maxWaitMinutes: number | null;
  withinTargetShare: number | null;
}

/** The ratings of a group of tickets in the period report. */
export interface Ratings {
  ratings: number;
  meanScore: number | null;
  satisfiedShare: number | null;
  responseRate: number | null;
  emotionEstimates: number;
  emotionSatisfaction: number | null;
}

/** `GET /api/reports`: a month, quarter or year. */
export interface Report {
  period: { kind: 'month' | 'quarter' | 'year'; label: string; from: string; to: string };
  generatedAt: number;
  level: string;
  productivityFloor: number;
  targets: { waitMinutes: number; withinTargetShare: number; satisfactionShare: number };
  kpis: Waits &
    Ratings & {
      issued: number;
      served: number;
      satisfiedScores: number[];
      services: (Waits & Ratings & { serviceId: string; served: number })[];
    };
  priorityClasses: (Waits & { classId: string; issued: number })[];
  priorityVsNormal: Record<'priority' | 'normal', Waits & { classId: string; issued: number }>;
  officers: (Ratings & {
    officerId: string;
    displayName?: string;
    rank: number;
    served: number;
    meanServiceMinutes: number | null;
    dossiersReceived: number | null;
    yearServed: number;
    floorToDate: number;
  })[];
  unattributedServed: number;
}
