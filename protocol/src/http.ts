/**
 * The site server's HTTP contract (PROTOCOL.md §4, §6 and additions): every route's request and
 * response, as TypeBox schemas that are also the types. The server registers them on its routes
 * (Fastify validates requests and serialises responses by them) and the apps import the types
 * (`import type`: nothing of it reaches a browser bundle).
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { HubTicket, SiteDayFigures } from './feed.ts';
import {
  type ActionName,
  CallMessage,
  DateOnly,
  DEVICE_KINDS,
  DeviceStatus,
  DossierInfo,
  ErrorBody,
  Lease,
  LocalizedText,
  STAFF_ROLES,
  Ticket,
} from './messages.ts';
import { oneOf } from './validate.ts';

const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const strict = { additionalProperties: false } as const;

/** The codings an Accept-Encoding header admits (`q=0` refuses one): which precompressed file to send. */
export function acceptedCodings(header: string): Set<string> {
  const codings = new Set<string>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    if (!params.some((p) => /^q=0(\.0*)?$/.test(p))) codings.add(name);
  }
  return codings;
}

export const ErrorResponse = Type.Object({ error: ErrorBody });
export type ErrorResponse = Static<typeof ErrorResponse>;
/** The body of a POST that takes no parameters: nothing, or `{}`. */
export const EmptyBody = Type.Optional(Type.Object({}, strict));

// --- public: the site, its services and queue ------------------------------------------------------

export const Health = Type.Object({
  status: oneOf('ok', 'degraded'),
  site: Type.String(),
  database: Type.Boolean(),
  broker: Type.Boolean(),
  gateway: Type.Boolean(),
});
export type Health = Static<typeof Health>;

export const PriorityClassInfo = Type.Object({
  id: Type.String(),
  name: LocalizedText,
  declarable: Type.Boolean(),
  minAge: Type.Optional(Type.Integer()),
});

export const SiteResponse = Type.Object({
  site: Type.Object({
    id: Type.String(),
    name: LocalizedText,
    address: Type.String(),
    timezone: Type.String(),
    level: Type.Optional(Type.String()),
    publicUrl: Type.Optional(Type.String()),
  }),
  openingHours: Type.Array(
    Type.Object({ days: Type.Array(Type.Integer()), open: Type.String(), close: Type.String() }),
  ),
  targets: Type.Object({
    waitMinutes: Type.Number(),
    withinTargetShare: Type.Number(),
    satisfactionShare: Type.Number(),
    satisfiedScores: Type.Optional(Type.Array(Type.Integer())),
    maxWaitMinutes: Type.Number(),
  }),
  /** What the booking page offers (PROTOCOL.md §6); null when the site takes no appointments. */
  appointments: Nullable(
    Type.Object({
      serviceIds: Type.Array(Type.String()),
      daysAhead: Type.Integer(),
      slotMinutes: Type.Integer(),
    }),
  ),
  /** Addition (issue 18): the board's announcements area, in order; empty when the site has none. */
  announcements: Type.Optional(
    Type.Array(
      Type.Object({
        url: Type.String(),
        kind: Type.Union([Type.Literal('image'), Type.Literal('video')]),
        seconds: Type.Integer(),
        title: LocalizedText,
      }),
    ),
  ),
  priorityClasses: Type.Array(PriorityClassInfo),
});
export type SiteResponse = Static<typeof SiteResponse>;

export const ServiceInfo = Type.Object({
  id: Type.String(),
  prefix: Type.String(),
  name: LocalizedText,
  meanServiceMinutes: Type.Number(),
  procedureIds: Type.Array(Type.String()),
  counterIds: Type.Array(Type.String()),
});
export type ServiceInfo = Static<typeof ServiceInfo>;
export const ServicesResponse = Type.Object({ services: Type.Array(ServiceInfo) });

