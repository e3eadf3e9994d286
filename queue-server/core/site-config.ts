/** The site configuration: one file per centre, validated against this schema at start. Pure data. */
import { bilingual, FeedbackReason, isKnownTimeZone, LocalizedText, oneOf, Procedure } from '@oss/protocol';
import { type Static, Type } from '@sinclair/typebox';

const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });

/** Site levels of Decision 468's productivity floors (dossiers per officer per year). */
export const SITE_LEVELS = ['ministry', 'central-city', 'province', 'rural', 'remote'] as const;
export type SiteLevel = (typeof SITE_LEVELS)[number];

export const OpeningPeriod = Type.Object(
  {
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1 }),
    open: HHMM,
    close: HHMM,
  },
  { additionalProperties: false },
);

export const Service = Type.Object(
  {
    id: Slug,
    /** Ticket prefix letter: A012. */
    prefix: Type.String({ pattern: '^[A-Z]$' }),
    name: LocalizedText,
    /** Mean service time before any history exists, in minutes. */
    meanServiceMinutes: Type.Number({ exclusiveMinimum: 0, maximum: 240 }),
    /** Whether citizens can take tickets for it at kiosks. */
    public: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);

/** Procedures are part of the HTTP contract too: one schema in protocol. */
export { Procedure };

export const Counter = Type.Object(
  {
    id: Slug,
    /** The number said aloud and shown: "quầy số 3". */
    number: Type.Integer({ minimum: 1, maximum: 999 }),
    name: LocalizedText,
    /** Services in preference order: the counter prefers the first. */
    serviceIds: Type.Array(Slug, { minItems: 1 }),
    /** A counter reserved for priority citizens takes priority tickets of its services first. */
    priorityCounter: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const PriorityClass = Type.Object(
  {
    id: Slug,
    name: LocalizedText,
    /** Rate at which a waiting ticket's priority grows (normal = 1). */
    weight: Type.Number({ minimum: 1, maximum: 100 }),
    /** Citizens can declare it at the kiosk. */
    declarable: Type.Boolean(),
    /** Given automatically to citizens of at least this age on the issue date. */
    minAge: Type.Optional(Type.Integer({ minimum: 1, maximum: 150 })),
  },
  { additionalProperties: false },
);

export const Targets = Type.Object(
  {
    /** National target for the average wait (Decision 468/QĐ-TTg, 2025). */
    waitMinutes: Type.Number({ exclusiveMinimum: 0, default: 15 }),
    /** Share of tickets to be called within `waitMinutes`. */
    withinTargetShare: Type.Number({ minimum: 0, maximum: 1, default: 0.9 }),
    /** Satisfaction goal: share of rated tickets whose score is in `satisfiedScores`. */
    satisfactionShare: Type.Number({ minimum: 0, maximum: 1, default: 0.95 }),
    /** Which button scores (1 = Rất không hài lòng … 5 = Rất hài lòng) count as satisfied. */
    satisfiedScores: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 5 }), {
        minItems: 1,
        uniqueItems: true,
        default: [4, 5],
      }),
    ),
    /** Anti-starvation: no ticket waits longer than this while others overtake it. */
    maxWaitMinutes: Type.Number({ exclusiveMinimum: 0, default: 30 }),
  },
  { additionalProperties: false },
);

/** Booking rules (PROTOCOL.md §6). Absent: the site takes no appointments. */
export const AppointmentRules = Type.Object(
  {
    /** Length of one bookable slot, in minutes, cut from the opening hours. */
    slotMinutes: Type.Integer({ minimum: 5, maximum: 240, default: 30 }),
    /** Citizens one slot takes per service: what walk-in waits were checked against (docs). */
    capacity: Type.Integer({ minimum: 1, maximum: 100, default: 2 }),
    /** Services that can be booked; all public services when absent. */
    serviceIds: Type.Optional(Type.Array(Slug, { minItems: 1 })),
    /** How many local days ahead a slot can be booked (0 = today only). */
    daysAhead: Type.Integer({ minimum: 0, maximum: 90, default: 14 }),
    /** Check-in window around the slot's start: on time gives the `appointment` priority class. */
    earlyMinutes: Type.Integer({ minimum: 0, maximum: 240, default: 30 }),
    lateMinutes: Type.Integer({ minimum: 0, maximum: 240, default: 15 }),
    /** Too early: refuse (come back at the window) or issue a normal ticket now. */
    whenEarly: Type.Union([Type.Literal('refuse'), Type.Literal('normal')], { default: 'refuse' }),
    /** Too late: a normal ticket, or refuse. */
    whenLate: Type.Union([Type.Literal('normal'), Type.Literal('refuse')], { default: 'normal' }),
    /** Abuse limits: bookings per phone number per day, and per client address per hour. */
    perPhonePerDay: Type.Integer({ minimum: 1, maximum: 50, default: 2 }),
    perAddressPerHour: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  },
  { additionalProperties: false },
);
export type AppointmentRules = Static<typeof AppointmentRules>;

