/** The queue's in-memory state and the events that change it. Pure: no I/O, no clock. */
import type { CounterState, TicketStatus } from '@oss/protocol';

export interface TicketRecord {
  id: string;
  /** Per-day sequence number within its original service prefix (A012 → 12). */
  seq: number;
  number: string;
  serviceId: string;
  /** The service it was issued for; KPIs attribute the wait to it. */
  originalServiceId: string;
  priority: string;
  status: TicketStatus;
  issuedAt: number;
  /** When it last entered a waiting line (issue or transfer). */
  queuedAt: number;
  firstCalledAt?: number;
  calledAt?: number;
  startedAt?: number;
  finishedAt?: number;
  counterId?: string;
  /** Transferred to one counter: only that counter calls it (until it closes). */
  forCounterId?: string;
  officerId?: string;
  procedureId?: string;
  deviceId?: string;
  /** The kiosk's request that issued it (so that the kiosk can void it). */
  requestId?: string;
  recalls: number;
  offline: boolean;
}

/** A counter's live state: the HTTP contract's shape (protocol/src/http.ts). */
export type { CounterState };

export interface ServiceTimeStats {
  /** Completed services counted. */
  n: number;
  /** Exponentially weighted mean service time in minutes. */
  meanMinutes: number;
  /** The same per local hour of the day (0–23), learned across days: mornings and afternoons differ. */
  byHour?: Record<number, { n: number; meanMinutes: number }>;
}

export interface RatingRecord {
  id: string;
  counterId: string;
  ticketId: string | null;
  officerId: string | null;
  serviceId: string | null;
  score: number;
  at: number;
}

/** The counter camera's estimate for one service. */
export interface EmotionRecord {
  ticketId: string;
  counterId: string;
  officerId: string | null;
  serviceId: string;
  satisfaction: number;
  confidence: number;
  /** Frames the device analysed for this estimate. */
  frames: number;
  at: number;
}

/** A block of today's numbers reserved by a kiosk for issuing while offline. */
export interface LeaseRecord {
  deviceId: string;
  serviceId: string;
  prefix: string;
  from: number;
  to: number;
  grantedAt: number;
}

export interface QueueState {
  /** The site's local date these tickets belong to. */
  day: string;
  /** Last online sequence number issued today, per prefix (offline numbers are in leased bands). */
  lastSeq: Record<string, number>;
  tickets: Map<string, TicketRecord>;
  /** Waiting ticket ids per service, ordered by queuedAt then seq. */
  waiting: Map<string, string[]>;
  counters: Map<string, CounterState>;
  serviceTimes: Map<string, ServiceTimeStats>;
  ratings: RatingRecord[];
  emotions: EmotionRecord[];
  leases: LeaseRecord[];
  /** Requests kiosks voided before they arrived (`deviceId` + newline + `requestId`): never issued. */
  voidedRequests: Set<string>;
}

/** How a ticket's priority was established: declared, from the birth date, by appointment, or none. */
export type PriorityBasis = 'none' | 'declared' | 'birth-date' | 'appointment';

/** The counter camera's estimate of one service, as the counter device sends it. */
export interface EmotionEstimate {
  satisfaction: number;
  confidence: number;
  frames: number;
  model: string;
  /** Mean probability of each expression over the frames: kept to calibrate the mapping later. */
  expressions?: Record<string, number>;
}

/** Every change to the queue, as stored. `at` is the server's time in epoch ms. */
export type QueueEvent =
  | {
      type: 'day.started';
      at: number;
      day: string;
      /** The day's counters as configured: the state starts from them. */
      counters: CounterSeed[];
      /** Service times learned on earlier days, carried over. */
      serviceTimes: [string, ServiceTimeStats][];
    }
  | {
      type: 'ticket.issued';
      at: number;
      ticketId: string;
      seq: number;
      number: string;
      serviceId: string;
      priority: string;
      priorityBasis: PriorityBasis;
      procedureId?: string;
      deviceId?: string;
      requestId?: string;
      offline?: boolean;
      /** The original issue time for tickets issued offline; otherwise `at`. */
      issuedAt: number;
    }
  | { type: 'ticket.called'; at: number; ticketId: string; counterId: string; officerId: string | null }
  | { type: 'ticket.recalled'; at: number; ticketId: string; counterId: string }
  | { type: 'ticket.started'; at: number; ticketId: string; counterId: string }
  | {
      type: 'ticket.finished';
      at: number;
      ticketId: string;
      counterId: string;
      outcome: 'done' | 'no_show';
      /** The site's local hour at `at`, for learning service times per hour. */
      localHour?: number;
      /** How many dossiers the officer received (`counter.finish`'s `dossierCodes`), when any. */
      dossiers?: number;
    }
  | {
      type: 'ticket.transferred';
      at: number;
      ticketId: string;
      counterId: string | null;
      fromServiceId: string;
      toServiceId: string;
      toCounterId?: string;
    }
  | {
      type: 'ticket.cancelled';
      at: number;
      ticketId: string;
      /** `voided`: the kiosk withdrew the request that issued it (see `ticket.void`). */
      reason: 'staff' | 'day-end' | 'citizen' | 'voided';
    }
  | { type: 'request.voided'; at: number; deviceId: string; requestId: string }
  | {
      type: 'rating.submitted';
      at: number;
      ratingId: string;
      counterId: string;
      ticketId: string | null;
      officerId: string | null;
      serviceId: string | null;
      score: number;
    }
  | { type: 'counter.signed-in'; at: number; counterId: string; officerId: string }
  | { type: 'counter.signed-out'; at: number; counterId: string }
  | { type: 'counter.opened'; at: number; counterId: string }
  | { type: 'counter.closed'; at: number; counterId: string; reason?: string }
  | { type: 'counter.services-set'; at: number; counterId: string; serviceIds: string[] }
  | ({
      type: 'emotion.submitted';
      at: number;
      ticketId: string;
      counterId: string;
      officerId: string | null;
      serviceId: string;
    } & EmotionEstimate)
  | {
      type: 'lease.granted';
      at: number;
      deviceId: string;
      serviceId: string;
      prefix: string;
      from: number;
      to: number;
    };

export type QueueEventType = QueueEvent['type'];

export type DayStartedEvent = Extract<QueueEvent, { type: 'day.started' }>;

export interface CounterSeed {
  id: string;
  serviceIds: string[];
  priorityCounter?: boolean;
}

/** A counter at the start of a day: closed until someone serves at it, no ticket, its configured services. */
export function counterState(seed: CounterSeed): CounterState {
  return {
    id: seed.id,
    open: false,
    officerId: null,
    currentTicketId: null,
    serviceIds: [...seed.serviceIds],
    priorityCounter: seed.priorityCounter ?? false,
  };
}

/** The key of a kiosk's request in `voidedRequests`. */
export function voidKey(deviceId: string, requestId: string): string {
  return `${deviceId}\n${requestId}`;
}

export function emptyState(day: string, counters: CounterSeed[]): QueueState {
  return {
    day,
    lastSeq: {},
    tickets: new Map(),
    waiting: new Map(),
    counters: new Map(counters.map((c) => [c.id, counterState(c)])),
    serviceTimes: new Map(),
    ratings: [],
    emotions: [],
    leases: [],
    voidedRequests: new Set(),
  };
}