/** An administrative procedure as the site configures it and the kiosk shows it. */
export const Procedure = Type.Object(
  {
    id: Slug,
    /** Code in the national procedure database (Cơ sở dữ liệu quốc gia về thủ tục hành chính). */
    code: Type.String({ minLength: 1 }),
    name: LocalizedText,
    field: LocalizedText,
    serviceId: Slug,
    requiredPapers: Type.Array(LocalizedText, { minItems: 1 }),
    fee: LocalizedText,
    processingTime: LocalizedText,
    legalBasis: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    /** The everyday name ("khai sinh"): shown as an example under its service, and searched. */
    shortName: Type.Optional(LocalizedText),
    /** Words citizens use for it ("sổ đỏ", "sao y", "cmnd"), in either language: searched, never shown. */
    keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { maxItems: 40 })),
  },
  strict,
);
export type Procedure = Static<typeof Procedure>;
export const ProceduresResponse = Type.Object({ procedures: Type.Array(Procedure) });

/** `GET /api/calls`: today's last calls, newest first, as the live feed sends them (no ticket ids). */
export const RecentCallsResponse = Type.Object({ calls: Type.Array(Type.Omit(CallMessage, ['ticketId'])) });
export type RecentCallsResponse = Static<typeof RecentCallsResponse>;

export const CounterInfo = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  name: LocalizedText,
  serviceIds: Type.Array(Type.String()),
  open: Type.Boolean(),
  priorityCounter: Type.Boolean(),
});
export type CounterInfo = Static<typeof CounterInfo>;
export const CountersResponse = Type.Object({ counters: Type.Array(CounterInfo) });

export const TicketParams = Type.Object({ id: Id });
export const TicketResponse = Type.Object({ ticket: Ticket });

// --- staff: sign-in and the counter console --------------------------------------------------------

export const StaffIdentity = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  role: oneOf(...STAFF_ROLES),
});
export type StaffIdentity = Static<typeof StaffIdentity>;
export const StaffResponse = Type.Object({ staff: StaffIdentity });

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  strict,
);
export const OkResponse = Type.Object({ ok: Type.Literal(true) });

export const CounterParams = Type.Object({ counterId: Id });
/** A counter's live state (docs/queue-server.md: open only while staffed). */
export const CounterState = Type.Object({
  id: Type.String(),
  open: Type.Boolean(),
  officerId: Nullable(Type.String()),
  currentTicketId: Nullable(Type.String()),
  serviceIds: Type.Array(Type.String()),
  priorityCounter: Type.Boolean(),
  /** Addition: closed for a break (tạm nghỉ) with this reason (`BREAK_REASONS`); null otherwise. */
  breakReason: Type.Optional(Nullable(Type.String())),
});
export type CounterState = Static<typeof CounterState>;
/** Addition: why an officer takes a break (the console names them in both languages). */
export const BREAK_REASONS = ['rest', 'meeting', 'helping', 'errand', 'other'] as const;
/** `POST /api/counters/:id/close`: with a reason it is a break (tạm nghỉ). */
export const CloseCounterBody = Type.Optional(
  Type.Object({ reason: Type.Optional(Type.Union(BREAK_REASONS.map((r) => Type.Literal(r)))) }, strict),
);
export type CloseCounterBody = Static<typeof CloseCounterBody>;
export const CounterStateResponse = Type.Object({ counter: CounterState });
export const SetServicesBody = Type.Object(
  { serviceIds: Type.Array(Type.String(), { minItems: 1, maxItems: 50 }) },
  strict,
);

// --- the indicators (queue-server/core/kpis.ts computes them; one definition) -----------------------

const Minutes = Nullable(Type.Number());
const Share = Nullable(Type.Number());

export const WaitStats = Type.Object({
  /** Tickets called so far (their wait is known). */
  called: Type.Integer(),
  waiting: Type.Integer(),
  meanWaitMinutes: Minutes,
  p90WaitMinutes: Minutes,
  maxWaitMinutes: Minutes,
  /** Share of tickets called within the target, among those whose outcome against it is known. */
  withinTargetShare: Share,
});
export type WaitStats = Static<typeof WaitStats>;

export const RatingStats = Type.Object({
  /** Rated tickets (a ticket is rated at most once). */
  ratings: Type.Integer(),
  meanScore: Nullable(Type.Number()),
  /** Rated tickets whose score is one of the site's satisfied scores ÷ rated tickets. */
  satisfiedShare: Share,
  /** Rated tickets ÷ served tickets: how far `satisfiedShare` speaks for everyone served. */
  responseRate: Share,
  /** How many ratings of each score, 1 (Rất không hài lòng) … 5 (Rất hài lòng). */
  scoreCounts: Type.Tuple([Type.Integer(), Type.Integer(), Type.Integer(), Type.Integer(), Type.Integer()]),
});
export type RatingStats = Static<typeof RatingStats>;