/** Letters, digits, dots and dashes, 6–40 long: the shapes receipts of the provinces' systems print. */
export const DEFAULT_DOSSIER_CODE = '^[A-Z0-9][A-Z0-9.\\-]{5,39}$';

/** Dossier receipts (giấy tiếp nhận hồ sơ) and the province's status source (PROTOCOL.md §6). */
export const DossierRules = Type.Object(
  {
    /** A received dossier's code, as printed on the receipt (a regular expression, whole string). */
    codePattern: Type.String({ minLength: 1, default: DEFAULT_DOSSIER_CODE }),
    /** Where the kiosk's "Tra cứu hồ sơ" reads a dossier's status. */
    source: Type.Union(
      [
        Type.Object({ kind: Type.Literal('simulated') }, { additionalProperties: false }),
        Type.Object(
          {
            kind: Type.Literal('http-json'),
            /** `{code}` is replaced by the URL-encoded dossier code. */
            urlTemplate: Type.String({ pattern: '^https?://.*\\{code\\}' }),
            /** Dotted paths into the answer's JSON for each field we show. */
            fields: Type.Object(
              {
                status: Type.String({ minLength: 1 }),
                procedureName: Type.Optional(Type.String({ minLength: 1 })),
                receivedAt: Type.Optional(Type.String({ minLength: 1 })),
                dueAt: Type.Optional(Type.String({ minLength: 1 })),
              },
              { additionalProperties: false },
            ),
            /** The source's status values → our status names. */
            statusMap: Type.Record(Type.String(), Type.String()),
            timeoutMs: Type.Integer({ minimum: 100, maximum: 30_000, default: 5000 }),
          },
          { additionalProperties: false },
        ),
      ],
      { default: { kind: 'simulated' } },
    ),
  },
  { additionalProperties: false },
);
export type DossierRules = Static<typeof DossierRules>;

/**
 * SMS reminders of appointments (off when absent). No provider is assumed: `http-json` posts to any
 * gateway that takes a JSON body (docs/appointments.md); `simulated` keeps them in memory for the demo.
 */
export const SmsRules = Type.Object(
  {
    /** How long before the slot the reminder goes out. */
    reminderMinutes: Type.Integer({ minimum: 10, maximum: 24 * 60, default: 60 }),
    gateway: Type.Union([
      Type.Object({ kind: Type.Literal('simulated') }, { additionalProperties: false }),
      Type.Object(
        {
          kind: Type.Literal('http-json'),
          url: Type.String({ pattern: '^https?://' }),
          /** The name of the environment variable holding the gateway's bearer token (never in the file). */
          tokenEnv: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' })),
          /** The JSON body's field names for the number and the text. */
          fields: Type.Object(
            { to: Type.String({ minLength: 1 }), text: Type.String({ minLength: 1 }) },
            { additionalProperties: false },
          ),
          timeoutMs: Type.Integer({ minimum: 100, maximum: 30_000, default: 5000 }),
        },
        { additionalProperties: false },
      ),
    ]),
  },
  { additionalProperties: false },
);
export type SmsRules = Static<typeof SmsRules>;

/** Why a citizen was dissatisfied: the reasons the feedback form offers. */
export { FeedbackReason };

/** The reasons offered when a site lists none (issue 17's list). */
export const DEFAULT_FEEDBACK_REASONS: FeedbackReason[] = [
  { id: 'long-wait', name: { vi: 'Chờ quá lâu', en: 'Waited too long' } },
  { id: 'attitude', name: { vi: 'Thái độ của cán bộ', en: "The officer's attitude" } },
  { id: 'unclear-guidance', name: { vi: 'Hướng dẫn không rõ ràng', en: 'Unclear guidance' } },
  {
    id: 'unlisted-papers',
    name: { vi: 'Bị yêu cầu giấy tờ ngoài quy định', en: 'Asked for papers that are not listed' },
  },
  { id: 'other', name: { vi: 'Lý do khác', en: 'Other' } },
];

/** Days within which a complaint should be answered before the inbox marks it overdue. */
export const DEFAULT_FEEDBACK_DUE_DAYS = 10;

