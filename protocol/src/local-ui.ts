/**
 * The local WebSocket between a device agent and the app it serves on 127.0.0.1 (kiosk, counter,
 * display). JSON text frames, one message each, `type` first. Personal data crosses it only in memory
 * (the name shown on the kiosk after a scan) and never goes further than the agent.
 */
import { type Static, Type } from '@sinclair/typebox';
import { CallMessage, DateOnly, DEVICE_KINDS, Lang, QueueSummary, Ticket } from './messages.ts';
import { oneOf } from './validate.ts';

/** Where the agent serves its app and WebSocket by default. */
export const AGENT_DEFAULT_PORT = 8090;
export const AGENT_WS_PATH = '/ws';

const RequestId = Type.String({ minLength: 1, maxLength: 64 });

export const PrinterState = Type.Object({
  ok: Type.Boolean(),
  paper: oneOf('ok', 'near-end', 'out', 'unknown'),
  coverOpen: Type.Boolean(),
  /** A message for the citizen or the technician, when not ok. */
  message: Type.Optional(Type.Object({ vi: Type.String(), en: Type.String() })),
});
export type PrinterState = Static<typeof PrinterState>;

/** What the app sends to its agent. */
export const UiToAgent = Type.Union([
  Type.Object({
    type: Type.Literal('ticket.issue'),
    requestId: RequestId,
    serviceId: Type.String({ minLength: 1, maxLength: 64 }),
    priority: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    procedureId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    lang: Lang,
    /** Use the citizen identified by the last scan or chip read in this session (the agent holds it). */
    useIdentity: Type.Optional(Type.Boolean()),
    /** A birth date typed by the citizen instead of a card. */
    birthDate: Type.Optional(DateOnly),
    /**
     * Check in today's booking made with the identified card (docs/appointments.md): the agent sends
     * the card's number with the `appointment` class, for the server's keyed-hash match. Implies `useIdentity`.
     */
    appointmentByCard: Type.Optional(Type.Boolean()),
    /** A booking's code (PROTOCOL.md §6): checked by the server, so never issued from the lease. */
    appointmentCode: Type.Optional(Type.String({ minLength: 4, maxLength: 16, pattern: '^[A-Za-z0-9 -]+$' })),
  }),
  /** Reads the chip: the agent takes the ID number and birth date from the QR scanned before. */
  Type.Object({ type: Type.Literal('cccd.read'), requestId: RequestId, expiryDate: Type.Optional(DateOnly) }),
  /** End of a citizen's session (done, cancelled or idle): the agent forgets the identity. */
  Type.Object({ type: Type.Literal('session.clear') }),
  /** Counter device app: the officer's buttons, same as the GPIO buttons. */
  Type.Object({
    type: Type.Literal('counter.button'),
    button: oneOf('next', 'recall', 'no-show', 'rate-1', 'rate-2', 'rate-3', 'rate-4', 'rate-5'),
  }),
]);
export type UiToAgent = Static<typeof UiToAgent>;

/**
 * The schema to check an app's message against: the branch its `type` names, so an error names the
 * missing or wrong field ("missing field serviceId") instead of "not an accepted value".
 */
export function uiMessageSchema(message: unknown): typeof UiToAgent {
  const type = (message as { type?: unknown } | null)?.type;
  const branch = UiToAgent.anyOf.find((b) => b.properties.type.const === type);
  return (branch ?? UiToAgent) as typeof UiToAgent;
}

/** What a non-CCCD scan must look like to reach the kiosk app (a booking code, a dossier receipt). */
export const SCANNED_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9./_-]{3,63}$';

export const IdentityView = Type.Object({
  /** Shown so the citizen sees it was read; kept in agent memory only for the session. */
  fullName: Type.String(),
  birthDate: DateOnly,
  /** 0010****7064 */
  maskedId: Type.String(),
  source: oneOf('qr', 'chip'),
});

/** What the agent sends to its app. */
export const AgentToUi = Type.Union([
  Type.Object({
    type: Type.Literal('hello'),
    deviceId: Type.String(),
    kind: oneOf(...DEVICE_KINDS),
    site: Type.String(),
    /** The queue server's public base URL (for QR links and the apps' HTTP calls). */
    serverUrl: Type.String(),
    counterId: Type.Optional(Type.String()),
    hardware: Type.Object({ printer: Type.Boolean(), scanner: Type.Boolean(), cardReader: Type.Boolean() }),
  }),
  /** Whether the agent reaches the server right now (offline kiosks issue from a leased block). */
  Type.Object({ type: Type.Literal('connection'), online: Type.Boolean() }),
  Type.Object({
    type: Type.Literal('ticket'),
    requestId: RequestId,
    ticket: Ticket,
    printed: Type.Boolean(),
    /** The public page of the ticket, for the on-screen QR. */
    url: Type.String(),
  }),
  Type.Object({
    type: Type.Literal('error'),
    requestId: Type.Union([RequestId, Type.Null()]),
    code: Type.String(),
    message: Type.Object({ vi: Type.String(), en: Type.String() }),
  }),
  Type.Object({ type: Type.Literal('identity'), identity: IdentityView }),
  /**
   * Addition: a scanned code that is not a CCCD QR (a booking's QR, a dossier receipt's code). Only
   * short codes of letters, digits and `. - / _` pass, so nothing personal reaches the app this way.
   */
  Type.Object({ type: Type.Literal('code.scanned'), text: Type.String({ pattern: SCANNED_CODE_PATTERN }) }),
  Type.Object({
    type: Type.Literal('cccd.progress'),
    requestId: RequestId,
    step: oneOf('waiting-card', 'authenticating', 'reading', 'verifying', 'done'),
  }),
  Type.Object({ type: Type.Literal('printer'), state: PrinterState }),
  Type.Object({ type: Type.Literal('queue'), summary: QueueSummary }),
  Type.Object({ type: Type.Literal('call'), call: CallMessage }),
  /** Counter device: the ticket now at this counter (or null). */
  Type.Object({ type: Type.Literal('counter.current'), ticket: Type.Union([Ticket, Type.Null()]) }),
  /** Counter device: a rating button was handled; `counted` false when it is queued until the link returns. */
  Type.Object({
    type: Type.Literal('counter.rated'),
    requestId: Type.Union([RequestId, Type.Null()]),
    counted: Type.Boolean(),
    message: Type.Object({ vi: Type.String(), en: Type.String() }),
    /** Addition: the ticket the server credited (the device offers its phone page for feedback). */
    ticketId: Type.Optional(Type.String()),
  }),
]);
export type AgentToUi = Static<typeof AgentToUi>;