/**
 * The camera's estimates, weighted by their confidence. Never the only basis for judging an officer:
 * shown beside the button ratings, with how many there are and how sure they were.
 */
export const EmotionStats = Type.Object({
  emotionEstimates: Type.Integer(),
  /** Confidence-weighted mean satisfaction 0..1. */
  emotionSatisfaction: Share,
  emotionMeanConfidence: Share,
  /** Frames analysed over these estimates. */
  emotionFrames: Type.Integer(),
  /** Enough estimates, frames and confidence to show `emotionSatisfaction` (core's EMOTION_DISPLAY_MINIMUM). */
  emotionEnoughData: Type.Boolean(),
});
export type EmotionStats = Static<typeof EmotionStats>;

const Served = {
  served: Type.Integer(),
  noShows: Type.Integer(),
  meanServiceMinutes: Minutes,
};

export const ServiceKpi = Type.Composite([
  Type.Object({ serviceId: Type.String(), ...Served }),
  WaitStats,
  RatingStats,
  EmotionStats,
]);
export type ServiceKpi = Static<typeof ServiceKpi>;

export const OfficerKpi = Type.Composite([
  Type.Object({ officerId: Type.String(), ...Served }),
  RatingStats,
  EmotionStats,
]);
export type OfficerKpi = Static<typeof OfficerKpi>;

const SiteKpiFields = Type.Composite([
  Type.Object({
    /** The last day of the period (today for the live figures). */
    day: Type.String(),
    from: Type.String(),
    to: Type.String(),
    issued: Type.Integer(),
    served: Type.Integer(),
    /** The wait target in force on the period's last day. */
    targetWaitMinutes: Type.Number(),
    /** The scores counted as satisfied at this site. */
    satisfiedScores: Type.Array(Type.Integer()),
    services: Type.Array(ServiceKpi),
  }),
  WaitStats,
  RatingStats,
  EmotionStats,
]);
export const SiteKpis = Type.Composite([SiteKpiFields, Type.Object({ officers: Type.Array(OfficerKpi) })]);
export type SiteKpis = Static<typeof SiteKpis>;

/** An officer as the manager sees them: with the display name of their staff account. */
const Named = Type.Object({ displayName: Type.String() });
export const NamedOfficerKpi = Type.Composite([OfficerKpi, Named]);
/** `GET /api/kpis` and the live feed's `kpis`: the site's indicators with officers by name. */
export const Kpis = Type.Composite([SiteKpiFields, Type.Object({ officers: Type.Array(NamedOfficerKpi) })]);
export type Kpis = Static<typeof Kpis>;

/** `?day=` or `?from=&to=` (local dates); none: today's live figures. */
export const PeriodQuery = Type.Object(
  {
    day: Type.Optional(Type.String({ maxLength: 32 })),
    from: Type.Optional(Type.String({ maxLength: 32 })),
    to: Type.Optional(Type.String({ maxLength: 32 })),
  },
  strict,
);
export type PeriodQuery = Static<typeof PeriodQuery>;

// --- the leadership's report (queue-server/core/report.ts) -----------------------------------------

