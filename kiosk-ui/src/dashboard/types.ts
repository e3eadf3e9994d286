/** The server's answers as the dashboard reads them: the HTTP contract's types (protocol/src/http.ts). */
import type { WaitStats } from '@oss/protocol/http';

export type {
  Advice,
  AppointmentDay,
  CapacityCheck,
  Device,
  FeedbackItem,
  FeedbackList,
  FeedbackStatus,
  HourlyRow,
  HourlyStats,
  Kpis,
  Report,
} from '@oss/protocol/http';
/** A group's waits, as the report's tables show them. */
export type Waits = WaitStats;
