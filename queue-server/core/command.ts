/** The commands the core decides, one handler each (`decide.ts`, `HANDLERS`), and what a handler gets. */
import type { Site } from './site.ts';
import type { EmotionEstimate, QueueEvent, QueueState } from './state.ts';

export type Command =
  | {
      type: 'issue';
      serviceId: string;
      priority?: string;
      birthDate?: string;
      procedureId?: string;
      deviceId?: string;
      /** The kiosk's request id: a voided request never issues. */
      requestId?: string;
      /** As typed or scanned at the kiosk; the shell resolves it into `appointmentId`. */
      appointmentCode?: string;
      /** A booked appointment checked in on time: the ticket gets the `appointment` class. */
      appointmentId?: string;
    }
  | { type: 'next'; counterId: string }
  | { type: 'recall'; counterId: string }
  | { type: 'start'; counterId: string; ticketId: string }
  | {
      type: 'finish';
      counterId: string;
      ticketId: string;
      outcome: 'done' | 'no_show';
      /** Receipt codes of the dossiers received (PROTOCOL.md §6); the shell stores them. */
      dossierCodes?: string[];
    }
  | {
      type: 'transfer';
      counterId: string | null;
      ticketId: string;
      toServiceId: string;
      /** Addition: to this counter only (it must be open and serve `toServiceId`). */
      toCounterId?: string;
    }
  | { type: 'cancel'; ticketId: string; reason: 'staff' | 'citizen' }
  | { type: 'rate'; counterId: string; ticketId?: string; score: number }
  | { type: 'sign-in'; counterId: string; officerId: string }
  | { type: 'sign-out'; counterId: string }
  /** The counter device bound to this counter went offline: nobody serves there unless signed in. */
  | { type: 'device-offline'; counterId: string }
  | { type: 'open'; counterId: string }
  /** With a `reason`, the officer takes a break (tạm nghỉ): closed for the figures, the reason shown. */
  | { type: 'close'; counterId: string; reason?: string }
  | { type: 'set-services'; counterId: string; serviceIds: string[] }
  /** Nothing but the day's rollover, when the date has changed (a timer sends it at midnight). */
  | { type: 'rollover' }
  | { type: 'lease'; deviceId: string; serviceId: string; size: number }
  /** A kiosk withdraws its unanswered `ticket.issue` (it printed a ticket from its lease instead). */
  | { type: 'void'; deviceId: string; requestId: string }
  | ({ type: 'emotion'; counterId: string; ticketId: string } & EmotionEstimate)
  | {
      type: 'merge';
      deviceId: string;
      ticketId: string;
      serviceId: string;
      seq: number;
      /** The kiosk's claim; the server bounds it by the lease's grant time and its own clock. */
      issuedAt: number;
      priority?: string;
      birthDate?: string;
      procedureId?: string;
    };

export interface DecideContext {
  site: Site;
  now: number;
  /** Unguessable ids come from the shell (crypto) or the simulator (seeded). */
  newId: () => string;
}

export type CommandType = Command['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

/** The events a command produces in `state`; throws a ProtocolError (refusals.ts) to refuse it. */
export type CommandHandler<T extends CommandType> = (
  state: QueueState,
  command: CommandOf<T>,
  ctx: DecideContext,
) => QueueEvent[];