export const REPORT_KINDS = ['month', 'quarter', 'year'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
/** The hub's periods (addition): a local day too, named `2026-11-30`. */
export const PERIOD_KINDS = ['day', ...REPORT_KINDS] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export const ReportQuery = Type.Object(
  {
    period: Type.String({ maxLength: 16 }),
    month: Type.Optional(Type.String({ maxLength: 16 })),
    quarter: Type.Optional(Type.String({ maxLength: 16 })),
    year: Type.Optional(Type.String({ maxLength: 16 })),
  },
  strict,
);
export type ReportQuery = Static<typeof ReportQuery>;

export const ReportPeriod = Type.Object({
  kind: oneOf(...PERIOD_KINDS),
  /** `2026-11-30` (hub only), `2026-11`, `2026-Q4` or `2026`. */
  label: Type.String(),
  from: Type.String(),
  to: Type.String(),
});
export type ReportPeriod = Static<typeof ReportPeriod>;

export const PriorityWaits = Type.Composite([
  Type.Object({ classId: Type.String(), issued: Type.Integer() }),
  WaitStats,
]);
export type PriorityWaits = Static<typeof PriorityWaits>;

const OfficerYear = Type.Object({
  /** 1 = most citizens served in the period; ties by satisfaction, then by id. */
  rank: Type.Integer(),
  /** Dossiers received (receipt codes recorded at `counter.finish`); null when the site records none. */
  dossiersReceived: Nullable(Type.Integer()),
  /** Citizens served from 1 January to the period's end (or today). */
  yearServed: Type.Integer(),
  /** The floor's share due by that date (floor × elapsed share of the year). */
  floorToDate: Type.Integer(),
  yearFloorShare: Type.Number(),
});
export const OfficerReport = Type.Composite([OfficerKpi, OfficerYear]);
export type OfficerReport = Static<typeof OfficerReport>;

const ReportFields = Type.Object({
  period: ReportPeriod,
  generatedAt: Type.Number(),
  level: Type.String(),
  /** Decision 468's yearly floor per officer at this site's level. */
  productivityFloor: Type.Integer(),
  targets: Type.Object({
    waitMinutes: Type.Number(),
    withinTargetShare: Type.Number(),
    satisfactionShare: Type.Number(),
  }),
  kpis: SiteKpis,
  priorityClasses: Type.Array(PriorityWaits),
  /** Every priority class together against normal tickets. */
  priorityVsNormal: Type.Object({ priority: PriorityWaits, normal: PriorityWaits }),
  /** Served tickets with no officer signed in at the counter: nobody is credited with them. */
  unattributedServed: Type.Integer(),
});
export const PeriodReport = Type.Composite([
  ReportFields,
  Type.Object({ officers: Type.Array(OfficerReport) }),
]);
export type PeriodReport = Static<typeof PeriodReport>;
/** `GET /api/reports`: the report with officers by name. */
export const Report = Type.Composite([
  ReportFields,
  Type.Object({ officers: Type.Array(Type.Composite([OfficerReport, Named])) }),
]);
export type Report = Static<typeof Report>;

// --- the manager's other views -----------------------------------------------------------------------

export const Advice = Type.Object({
  counterId: Type.String(),
  /** What the counter serves now, in preference order. */
  fromServiceIds: Type.Array(Type.String()),
  toServiceId: Type.String(),
  /** The counter's services after the switch (the server applies them with `set-services`). */
  serviceIdsAfter: Type.Array(Type.String()),
  /** Predicted wait of a new ticket for `toServiceId`, minutes. */
  predictedWaitBefore: Type.Number(),
  predictedWaitAfter: Type.Number(),
  /** The largest predicted wait over all services, before and after. */
  largestWaitBefore: Type.Number(),
  largestWaitAfter: Type.Number(),
  reason: LocalizedText,
});
export type Advice = Static<typeof Advice>;
export const AdviceResponse = Type.Object({ advice: Type.Array(Advice) });

export const Device = Type.Object({
  id: Type.String(),
  kind: oneOf(...DEVICE_KINDS),
  counterId: Nullable(Type.String()),
  enrolledAt: Type.Number(),
  online: Type.Boolean(),
  status: Nullable(DeviceStatus),
  statusAt: Nullable(Type.Number()),
});
export type Device = Static<typeof Device>;
export const DevicesResponse = Type.Object({ devices: Type.Array(Device) });

export const HourlyRow = Type.Object({
  hour: Type.Integer(),
  arrivals: Type.Number(),
  meanWaitMinutes: Minutes,
});
export type HourlyRow = Static<typeof HourlyRow>;
export const HourlyStats = Type.Object({
  day: Type.String(),
  from: Type.String(),
  to: Type.String(),
  /** Arrivals per day with tickets (one day: that day's), mean wait by issue hour. */
  hours: Type.Array(HourlyRow),
  /** For one day: the mean over up to 8 earlier days with the same weekday that had tickets. */
  typical: Type.Array(HourlyRow),
  typicalDays: Type.Integer(),
});
export type HourlyStats = Static<typeof HourlyStats>;

export const StaffAccount = Type.Object({
  username: Type.String(),
  display_name: Type.String(),
  role: oneOf(...STAFF_ROLES),
  created_at: Type.Number(),
});
export const StaffListResponse = Type.Object({ staff: Type.Array(StaffAccount) });
export const StaffBody = Type.Object(
  {
    username: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{1,31}$' }),
    displayName: Type.String({ minLength: 1, maxLength: 100 }),
    role: oneOf(...STAFF_ROLES),
    password: Type.String({ minLength: 10, maxLength: 256 }),
  },
  strict,
);
export type StaffBody = Static<typeof StaffBody>;

// --- the counter console ------------------------------------------------------------------------------

export const ConsoleTicket = Type.Composite([
  Ticket,
  Type.Object({ procedure: Nullable(Procedure), recalls: Type.Integer() }),
]);
export const CounterConsole = Type.Object({
  counter: Type.Composite([CounterState, Type.Object({ number: Type.Integer(), name: LocalizedText })]),
  current: Nullable(ConsoleTicket),
  waiting: Type.Array(
    Type.Object({
      serviceId: Type.String(),
      tickets: Type.Array(
        Type.Object({
          id: Type.String(),
          number: Type.String(),
          priority: Type.String(),
          waitedMinutes: Type.Integer(),
          /** Addition: transferred to one counter, which alone calls it (listed first there). */
          forCounter: Type.Optional(Type.Object({ id: Type.String(), number: Type.Integer() })),
        }),
      ),
    }),
  ),
  /** The signed-in officer's own figures today. */
  mine: Nullable(OfficerKpi),
});
export type CounterConsole = Static<typeof CounterConsole>;

// --- appointments, dossiers, feedback (PROTOCOL.md §6) -----------------------------------------------

const IsoInstant = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$',
});
/** Vietnamese mobile numbers, with or without +84. */
const Phone = Type.String({ pattern: '^(\\+84|0)[35789]\\d{8}$' });
/** Codes are typed at a kiosk: no 0/O, 1/I/L look-alikes. */
export const APPOINTMENT_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const APPOINTMENT_CODE_LENGTH = 6;
export const APPOINTMENT_CODE_PATTERN = `^[${APPOINTMENT_CODE_ALPHABET}]{${APPOINTMENT_CODE_LENGTH}}$`;

