/** The site configuration: one file per centre, validated against this schema at start. Pure data. */
import { bilingual, isKnownTimeZone, LocalizedText, oneOf } from '@oss/protocol';
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
  },
  { additionalProperties: false },
);

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
  if (!config.priorityClasses.some((p) => p.id === 'normal'))
    problem('priorityClasses', 'cần một nhóm có mã "normal"', 'a class with id "normal" is required');
  if (!isKnownTimeZone(config.site.timezone))
    problem(
      'site.timezone',
      `không có múi giờ "${config.site.timezone}"`,
      `unknown time zone "${config.site.timezone}"`,
    );
  return problems;
}
