/**
 * Expected arrivals per site, service and hour for the next days, from the hub's history, and the
 * counters that keep the mean wait within the target (the simulator's own capacity search). Pure.
 *
 * The model is seasonal: a day's expected arrivals in an hour are the mean of the same weekday and
 * hour over up to `weeks` earlier weeks on which the site had tickets (a day without any is taken as
 * closed and not counted). The naive model it is measured against is "the same hour last week".
 */
import { localDate, localParts } from '@oss/protocol';
import { type Site, serviceMinutes, type TicketFacts } from '@oss/queue-server/core';
import {
  type CapacityAnswer,
  designCounters,
  findCountersSteps,
  localMidnight,
  type Scenario,
  type Steps,
} from '@oss/queue-server/sim';

const DAY_MS = 86_400_000;
export const FORECAST_WEEKS = 8;

/** Arrivals of each local day with tickets: service → 24 hourly counts. */
export type History = Map<string, Map<string, number[]>>;

export function countArrivals(
  tickets: readonly { originalServiceId: string; issuedAt: number }[],
  timeZone: string,
): History {
  const history: History = new Map();
  for (const t of tickets) {
    const day = localDate(t.issuedAt, timeZone);
    const services = history.get(day) ?? history.set(day, new Map()).get(day)!;
    const hours =
      services.get(t.originalServiceId) ??
      services.set(t.originalServiceId, new Array(24).fill(0)).get(t.originalServiceId)!;
    hours[localParts(t.issuedAt, timeZone).hour]!++;
  }
  return history;
}

export const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Service → 24 expected counts. */
export type DayForecast = Map<string, number[]>;

function meanOf(days: Map<string, number[]>[]): DayForecast {
  const out: DayForecast = new Map();
  for (const services of days)
    for (const [service, hours] of services) {
      const sum = out.get(service) ?? out.set(service, new Array(24).fill(0)).get(service)!;
      hours.forEach((n, h) => {
        sum[h]! += n / days.length;
      });
    }
  return out;
}

/** The seasonal model: the mean of the same weekday over up to `weeks` earlier weeks with tickets. */
export function seasonalForecast(history: History, day: string, weeks = FORECAST_WEEKS): DayForecast {
  const same: Map<string, number[]>[] = [];
  for (let k = 1; k <= weeks; k++) {
    const earlier = history.get(addDays(day, -7 * k));
    if (earlier) same.push(earlier);
  }
  return meanOf(same);
}

/** The naive model: the same day last week (nothing when the site had no tickets then). */
export function naiveForecast(history: History, day: string): DayForecast {
  return new Map(history.get(addDays(day, -7)) ?? []);
}

export interface ForecastError {
  /** Mean absolute error per (service, hour) cell with arrivals foreseen or seen. */
  cellMae: number;
  /** Mean absolute error of the site's total per hour, over hours with arrivals foreseen or seen. */
  hourMae: number;
  days: number;
}

/** A model's error over held-out days: each forecast uses only the history before its day. */
export function forecastError(
  history: History,
  heldOut: readonly string[],
  model: (past: History, day: string) => DayForecast,
): ForecastError {
  let cellErr = 0;
  let cells = 0;
  let hourErr = 0;
  let hours = 0;
  for (const day of heldOut) {
    const past = new Map([...history].filter(([d]) => d < day));
    const predicted = model(past, day);
    const actual = history.get(day) ?? new Map<string, number[]>();
    const services = new Set([...predicted.keys(), ...actual.keys()]);
    for (let h = 0; h < 24; h++) {
      let p = 0;
      let a = 0;
      for (const s of services) {
        const ps = predicted.get(s)?.[h] ?? 0;
        const as = actual.get(s)?.[h] ?? 0;
        if (ps > 0 || as > 0) {
          cellErr += Math.abs(ps - as);
          cells++;
        }
        p += ps;
        a += as;
      }
      if (p > 0 || a > 0) {
        hourErr += Math.abs(p - a);
        hours++;
      }
    }
  }
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return {
    cellMae: round2(cells ? cellErr / cells : 0),
    hourMae: round2(hours ? hourErr / hours : 0),
    days: heldOut.length,
  };
}

/** Mean service minutes per service from served tickets (the core's definition); `fallback` when none. */
export function serviceMeans(
  tickets: readonly TicketFacts[],
  fallback: number,
): (serviceId: string) => number {
  const byService = new Map<string, TicketFacts[]>();
  for (const t of tickets)
    byService.set(t.originalServiceId, [...(byService.get(t.originalServiceId) ?? []), t]);
  return (id) => serviceMinutes(byService.get(id) ?? []) ?? fallback;
}

/**
 * A day's forecast as the simulator's scenario: hourly Poisson arrivals, the foreseen service mix,
 * lognormal service times with the site's own means, open from the first to the last foreseen hour.
 * The feed carries no counter skills, so the designed counters are each for one service, and "as
 * configured" means the site's number of counters designed the same way.
 */
export function forecastScenario(
  site: Site,
  day: string,
  forecast: DayForecast,
  meanOf: (id: string) => number,
): Scenario | null {
  const totals = Array.from({ length: 24 }, (_, h) =>
    [...forecast.values()].reduce((a, hours) => a + hours[h]!, 0),
  );
  const open = totals.flatMap((n, h) => (n > 0 ? [h] : []));
  if (open.length === 0) return null;
  const all = totals.reduce((a, b) => a + b, 0);
  const from = open[0]! * 60;
  const to = (open.at(-1)! + 1) * 60;
  const serviceIds = [...forecast.keys()];
  const config = {
    ...site.config,
    services: serviceIds.map((id) => ({
      id,
      prefix: site.services.get(id)?.prefix ?? 'A',
      name: site.services.get(id)?.name ?? { vi: id, en: id },
      meanServiceMinutes: meanOf(id),
    })),
    counters: [],
  };
  const scenario: Scenario = {
    name: `${site.id} ${day}`,
    config,
    date: day,
    midnightMs: localMidnight(day, site.timeZone),
    segments: totals.map((n, h) => ({ from: h * 60, to: (h + 1) * 60, perMinute: n / 60 })),
    openingBatch: null,
    initialQueue: null,
    serviceMix: serviceIds.map((id) => ({
      serviceId: id,
      share: forecast.get(id)!.reduce((a, b) => a + b, 0) / all,
    })),
    priorityShare: 0,
    priorityMix: [],
    serviceTimes: new Map(
      serviceIds.map((id) => [id, { mean: meanOf(id), dist: 'lognormal' as const, cv: 0.6 }]),
    ),
    noShowShare: 0,
    noShowGraceMinutes: 2,
    schedules: new Map(),
    defaultSchedule: [{ from, to }],
    breaks: [],
    measure: { from, to: 24 * 60 },
    horizon: 24 * 60 - 1,
  };
  scenario.config = { ...config, counters: designCounters(scenario, Math.max(1, site.counters.size)) };
  return scenario;
}

/**
 * The fewest counters for a mean wait within `targetMinutes` on the forecast day (simulated), one
 * size tried per step (`runToEnd` or `runWithPauses` of `@oss/queue-server/sim`).
 */
export function countersNeeded(scenario: Scenario, targetMinutes: number, seed = 1): Steps<CapacityAnswer> {
  return findCountersSteps(scenario, { seed, replications: 5, targetMinutes, maxCounters: 40 });
}