export const Appointment = Type.Object({
  id: Type.String(),
  code: Type.String(),
  serviceId: Type.String(),
  procedureId: Type.Optional(Type.String()),
  start: Type.String(),
  end: Type.String(),
  status: oneOf('booked', 'checked_in', 'cancelled'),
  ticketId: Type.Optional(Type.String()),
  /** Addition: made with a CCCD number, so the card checks it in at the kiosk (until the day is over). */
  byCard: Type.Optional(Type.Boolean()),
});
export type Appointment = Static<typeof Appointment>;
export const AppointmentResponse = Type.Object({ appointment: Appointment });

export const SlotsQuery = Type.Object({ serviceId: Slug, day: DateOnly }, strict);
export const Slot = Type.Object({ start: Type.String(), end: Type.String(), free: Type.Integer() });
export type Slot = Static<typeof Slot>;
export const SlotsResponse = Type.Object({ slots: Type.Array(Slot) });

export const BookingBody = Type.Object(
  {
    serviceId: Slug,
    start: IsoInstant,
    procedureId: Type.Optional(Slug),
    phone: Type.Optional(Phone),
    /**
     * Addition: the CCCD number, to check in with the card instead of the code. Only its keyed hash
     * is kept (key outside the database), until the day is over.
     */
    idNumber: Type.Optional(Type.String({ pattern: '^\\d{12}$' })),
  },
  strict,
);
export type BookingBody = Static<typeof BookingBody>;
export const CancelQuery = Type.Object({ code: Type.String({ minLength: 4, maxLength: 16 }) }, strict);
export const CodeParams = Type.Object({ code: Type.String({ pattern: APPOINTMENT_CODE_PATTERN }) });
export const DayQuery = Type.Object({ day: Type.Optional(DateOnly) }, strict);