/** What the board's announcements area shows, by file extension: its kind and the type it is sent as. */
export const ANNOUNCEMENT_TYPES: Record<string, { kind: 'image' | 'video'; contentType: string }> = {
  '.png': { kind: 'image', contentType: 'image/png' },
  '.jpg': { kind: 'image', contentType: 'image/jpeg' },
  '.jpeg': { kind: 'image', contentType: 'image/jpeg' },
  '.webp': { kind: 'image', contentType: 'image/webp' },
  '.gif': { kind: 'image', contentType: 'image/gif' },
  '.svg': { kind: 'image', contentType: 'image/svg+xml' },
  '.mp4': { kind: 'video', contentType: 'video/mp4' },
  '.webm': { kind: 'video', contentType: 'video/webm' },
};
/** Largest file per kind: a board on a Pi loads them over the site's network. */
export const ANNOUNCEMENT_MAX_BYTES = { image: 5 * 1024 * 1024, video: 50 * 1024 * 1024 } as const;

/** One image or short video of the display board's announcements area (opening hours, notices). */
export const Announcement = Type.Object(
  {
    /** Relative to the site configuration file's folder, e.g. `media/gio-lam-viec.svg`. */
    file: Type.String({ minLength: 1, maxLength: 200 }),
    kind: oneOf('image', 'video'),
    /** How long it shows before the next one (a lone video loops). */
    seconds: Type.Integer({ minimum: 3, maximum: 600, default: 10 }),
    /** What it says, for screen readers (never shown). */
    title: LocalizedText,
  },
  { additionalProperties: false },
);
export type Announcement = Static<typeof Announcement>;

/** The extension of a configured file, lower case ('' without one). */
export function extensionOf(file: string): string {
  const name = file.slice(file.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

export const SiteConfig = Type.Object(
  {
    site: Type.Object(
      {
        id: Slug,
        name: LocalizedText,
        address: Type.String(),
        timezone: Type.String({ default: 'Asia/Ho_Chi_Minh' }),
        /** Administrative level (default `province`): picks Decision 468's productivity floor (core/kpis.ts). */
        level: Type.Optional(oneOf(...SITE_LEVELS)),
        /** Public base URL for ticket QR codes; defaults to the server's own address. */
        publicUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
      },
      { additionalProperties: false },
    ),
    openingHours: Type.Array(OpeningPeriod, { minItems: 1 }),
    /** When false (the demo), tickets are issued at any hour. */
    enforceOpeningHours: Type.Boolean({ default: true }),
    services: Type.Array(Service, { minItems: 1 }),
    procedures: Type.Array(Procedure),
    counters: Type.Array(Counter, { minItems: 1 }),
    priorityClasses: Type.Array(PriorityClass, { minItems: 1 }),
    targets: Targets,
    appointments: Type.Optional(AppointmentRules),
    dossiers: Type.Optional(DossierRules),
    sms: Type.Optional(SmsRules),
    feedbackReasons: Type.Optional(Type.Array(FeedbackReason, { minItems: 1 })),
    /** Days after which an unanswered complaint is overdue in the manager's inbox. */
    feedbackDueDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
    /** The display board's announcements area (absent: no area). Files are checked when loading. */
    announcements: Type.Optional(Type.Array(Announcement, { minItems: 1, maxItems: 20 })),
    /** Routing policy name; see core/routing.ts. */
    routingPolicy: Type.String({ default: 'accumulating' }),
    /** Demo sites seed demo staff accounts (documented passwords). Never set in production. */
    demo: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SiteConfig = Static<typeof SiteConfig>;
export type ServiceDef = Static<typeof Service>;
export type CounterDef = Static<typeof Counter>;
export type PriorityClassDef = Static<typeof PriorityClass>;
export type ProcedureDef = Static<typeof Procedure>;

export interface ConfigProblem {
  path: string;
  message: string;
}

/** Checks what a schema cannot: unique ids and prefixes, references between sections. */
export function crossCheck(config: SiteConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (path: string, vi: string, en: string) =>
    problems.push({ path, message: bilingual({ vi, en }) });
  const serviceIds = new Set<string>();
  const unique = (section: string, items: { id: string }[]) => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.id))
        problem(`${section}.${i}.id`, `mã "${item.id}" bị trùng`, `duplicate id "${item.id}"`);
      seen.add(item.id);
    });
  };
  unique('services', config.services);
  unique('procedures', config.procedures);
  unique('counters', config.counters);
  unique('priorityClasses', config.priorityClasses);
  const prefixes = new Set<string>();
  config.services.forEach((s, i) => {
    serviceIds.add(s.id);
    if (prefixes.has(s.prefix))
      problem(
        `services.${i}.prefix`,
        `tiền tố "${s.prefix}" dùng hai lần`,
        `prefix "${s.prefix}" is used twice`,
      );
    prefixes.add(s.prefix);
  });
  config.procedures.forEach((p, i) => {
    if (!serviceIds.has(p.serviceId))
      problem(
        `procedures.${i}.serviceId`,
        `không có dịch vụ "${p.serviceId}"`,
        `unknown service "${p.serviceId}"`,
      );
  });
  const numbers = new Set<number>();
  config.counters.forEach((c, i) => {
    if (numbers.has(c.number))
      problem(
        `counters.${i}.number`,
        `số quầy ${c.number} dùng hai lần`,
        `counter number ${c.number} is used twice`,
      );
    numbers.add(c.number);
    c.serviceIds.forEach((id, j) => {
      if (!serviceIds.has(id))
        problem(`counters.${i}.serviceIds.${j}`, `không có dịch vụ "${id}"`, `unknown service "${id}"`);
    });
  });
  config.openingHours.forEach((h, i) => {
    // HH:MM strings compare in time order; a period that closes when or before it opens is empty.
    if (h.close <= h.open)
      problem(
        `openingHours.${i}.close`,
        `giờ đóng cửa ${h.close} phải sau giờ mở cửa ${h.open}`,
        `closing time ${h.close} must be after opening time ${h.open}`,
      );
  });
  if (!config.priorityClasses.some((p) => p.id === 'normal'))
    problem('priorityClasses', 'cần một nhóm có mã "normal"', 'a class with id "normal" is required');
  if (!isKnownTimeZone(config.site.timezone))
    problem(
      'site.timezone',
      `không có múi giờ "${config.site.timezone}"`,
      `unknown time zone "${config.site.timezone}"`,
    );
  problems.push(...visitProblems(config), ...announcementProblems(config));
  return problems;
}

