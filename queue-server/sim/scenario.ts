/**
 * What a simulated day looks like: the site (its YAML config or a one-queue site built from flags),
 * the hourly arrival profile, service times, priority share, no-shows, counter schedules and breaks.
 * Times in a scenario file are local "HH:MM"; inside the simulator they are minutes since local midnight.
 */
import { dirname, resolve } from 'node:path';
import { localParts, oneOf, validate } from '@oss/protocol';
import { configError, readYamlFile } from '@oss/protocol/config';
import { type Static, Type } from '@sinclair/typebox';
import type { SiteConfig } from '../core/site-config.ts';
import { loadSiteConfig } from '../src/config/load.ts';
import { mmcStationary } from './theory.ts';

const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });

const ServiceTime = Type.Object(
  {
    /** Mean minutes; defaults to the service's configured meanServiceMinutes. */
    mean: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    dist: Type.Optional(oneOf('exp', 'lognormal')),
    /** Coefficient of variation (lognormal only; exponential is 1). */
    cv: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
  },
  { additionalProperties: false },
);

const Period = Type.Object({ from: HHMM, to: HHMM }, { additionalProperties: false });

export const ScenarioFile = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    /** Path of the site's YAML configuration, relative to the scenario file. */
    siteConfig: Type.String({ minLength: 1 }),
    /** Local date simulated (its weekday picks the opening hours). */
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    arrivals: Type.Object(
      {
        /** Citizens who queued before opening take tickets in the first minutes. */
        openingBatch: Type.Optional(
          Type.Object(
            { at: HHMM, count: Type.Integer({ minimum: 0 }), spreadMinutes: Type.Number({ minimum: 0 }) },
            { additionalProperties: false },
          ),
        ),
        /** Poisson arrivals per hour, piecewise constant. */
        profile: Type.Array(
          Type.Object(
            { from: HHMM, to: HHMM, perHour: Type.Number({ minimum: 0 }) },
            { additionalProperties: false },
          ),
          { minItems: 1 },
        ),
        /** Share of arrivals per service (normalised). */
        serviceMix: Type.Record(Type.String(), Type.Number({ minimum: 0 })),
      },
      { additionalProperties: false },
    ),
    priority: Type.Object(
      {
        /** Share of arrivals with a priority class. */
        share: Type.Number({ minimum: 0, maximum: 1 }),
        /** Mix of the priority classes among them (normalised). */
        classes: Type.Record(Type.String(), Type.Number({ minimum: 0 })),
      },
      { additionalProperties: false },
    ),
    serviceTimes: Type.Object(
      { default: ServiceTime, services: Type.Optional(Type.Record(Type.String(), ServiceTime)) },
      { additionalProperties: false },
    ),
    noShow: Type.Optional(
      Type.Object(
        { share: Type.Number({ minimum: 0, maximum: 1 }), graceMinutes: Type.Number({ minimum: 0 }) },
        { additionalProperties: false },
      ),
    ),
    /** Counter working periods; by default the site's opening hours for the date's weekday. */
    schedules: Type.Optional(Type.Record(Type.String(), Type.Array(Period, { minItems: 1 }))),
    breaks: Type.Optional(
      Type.Array(
        Type.Object(
          { counterId: Type.String(), at: HHMM, minutes: Type.Number({ exclusiveMinimum: 0 }) },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
export type ScenarioFile = Static<typeof ScenarioFile>;

export interface ServiceTimeModel {
  mean: number;
  dist: 'exp' | 'lognormal';
  cv: number;
}

/** A scenario resolved to numbers: what the simulator runs. Minutes are since local midnight. */
export interface Scenario {
  name: string;
  config: SiteConfig;
  date: string;
  /** Local midnight of `date`, epoch ms. */
  midnightMs: number;
  /** Arrival rate segments, per minute. */
  segments: { from: number; to: number; perMinute: number }[];
  openingBatch: { at: number; count: number; spreadMinutes: number } | null;
  /** Citizens already there at the start, drawn from this distribution (steady-state runs); never measured. */
  initialQueue: number[] | null;
  serviceMix: { serviceId: string; share: number }[];
  priorityShare: number;
  priorityMix: { classId: string; share: number }[];
  serviceTimes: Map<string, ServiceTimeModel>;
  noShowShare: number;
  noShowGraceMinutes: number;
  schedules: Map<string, { from: number; to: number }[]>;
  /** Periods of counters without their own schedule (the opening hours). */
  defaultSchedule: { from: number; to: number }[];
  breaks: { counterId: string; at: number; minutes: number }[];
  /** Citizens who come at a set minute (booked appointments), drawn after the random stream. */
  scheduled?: { at: number; serviceId: string; priority: string }[];
  /** Only tickets issued in this window count in the results (steady-state runs skip warm-up). */
  measure: { from: number; to: number };
  /** Nothing happens after this minute (before local midnight: the core rolls the day over). */
  horizon: number;
}

export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function localMidnight(date: string, timeZone: string): number {
  const noonUtc = Date.parse(`${date}T12:00:00Z`);
  const offset = localParts(noonUtc, timeZone).offsetMinutes;
  return Date.parse(`${date}T00:00:00Z`) - offset * 60_000;
}

function normalise(weights: Record<string, number>, path: string): { id: string; share: number }[] {
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  if (!(total > 0))
    throw configError(SCENARIO_FILE, path, {
      vi: 'cần ít nhất một tỉ lệ lớn hơn 0',
      en: 'a mix needs at least one positive share',
    });
  return Object.entries(weights)
    .filter(([, w]) => w > 0)
    .map(([id, w]) => ({ id, share: w / total }));
}

const SCENARIO_FILE = { vi: 'Tệp kịch bản mô phỏng', en: 'simulation scenario' };

/** A scenario file (JSON or YAML) and its site's configuration, each through the one strict loader. */
export function loadScenario(path: string): Scenario {
  const doc = readYamlFile(SCENARIO_FILE, path);
  const checked = validate(ScenarioFile, doc.value);
  if (!checked.ok) throw configError(SCENARIO_FILE, checked.path, checked.text).locate(path, doc.lineOf);
  const config = loadSiteConfig(resolve(dirname(path), checked.value.siteConfig));
  return resolveScenario(checked.value, config);
}

export function resolveScenario(file: ScenarioFile, config: SiteConfig): Scenario {
  const services = new Map(config.services.map((s) => [s.id, s]));
  const kinds = {
    service: { vi: 'lĩnh vực', en: 'service' },
    priority: { vi: 'đối tượng ưu tiên', en: 'priority class' },
    counter: { vi: 'quầy', en: 'counter' },
  };
  const unknown = (kind: keyof typeof kinds, path: string, id: string) =>
    configError(SCENARIO_FILE, path, {
      vi: `cấu hình của đơn vị không có ${kinds[kind].vi} "${id}"`,
      en: `unknown ${kinds[kind].en} "${id}" (not in the site's configuration)`,
    });
  for (const id of Object.keys(file.arrivals.serviceMix))
    if (!services.has(id)) throw unknown('service', `arrivals.serviceMix.${id}`, id);
  for (const id of Object.keys(file.priority.classes))
    if (!config.priorityClasses.some((c) => c.id === id && id !== 'normal'))
      throw unknown('priority', `priority.classes.${id}`, id);
  const counterIds = new Set(config.counters.map((c) => c.id));
  for (const id of Object.keys(file.schedules ?? {}))
    if (!counterIds.has(id)) throw unknown('counter', `schedules.${id}`, id);
  (file.breaks ?? []).forEach((b, i) => {
    if (!counterIds.has(b.counterId)) throw unknown('counter', `breaks.${i}.counterId`, b.counterId);
  });

  const serviceTimes = new Map<string, ServiceTimeModel>();
  for (const s of config.services) {
    const spec = { ...file.serviceTimes.default, ...file.serviceTimes.services?.[s.id] };
    const dist = spec.dist ?? 'lognormal';
    serviceTimes.set(s.id, {
      mean: spec.mean ?? s.meanServiceMinutes,
      dist,
      cv: dist === 'exp' ? 1 : (spec.cv ?? 0.6),
    });
  }
  const midnightMs = localMidnight(file.date, config.site.timezone);
  const weekday = new Date(`${file.date}T12:00:00Z`).getUTCDay() || 7;
  const opening = config.openingHours
    .filter((p) => p.days.includes(weekday))
    .map((p) => ({ from: minutesOf(p.open), to: minutesOf(p.close) }));
  const schedules = new Map(
    config.counters.map((c) => [
      c.id,
      (file.schedules?.[c.id] ?? null)?.map((p) => ({ from: minutesOf(p.from), to: minutesOf(p.to) })) ??
        opening,
    ]),
  );
  const segments = file.arrivals.profile.map((s) => ({
    from: minutesOf(s.from),
    to: minutesOf(s.to),
    perMinute: s.perHour / 60,
  }));
  const batch = file.arrivals.openingBatch;
  const starts = [...segments.map((s) => s.from), ...(batch ? [minutesOf(batch.at)] : [])];
  return {
    name: file.name,
    config,
    date: file.date,
    midnightMs,
    segments,
    openingBatch: batch
      ? { at: minutesOf(batch.at), count: batch.count, spreadMinutes: batch.spreadMinutes }
      : null,
    initialQueue: null,
    serviceMix: normalise(file.arrivals.serviceMix, 'arrivals.serviceMix').map(({ id, share }) => ({
      serviceId: id,
      share,
    })),
    priorityShare: file.priority.share,
    priorityMix: normalise(file.priority.classes, 'priority.classes').map(({ id, share }) => ({
      classId: id,
      share,
    })),
    serviceTimes,
    noShowShare: file.noShow?.share ?? 0,
    noShowGraceMinutes: file.noShow?.graceMinutes ?? 2,
    schedules,
    defaultSchedule: opening,
    breaks: (file.breaks ?? []).map((b) => ({
      counterId: b.counterId,
      at: minutesOf(b.at),
      minutes: b.minutes,
    })),
    measure: { from: Math.min(...starts), to: 24 * 60 },
    horizon: 24 * 60 - 1,
  };
}

export interface SingleQueueOptions {
  counters: number;
  arrivalsPerMinute: number;
  serviceMean: number;
  serviceDist: 'exp' | 'lognormal';
  serviceCv: number;
  priorityShare: number;
  /** Minutes of arrivals, from local midnight. */
  minutes: number;
  /** Minutes at the start and end whose arrivals are not measured (steady state). */
  warmupMinutes: number;
  targetMinutes: number;
  maxWaitMinutes: number;
  noShowShare?: number;
}

const text = (vi: string, en: string) => ({ vi, en });

/** One service, N identical counters, classes `normal` (weight 1) and `priority` (weight 4). */
export function singleQueueConfig(
  o: Pick<SingleQueueOptions, 'counters' | 'serviceMean' | 'targetMinutes' | 'maxWaitMinutes'>,
): SiteConfig {
  return {
    site: {
      id: 'single-queue',
      name: text('Một hàng đợi', 'One queue'),
      address: '-',
      timezone: 'Asia/Ho_Chi_Minh',
    },
    openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '23:59' }],
    enforceOpeningHours: false,
    services: [
      { id: 'general', prefix: 'A', name: text('Chung', 'General'), meanServiceMinutes: o.serviceMean },
    ],
    procedures: [],
    counters: Array.from({ length: o.counters }, (_, i) => ({
      id: `counter-${i + 1}`,
      number: i + 1,
      name: text(`Quầy ${i + 1}`, `Counter ${i + 1}`),
      serviceIds: ['general'],
    })),
    priorityClasses: [
      { id: 'normal', name: text('Thường', 'Normal'), weight: 1, declarable: false },
      { id: 'priority', name: text('Ưu tiên', 'Priority'), weight: 4, declarable: true },
    ],
    targets: {
      waitMinutes: o.targetMinutes,
      withinTargetShare: 0.9,
      satisfactionShare: 0.95,
      maxWaitMinutes: o.maxWaitMinutes,
    },
    routingPolicy: 'accumulating',
  };
}

/**
 * A steady-state run starts from the M/M/c stationary number in system instead of an empty centre,
 * which removes the start-up bias (exactly for exponential service, approximately otherwise).
 */
function stationaryStart(o: SingleQueueOptions): number[] | null {
  const q = { lambda: o.arrivalsPerMinute, meanService: o.serviceMean, counters: o.counters };
  return q.lambda * q.meanService < q.counters * 0.999 ? mmcStationary(q) : null;
}

export function singleQueueScenario(o: SingleQueueOptions): Scenario {
  if (o.minutes > 23 * 60)
    throw new Error(
      '--minutes tối đa 1380 (một ngày); chạy lâu hơn thì dùng --replications / --minutes is at most 1380 (one local day); use --replications for longer runs',
    );
  const config = singleQueueConfig(o);
  const date = '2026-11-23';
  const all = [{ from: 0, to: o.minutes }];
  return {
    name: 'single-queue',
    config,
    date,
    midnightMs: localMidnight(date, config.site.timezone),
    segments: [{ from: 0, to: o.minutes, perMinute: o.arrivalsPerMinute }],
    openingBatch: null,
    initialQueue: stationaryStart(o),
    serviceMix: [{ serviceId: 'general', share: 1 }],
    priorityShare: o.priorityShare,
    priorityMix: [{ classId: 'priority', share: 1 }],
    serviceTimes: new Map([
      [
        'general',
        { mean: o.serviceMean, dist: o.serviceDist, cv: o.serviceDist === 'exp' ? 1 : o.serviceCv },
      ],
    ]),
    noShowShare: o.noShowShare ?? 0,
    noShowGraceMinutes: 2,
    schedules: new Map(config.counters.map((c) => [c.id, all])),
    defaultSchedule: all,
    breaks: [],
    measure: { from: o.warmupMinutes, to: o.minutes - o.warmupMinutes },
    horizon: 24 * 60 - 1,
  };
}