export const AppointmentDay = Type.Object({
  day: Type.String(),
  dayText: Type.String(),
  appointments: Type.Array(Type.Composite([Appointment, Type.Object({ noShow: Type.Boolean() })])),
  counts: Type.Object({
    booked: Type.Integer(),
    checkedIn: Type.Integer(),
    noShow: Type.Integer(),
    cancelled: Type.Integer(),
  }),
  /** Booked citizens among today's tickets (walk-ins are the rest); null for another day. */
  bookedShare: Share,
  /** Addition: today's waits of booked citizens (the `appointment` class) and of walk-ins; null for another day. */
  waits: Nullable(Type.Object({ booked: WaitStats, walkIn: WaitStats })),
});
export type AppointmentDay = Static<typeof AppointmentDay>;

/** A simulated day's waits of one group of citizens (the simulator's summary). */
export const SimulatedWaits = Type.Object({
  /** Tickets called (their wait is known). */
  n: Type.Integer(),
  mean: Nullable(Type.Number()),
  p90: Nullable(Type.Number()),
  max: Nullable(Type.Number()),
  /** Share called within the target, among called and never-called tickets. */
  withinTarget: Nullable(Type.Number()),
  unserved: Type.Integer(),
});

/** Addition: what every bookable slot filled to capacity does to walk-ins, simulated on the site's history. */
export const BookingEffect = Type.Object({
  date: Type.String(),
  historyDays: Type.Integer(),
  targetMinutes: Type.Number(),
  replications: Type.Integer(),
  bookedPerDay: Type.Integer(),
  walkInWithout: SimulatedWaits,
  walkInWith: SimulatedWaits,
  booked: SimulatedWaits,
  meetsTarget: Type.Boolean(),
});
export type BookingEffect = Static<typeof BookingEffect>;
/** `GET /api/appointments/capacity-check`: null without appointments or without a day of history. */
export const CapacityCheck = Type.Object({
  capacity: Nullable(Type.Integer()),
  effect: Nullable(BookingEffect),
});
export type CapacityCheck = Static<typeof CapacityCheck>;

export const DossierParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
export const DossierResponse = Type.Object({ dossier: DossierInfo });

export const FeedbackReason = Type.Object({ id: Slug, name: LocalizedText }, strict);
export type FeedbackReason = Static<typeof FeedbackReason>;
export const FeedbackReasonsResponse = Type.Object({ reasons: Type.Array(FeedbackReason) });

export const FeedbackBody = Type.Object(
  {
    reasons: Type.Array(Slug, { minItems: 1, maxItems: 10, uniqueItems: true }),
    text: Type.Optional(Type.String({ maxLength: 1000 })),
    contact: Type.Optional(Type.String({ maxLength: 100 })),
  },
  strict,
);
export type FeedbackBody = Static<typeof FeedbackBody>;
export const FeedbackCreated = Type.Object({ feedbackId: Type.String() });