const KIND_WORDS = { image: { vi: 'ảnh', en: 'an image' }, video: { vi: 'video', en: 'a video' } };

/** Each announcement's file: a relative path inside the folder, of a known type matching its kind. */
function announcementProblems(config: SiteConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  config.announcements?.forEach((a, i) => {
    const problem = (vi: string, en: string) =>
      problems.push({ path: `announcements.${i}.file`, message: bilingual({ vi, en }) });
    const type = ANNOUNCEMENT_TYPES[extensionOf(a.file)];
    if (
      a.file.startsWith('/') ||
      a.file.includes('\\') ||
      a.file.split('/').some((s) => s === '..' || s === '.')
    )
      problem(
        `tệp "${a.file}" phải là đường dẫn tương đối trong thư mục của tệp cấu hình, không có "..", "." hay "\\"`,
        `file "${a.file}" must be a relative path inside the configuration's folder, without "..", "." or "\\"`,
      );
    else if (!type)
      problem(
        `tệp "${a.file}": phần mở rộng không được hỗ trợ (dùng ${Object.keys(ANNOUNCEMENT_TYPES).join(', ')})`,
        `file "${a.file}": unknown extension (use ${Object.keys(ANNOUNCEMENT_TYPES).join(', ')})`,
      );
    else if (type.kind !== a.kind)
      problem(
        `tệp "${a.file}" là ${KIND_WORDS[type.kind].vi}, không phải ${KIND_WORDS[a.kind].vi} như "kind" ghi`,
        `file "${a.file}" is ${KIND_WORDS[type.kind].en}, not ${KIND_WORDS[a.kind].en} as "kind" says`,
      );
  });
  return problems;
}

/** Appointments and dossiers: services that exist, a code pattern that compiles. */
function visitProblems(config: SiteConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const services = new Set(config.services.map((s) => s.id));
  config.appointments?.serviceIds?.forEach((id, i) => {
    if (!services.has(id))
      problems.push({
        path: `appointments.serviceIds.${i}`,
        message: bilingual({ vi: `không có dịch vụ "${id}"`, en: `unknown service "${id}"` }),
      });
  });
  const pattern = config.dossiers?.codePattern;
  if (pattern !== undefined) {
    try {
      new RegExp(pattern);
    } catch {
      problems.push({
        path: 'dossiers.codePattern',
        message: bilingual({ vi: 'biểu thức chính quy không hợp lệ', en: 'not a valid regular expression' }),
      });
    }
  }
  return problems;
}
