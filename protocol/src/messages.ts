/** Message types and JSON schemas for every normative message (PROTOCOL.md §3), plus project additions. */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { oneOf } from './validate.ts';

export const Id = Type.String({ minLength: 1, maxLength: 64 });
export const DateOnly = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
/** `YYYY-MM-DD`, a real calendar day from 1900 to today (`isBirthDate`): `1950-13-45` never gets a priority. */
export const BirthDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'birth-date' });
/** A citizen's rating of a service, 1 (very dissatisfied) to 5 (very satisfied). */
export const RatingScore = Type.Integer({ minimum: 1, maximum: 5 });
/** A share or an estimate from 0 to 1. */
export const Fraction = Type.Number({ minimum: 0, maximum: 1 });
export const Lang = oneOf('vi', 'en');
export type Lang = Static<typeof Lang>;

export const LocalizedText = Type.Object({ vi: Type.String(), en: Type.String() });
export type LocalizedText = Static<typeof LocalizedText>;

/** One line for a person reading both languages: Vietnamese first (errors, technician tools). */
export function bilingual(text: LocalizedText): string {
  return `${text.vi} / ${text.en}`;
}

export const TICKET_STATUSES = ['waiting', 'called', 'serving', 'done', 'no_show', 'cancelled'] as const;
export const TicketStatus = Type.Union(TICKET_STATUSES.map((s) => Type.Literal(s)));
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const ERROR_CODES = [
  'invalid_request',
  'unknown_service',
  'unknown_counter',
  'not_found',
  'conflict',
  'forbidden',
  'unavailable',
  // additions
  'unauthorized',
  'rate_limited',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const DEVICE_KINDS = ['kiosk', 'counter', 'display'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** The class of the booked-appointment priority (PROTOCOL.md §6): given by check-in, never declared. */
export const APPOINTMENT_CLASS = 'appointment';

export const STAFF_ROLES = ['admin', 'manager', 'officer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The five-level rating scale used by Vietnamese ministries; index = score. */
export const RATING_LABELS: Record<1 | 2 | 3 | 4 | 5, LocalizedText> = {
  5: { vi: 'Rất hài lòng', en: 'Very satisfied' },
  4: { vi: 'Hài lòng', en: 'Satisfied' },
  3: { vi: 'Bình thường', en: 'Neutral' },
  2: { vi: 'Không hài lòng', en: 'Dissatisfied' },
  1: { vi: 'Rất không hài lòng', en: 'Very dissatisfied' },
};

/**
 * A rating without a ticket id still goes to the ticket finished at that counter this long ago: the
 * citizen presses as they leave, often after the officer has called the next number. The server
 * decides with it; a counter device uses it to pick the ticket of a rating it must queue offline.
 */
export const RATING_WINDOW_MS = 2 * 60_000;

const EtaRange = Type.Object({ low: Type.Integer({ minimum: 0 }), high: Type.Integer({ minimum: 0 }) });

/** What every public view of a ticket starts with: the site's (PROTOCOL.md §1) and the hub's (§5). */
export const TicketIdentity = Type.Object({
  id: Type.String(),
  number: Type.String(),
  serviceId: Type.String(),
  priority: Type.String(),
  status: TicketStatus,
  issuedAt: Type.String(),
});
export type TicketIdentity = Static<typeof TicketIdentity>;

/** The public ticket view (normative fields first; the rest are additions). */
export const Ticket = Type.Object({
  ...TicketIdentity.properties,
  ahead: Type.Integer({ minimum: 0 }),
  etaMinutes: Type.Integer({ minimum: 0 }),
  counterId: Type.Optional(Type.String()),
  calledAt: Type.Optional(Type.String()),
  // additions
  etaRange: Type.Optional(EtaRange),
  counterNumber: Type.Optional(Type.Integer()),
  procedureId: Type.Optional(Type.String()),
  startedAt: Type.Optional(Type.String()),
  finishedAt: Type.Optional(Type.String()),
  offline: Type.Optional(Type.Boolean()),
  /** While waiting: no staffed counter serves its service now ("chưa có quầy phục vụ"). */
  noCounterOpen: Type.Optional(Type.Boolean()),
});
export type Ticket = Static<typeof Ticket>;

const CounterId = Type.String({ minLength: 1, maxLength: 64 });
const TicketId = Type.String({ minLength: 1, maxLength: 64 });
const ServiceId = Type.String({ minLength: 1, maxLength: 64 });

const Citizen = Type.Object(
  {
    birthDate: Type.Optional(BirthDate),
    /** The 12-digit CCCD number: hashed with the site key and masked on arrival, never stored plain. */
    idNumber: Type.Optional(Type.String({ pattern: '^\\d{12}$' })),
  },
  { additionalProperties: false },
);

const strict = { additionalProperties: false } as const;

/** The seven expressions of the emotion model. */
export const EXPRESSIONS = ['angry', 'disgusted', 'fearful', 'happy', 'neutral', 'sad', 'surprised'] as const;

/** Params of every request action, by action name. `id` is common to all. */
export const RequestSchemas = {
  'ticket.issue': Type.Object(
    {
      id: Id,
      serviceId: ServiceId,
      priority: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      citizen: Type.Optional(Citizen),
      lang: Type.Optional(Lang),
      procedureId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      /** PROTOCOL.md §6: checks a booked appointment in (typed or from its QR). */
      appointmentCode: Type.Optional(
        Type.String({ minLength: 4, maxLength: 16, pattern: '^[A-Za-z0-9 -]+$' }),
      ),
    },
    strict,
  ),
  'counter.next': Type.Object({ id: Id, counterId: CounterId }, strict),
  'counter.recall': Type.Object({ id: Id, counterId: CounterId }, strict),
  'counter.start': Type.Object({ id: Id, counterId: CounterId, ticketId: TicketId }, strict),
  'counter.finish': Type.Object(
    {
      id: Id,
      counterId: CounterId,
      ticketId: TicketId,
      outcome: Type.Optional(oneOf('done', 'no_show')),
      /** PROTOCOL.md §6: receipt codes of the dossiers received for this ticket (format: the site's). */
      dossierCodes: Type.Optional(
        Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20, uniqueItems: true }),
      ),
    },
    strict,
  ),
  'counter.transfer': Type.Object(
    {
      id: Id,
      counterId: CounterId,
      ticketId: TicketId,
      toServiceId: ServiceId,
      /** Addition: to this counter only; it must be open and serve `toServiceId`. */
      toCounterId: Type.Optional(CounterId),
    },
    strict,
  ),
  'rating.submit': Type.Object(
    {
      id: Id,
      counterId: CounterId,
      ticketId: Type.Optional(TicketId),
      score: RatingScore,
    },
    strict,
  ),
  /**
   * Addition: the counter camera's satisfaction estimate for one service (only scores, never images).
   * `satisfaction` 0 = very dissatisfied, 0.5 = neutral, 1 = very satisfied; `confidence` 0..1.
   */
  'emotion.submit': Type.Object(
    {
      id: Id,
      counterId: CounterId,
      ticketId: TicketId,
      satisfaction: Fraction,
      confidence: Fraction,
      frames: Type.Integer({ minimum: 0, maximum: 10_000 }),
      facesFound: Type.Integer({ minimum: 0, maximum: 10_000 }),
      model: Type.String({ minLength: 1, maxLength: 128 }),
      measuredAt: Type.Optional(Type.String({ format: 'date-time' })),
      expressions: Type.Optional(
        Type.Object(
          Object.fromEntries(EXPRESSIONS.map((name) => [name, Fraction])) as Record<
            (typeof EXPRESSIONS)[number],
            typeof Fraction
          >,
          { additionalProperties: false },
        ),
      ),
    },
    strict,
  ),
  /** Addition: a kiosk reserves a block of today's numbers to issue from while it cannot reach the server. */
  'lease.request': Type.Object(
    { id: Id, serviceId: ServiceId, size: Type.Integer({ minimum: 1, maximum: 200 }) },
    strict,
  ),
  /** Addition: a ticket a kiosk issued offline from its lease, sent when the link returns. */
  'ticket.merge': Type.Object(
    {
      id: Id,
      /** Chosen by the kiosk (unguessable, 16–64 URL-safe characters): printed in the ticket's QR. */
      ticketId: Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' }),
      serviceId: ServiceId,
      /** The number's sequence from the lease (A105 → 105). */
      seq: Type.Integer({ minimum: 1, maximum: 99999 }),
      /** When it was issued, by the kiosk's clock corrected by its last known offset to the server. */
      issuedAt: Type.String({ format: 'date-time' }),
      priority: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      procedureId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      citizen: Type.Optional(Citizen),
    },
    strict,
  ),
  /**
   * Addition: a kiosk whose `ticket.issue` went unanswered gave the citizen a ticket from its lease
   * instead; this withdraws the unanswered request. A waiting ticket it issued is cancelled; if it
   * has not arrived yet it never issues one. Idempotent.
   */
  'ticket.void': Type.Object({ id: Id, requestId: Id }, strict),
} satisfies Record<string, TSchema>;

/** A block of numbers leased to a kiosk: `from`..`to` inclusive, valid on `day` only. */
export const Lease = Type.Object({
  serviceId: Type.String(),
  prefix: Type.String(),
  day: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  grantedAt: Type.String(),
});
export type Lease = Static<typeof Lease>;

export type ActionName = keyof typeof RequestSchemas;
export type RequestOf<A extends ActionName> = Static<(typeof RequestSchemas)[A]>;
export const ACTION_NAMES = Object.keys(RequestSchemas) as ActionName[];

export const ErrorBody = Type.Object({
  code: Type.Union(ERROR_CODES.map((c) => Type.Literal(c))),
  message: Type.String(),
  /** Addition: the message in both languages. */
  text: Type.Optional(LocalizedText),
});
export type ErrorBody = Static<typeof ErrorBody>;

export const ResponseEnvelope = Type.Union([
  Type.Object({
    id: Type.String(),
    ok: Type.Literal(true),
    result: Type.Record(Type.String(), Type.Unknown()),
  }),
  Type.Object({ id: Type.Union([Type.String(), Type.Null()]), ok: Type.Literal(false), error: ErrorBody }),
]);
export type ResponseEnvelope = Static<typeof ResponseEnvelope>;

export const CallMessage = Type.Object({
  ticketId: Type.String(),
  number: Type.String(),
  counterId: Type.String(),
  serviceId: Type.String(),
  calledAt: Type.String(),
  recall: Type.Boolean(),
  // additions
  counterNumber: Type.Integer(),
  priority: Type.String(),
});
export type CallMessage = Static<typeof CallMessage>;

export const ServiceSummary = Type.Object({
  serviceId: Type.String(),
  waiting: Type.Integer({ minimum: 0 }),
  etaMinutes: Type.Integer({ minimum: 0 }),
  // additions
  prefix: Type.String(),
  countersOpen: Type.Integer({ minimum: 0 }),
  lastCalled: Type.Union([Type.String(), Type.Null()]),
  /** The range of `etaMinutes` (about 10 % and 90 %). */
  etaRange: Type.Optional(EtaRange),
  /** No staffed counter serves the service: show "chưa có quầy phục vụ", not `etaMinutes`. */
  noCounterOpen: Type.Optional(Type.Boolean()),
  /** People wait and `etaMinutes` exceeds the site's target: what the dashboard alerts on. */
  overTarget: Type.Optional(Type.Boolean()),
});
export const CounterSummary = Type.Object({
  counterId: Type.String(),
  number: Type.Integer(),
  open: Type.Boolean(),
  currentNumber: Type.Union([Type.String(), Type.Null()]),
  currentStatus: Type.Union([oneOf('called', 'serving'), Type.Null()]),
});
export const QueueSummary = Type.Object({
  at: Type.String(),
  services: Type.Array(ServiceSummary),
  counters: Type.Array(CounterSummary),
});
export type QueueSummary = Static<typeof QueueSummary>;

/** A kiosk printer's state, in its retained status and in `evt/printer`. */
const PrinterReport = {
  ok: Type.Boolean(),
  paper: oneOf('ok', 'near-end', 'out', 'unknown'),
  coverOpen: Type.Boolean(),
  message: Type.Optional(
    Type.Object(
      { vi: Type.String({ maxLength: 200 }), en: Type.String({ maxLength: 200 }) },
      { additionalProperties: false },
    ),
  ),
};

/**
 * A device's retained status. Other fields are allowed on the wire (PROTOCOL.md §3) but the server
 * keeps and serves only these (`DEVICE_STATUS_FIELDS`).
 */
export const DeviceStatus = Type.Object(
  {
    online: Type.Boolean(),
    kind: Type.Optional(oneOf(...DEVICE_KINDS)),
    counterId: Type.Optional(Type.String({ maxLength: 64 })),
    since: Type.Optional(Type.String({ maxLength: 40 })),
    printer: Type.Optional(Type.Object(PrinterReport, { additionalProperties: false })),
  },
  { additionalProperties: true },
);
export type DeviceStatus = Static<typeof DeviceStatus>;
export const DEVICE_STATUS_FIELDS = ['online', 'kind', 'counterId', 'since', 'printer'] as const;

/** Telemetry the server accepts on `…/evt/{name}`; any other event is dropped. */
export const DeviceEvents: Record<string, TSchema> = {
  printer: Type.Object(
    { ...PrinterReport, at: Type.Optional(Type.String({ maxLength: 40 })) },
    { additionalProperties: false },
  ),
};

/** `npm run enroll` output (PROTOCOL.md §2). */
export const Enrolment = Type.Object({
  site: Type.String(),
  deviceId: Type.String(),
  kind: oneOf(...DEVICE_KINDS),
  username: Type.String(),
  password: Type.String(),
  mqttUrl: Type.String(),
  counterId: Type.Optional(Type.String()),
});
export type Enrolment = Static<typeof Enrolment>;

/**
 * A dossier's status as the kiosk's "Tra cứu hồ sơ" shows it (PROTOCOL.md §6 addition). The
 * province's system says more; a site maps its values onto these.
 */
export const DOSSIER_STATUS_LABELS = {
  received: { vi: 'Đã tiếp nhận', en: 'Received' },
  processing: { vi: 'Đang giải quyết', en: 'Being processed' },
  supplement: { vi: 'Cần bổ sung hồ sơ', en: 'More papers needed' },
  ready: { vi: 'Đã có kết quả, mời quý khách đến nhận', en: 'Result ready for collection' },
  returned: { vi: 'Đã trả kết quả', en: 'Result collected' },
  rejected: { vi: 'Không đủ điều kiện giải quyết', en: 'Refused' },
  unknown: { vi: 'Đang cập nhật', en: 'Status being updated' },
} as const satisfies Record<string, LocalizedText>;
export type DossierStatus = keyof typeof DOSSIER_STATUS_LABELS;
export const DOSSIER_STATUSES = Object.keys(DOSSIER_STATUS_LABELS) as DossierStatus[];

export const DossierInfo = Type.Object({
  code: Type.String(),
  status: Type.Union(DOSSIER_STATUSES.map((s) => Type.Literal(s))),
  statusText: LocalizedText,
  procedureName: Type.Optional(Type.String()),
  receivedAt: Type.Optional(Type.String()),
  dueAt: Type.Optional(Type.String()),
  /** Where the status came from: `simulated` on a demo site. */
  source: Type.String(),
});
export type DossierInfo = Static<typeof DossierInfo>;