export const FEEDBACK_STATUSES = ['new', 'in_progress', 'answered'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];
export const FeedbackItem = Type.Object({
  id: Type.String(),
  at: Type.String(),
  ticketId: Type.String(),
  number: Nullable(Type.String()),
  serviceId: Nullable(Type.String()),
  counterId: Nullable(Type.String()),
  officerId: Nullable(Type.String()),
  /** Addition: the officer's display name (staff account), for the manager. */
  officerName: Nullable(Type.String()),
  reasons: Type.Array(Type.Object({ id: Type.String(), name: LocalizedText })),
  text: Nullable(Type.String()),
  contact: Nullable(Type.String()),
  status: oneOf(...FEEDBACK_STATUSES),
  note: Nullable(Type.String()),
  handledBy: Nullable(Type.String()),
  /** Addition: the display name of who handled it. */
  handledByName: Nullable(Type.String()),
  updatedAt: Type.String(),
  overdue: Type.Boolean(),
});
export type FeedbackItem = Static<typeof FeedbackItem>;
export const FeedbackQuery = Type.Object(
  { from: Type.Optional(DateOnly), to: Type.Optional(DateOnly) },
  strict,
);
export const FeedbackList = Type.Object({
  from: Type.String(),
  to: Type.String(),
  items: Type.Array(FeedbackItem),
});
export type FeedbackList = Static<typeof FeedbackList>;
export const FeedbackUpdate = Type.Object(
  { status: oneOf(...FEEDBACK_STATUSES), note: Type.Optional(Type.String({ maxLength: 2000 })) },
  strict,
);
export type FeedbackUpdate = Static<typeof FeedbackUpdate>;
export const FeedbackItemResponse = Type.Object({ item: FeedbackItem });
export const MonthQuery = Type.Object(
  { month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' }) },
  strict,
);

// --- `POST /api/actions/{action}`: the results of the MQTT request actions ------------------------

const TicketResult = Type.Object({ ticket: Nullable(Ticket) });
const Accepted = Type.Object({ accepted: Type.Literal(true) });

/** What each action answers with, over MQTT (`result`) and HTTP (the body) alike. */
export const ResultSchemas = {
  'ticket.issue': TicketResult,
  'counter.next': TicketResult,
  'counter.recall': TicketResult,
  'counter.start': TicketResult,
  'counter.finish': TicketResult,
  'counter.transfer': TicketResult,
  'rating.submit': Type.Object({
    ratingId: Nullable(Type.String()),
    ticketId: Type.Optional(Nullable(Type.String())),
  }),
  'emotion.submit': Accepted,
  'lease.request': Type.Object({ lease: Nullable(Lease) }),
  'ticket.merge': TicketResult,
  'ticket.void': Type.Object({ voided: Type.Boolean(), ticket: Nullable(Ticket) }),
} satisfies { [A in ActionName]: TSchema };
export type ResultOf<A extends ActionName> = Static<(typeof ResultSchemas)[A]>;

// --- the province hub's HTTP (PROTOCOL.md §5 and additions) -----------------------------------------

export const HubHealth = Type.Object({
  status: oneOf('ok', 'degraded'),
  database: Type.Boolean(),
  broker: Type.Boolean(),
});
export type HubHealth = Static<typeof HubHealth>;

/** One row of `GET /api/sites`: the site's name, last event and today's figures in its own zone. */
export const HubSite = Type.Object({
  id: Type.String(),
  name: LocalizedText,
  lastEventAt: Nullable(Type.String()),
  // Additions: the link's state, the feed's position (every site event up to it is here), the target.
  online: Type.Boolean(),
  feedSeq: Type.Integer(),
  waitTargetMinutes: Type.Number(),
  /** Addition: the site's date now, in its own zone: the day `today` is of. */
  day: DateOnly,
  today: SiteDayFigures,
});
export type HubSite = Static<typeof HubSite>;
export const HubSitesResponse = Type.Object({ sites: Type.Array(HubSite) });

export const HubTicketsQuery = Type.Object({ day: Type.Optional(DateOnly) }, strict);
export const HubTicketsResponse = Type.Object({
  tickets: Type.Array(HubTicket),
  /** Addition: the site's service names, so that a reader need not know its ids. */
  services: Type.Array(Type.Object({ id: Type.String(), prefix: Type.String(), name: LocalizedText })),
});
export type HubTicketsResponse = Static<typeof HubTicketsResponse>;

/** A site's indicators over a period (a day, a month): the versioned export (docs/hub.md). */
export const PeriodFigures = Type.Composite([
  SiteDayFigures,
  Type.Object({
    noShows: Type.Integer(),
    p90WaitMinutes: Minutes,
    ratings: Type.Integer(),
    /** Waits per priority class (elderly, disabled… against normal). */
    byPriority: Type.Array(
      Type.Object({
        priority: Type.String(),
        issued: Type.Integer(),
        meanWaitMinutes: Minutes,
        withinTargetShare: Share,
      }),
    ),
    /** Per officer: tickets finished as done, and their ratings. */
    officers: Type.Array(
      Type.Object({
        officerId: Type.String(),
        served: Type.Integer(),
        ratings: Type.Integer(),
        satisfiedShare: Share,
      }),
    ),
  }),
]);
export type PeriodFigures = Static<typeof PeriodFigures>;
export const SiteIndicators = Type.Composite([
  Type.Object({ siteId: Type.String(), name: LocalizedText, targetWaitMinutes: Type.Number() }),
  PeriodFigures,
]);
export type SiteIndicators = Static<typeof SiteIndicators>;
export const ExportQuery = Type.Object(
  {
    day: Type.Optional(Type.String({ maxLength: 10 })),
    month: Type.Optional(Type.String({ maxLength: 7 })),
    format: Type.Optional(oneOf('json', 'csv')),
  },
  strict,
);
export type ExportQuery = Static<typeof ExportQuery>;
export const IndicatorsExport = Type.Object({
  schema: Type.Literal('oss-hub-indicators'),
  version: Type.Integer(),
  period: Type.Object({ kind: oneOf('day', 'month'), from: Type.String(), to: Type.String() }),
  generatedAt: Type.String(),
  sites: Type.Array(SiteIndicators),
});
export type IndicatorsExport = Static<typeof IndicatorsExport>;

// --- the province hub's periods, rankings and forecast (docs/hub.md, additions) ---------------------

/** `?period=day&label=2026-11-30` (or month `2026-11`, quarter `2026-Q4`, year `2026`). */
export const HubPeriodQuery = Type.Object(
  { period: oneOf(...PERIOD_KINDS), label: Type.String({ minLength: 1, maxLength: 16 }) },
  strict,
);
export type HubPeriodQuery = Static<typeof HubPeriodQuery>;

/** Where a site sits in the province (the hub's configuration), and its 468 level. */
const SitePlace = {
  area: Nullable(LocalizedText),
  level: Type.String(),
};

/** One site's line in `GET /api/rankings`: the core's period indicators and its rank. */
export const HubSiteRank = Type.Object({
  siteId: Type.String(),
  name: LocalizedText,
  ...SitePlace,
  /** 1 = best: highest share within target, then lowest mean wait, then highest satisfaction. */
  rank: Type.Integer(),
  issued: Type.Integer(),
  served: Type.Integer(),
  meanWaitMinutes: Minutes,
  withinTargetShare: Share,
  satisfiedShare: Share,
  targetWaitMinutes: Type.Number(),
});
export type HubSiteRank = Static<typeof HubSiteRank>;
export const HubRankingsResponse = Type.Object({ period: ReportPeriod, sites: Type.Array(HubSiteRank) });
export type HubRankingsResponse = Static<typeof HubRankingsResponse>;

export const DailyRow = Type.Object({
  day: Type.String(),
  arrivals: Type.Integer(),
  meanWaitMinutes: Minutes,
});
export type DailyRow = Static<typeof DailyRow>;

/** `GET /api/sites/{id}/report`: the site dashboard's period report, as the hub computes it. */
export const HubSiteReport = Type.Object({
  siteId: Type.String(),
  name: LocalizedText,
  ...SitePlace,
  report: PeriodReport,
  /** Officers whose citizens served this year are below the floor's share due by the period's end. */
  officersBelowFloor: Type.Array(Type.String()),
  /** Mean arrivals per open day and mean wait by issue hour; arrivals and mean wait per day. */
  hourly: Type.Array(HourlyRow),
  daily: Type.Array(DailyRow),
  services: Type.Array(Type.Object({ id: Type.String(), name: LocalizedText })),
});
export type HubSiteReport = Static<typeof HubSiteReport>;

export const HubForecastQuery = Type.Object(
  /** 1–7 days ahead (a query string: the hub does not coerce types). */
  { days: Type.Optional(Type.String({ pattern: '^[1-7]$' })) },
  strict,
);
/** One day ahead: expected arrivals per service and hour, and the counters the simulator asks for. */
export const ForecastDay = Type.Object({
  day: Type.String(),
  /** Expected arrivals per local hour 0–23 (one decimal). */
  services: Type.Array(Type.Object({ serviceId: Type.String(), hours: Type.Array(Type.Number()) })),
  total: Type.Number(),
  /** The fewest counters whose simulated mean wait stays within the target; null when closed or none up to 40. */
  countersNeeded: Nullable(Type.Integer()),
  /** Their simulated mean wait, minutes. */
  meanWaitMinutes: Minutes,
});
export type ForecastDay = Static<typeof ForecastDay>;
export const HubForecastResponse = Type.Object({
  siteId: Type.String(),
  targetWaitMinutes: Type.Number(),
  /** Earlier weeks the model averages (the same weekday and hour). */
  weeks: Type.Integer(),
  days: Type.Array(ForecastDay),
});
export type HubForecastResponse = Static<typeof HubForecastResponse>;
