/**
 * Capacity search: the fewest counters (and their skills) that meet the wait target on the scenario's
 * day. Counters are designed from the expected work per service: each service gets counters in
 * proportion to its work (at least one), and each counter takes the skills of a counter of the site
 * that has the same first service (officers' real skill sets), so the design stays one the centre
 * could staff. Each size is simulated on the same citizens (same seeds).
 */
import type { CounterDef } from '../core/site-config.ts';
import { rateAt } from './arrivals.ts';
import { runScenario } from './run.ts';
import type { Scenario } from './scenario.ts';
import type { Interval } from './stats.ts';
import { runToEnd, type Steps } from './steps.ts';

export interface CapacityOptions {
  seed: number;
  replications: number;
  targetMinutes: number;
  policy?: string | undefined;
  /** Also require this share of tickets called within the target (0..1). */
  withinShare?: number | undefined;
  /** Largest number of counters tried. */
  maxCounters?: number;
}

export interface CapacityTrial {
  counters: number;
  meanWait: Interval;
  withinTarget: number | null;
  p90: number | null;
  max: number | null;
  meets: boolean;
  design: { id: string; serviceIds: string[] }[];
}

export interface CapacityAnswer {
  targetMinutes: number;
  withinShare: number | null;
  /** The fewest counters that meet the target, or null if none up to maxCounters does. */
  answer: CapacityTrial | null;
  /** The site's own counters on the same days, for comparison. */
  configured: CapacityTrial;
  tried: CapacityTrial[];
  summary: string;
}

/** Expected minutes of service per service over the day. */
export function expectedWork(scenario: Scenario): Map<string, number> {
  let arrivals = scenario.openingBatch?.count ?? 0;
  for (let m = 0; m < 24 * 60; m++) arrivals += rateAt(scenario, m + 0.5);
  return new Map(
    scenario.serviceMix.map(({ serviceId, share }) => [
      serviceId,
      arrivals * share * scenario.serviceTimes.get(serviceId)!.mean,
    ]),
  );
}

/** `n` counters: primaries in proportion to work (largest remainder), skills copied from the site. */
export function designCounters(scenario: Scenario, n: number): CounterDef[] {
  const work = [...expectedWork(scenario)].filter(([, w]) => w > 0).sort((a, b) => b[1] - a[1]);
  const total = work.reduce((a, [, w]) => a + w, 0);
  const counts = new Map(work.map(([id]) => [id, 0]));
  // One counter for each service while there are enough, biggest first.
  for (const [id] of work.slice(0, n)) counts.set(id, 1);
  let left = n - Math.min(n, work.length);
  const quota = work.map(([id, w]) => ({ id, exact: (n * w) / total }));
  while (left > 0) {
    // The service furthest below its proportional quota gets the next counter.
    quota.sort((a, b) => counts.get(a.id)! - a.exact - (counts.get(b.id)! - b.exact));
    const id = quota[0]!.id;
    counts.set(id, counts.get(id)! + 1);
    left--;
  }
  const templates = (primary: string) => {
    const own = scenario.config.counters.filter((c) => c.serviceIds[0] === primary);
    if (own.length > 0) return own;
    const helpers = scenario.config.counters.filter((c) => c.serviceIds.includes(primary));
    return helpers.length > 0
      ? helpers.map((c) => ({ ...c, serviceIds: [primary, ...c.serviceIds.filter((id) => id !== primary)] }))
      : [{ serviceIds: [primary], priorityCounter: false }];
  };
  const counters: CounterDef[] = [];
  for (const [id] of work) {
    const options = templates(id);
    for (let k = 0; k < counts.get(id)!; k++) {
      const template = options[k % options.length]!;
      const number = counters.length + 1;
      counters.push({
        id: `counter-${number}`,
        number,
        name: { vi: `Quầy ${number}`, en: `Counter ${number}` },
        serviceIds: [...template.serviceIds],
        ...(template.priorityCounter && k < options.length ? { priorityCounter: true } : {}),
      });
    }
  }
  return counters;
}

function trial(scenario: Scenario, counters: CounterDef[], o: CapacityOptions): CapacityTrial {
  const report = runScenario(scenario, {
    seed: o.seed,
    replications: o.replications,
    policy: o.policy,
    targetMinutes: o.targetMinutes,
    counters,
  });
  const { meanWait } = report.ci;
  const within = report.waits.all.withinTarget;
  const meets =
    meanWait.mean + (Number.isNaN(meanWait.halfWidth) ? 0 : meanWait.halfWidth) <= o.targetMinutes &&
    report.waits.all.unserved === 0 &&
    (o.withinShare === undefined || (within ?? 0) >= o.withinShare);
  return {
    counters: counters.length,
    meanWait,
    withinTarget: within,
    p90: report.waits.all.p90,
    max: report.waits.all.max,
    meets,
    design: counters.map((c) => ({ id: c.id, serviceIds: c.serviceIds })),
  };
}

/**
 * Tries sizes upwards from the least that could carry the day's work; a size meets the target when
 * the 95 % upper bound of the daily mean wait is within it (and the share, when asked), with nobody
 * left unserved.
 */
export function findCounters(scenario: Scenario, o: CapacityOptions): CapacityAnswer {
  return runToEnd(findCountersSteps(scenario, o));
}

/** The same, one size tried per step: a server pauses between steps to let other work run. */
export function* findCountersSteps(scenario: Scenario, o: CapacityOptions): Steps<CapacityAnswer> {
  const work = [...expectedWork(scenario).values()].reduce((a, b) => a + b, 0);
  const openMinutes = scenario.defaultSchedule.reduce((a, p) => a + p.to - p.from, 0);
  const least = Math.max(1, Math.ceil(work / openMinutes));
  const most = o.maxCounters ?? Math.max(least * 4, 12);
  const tried: CapacityTrial[] = [];
  let answer: CapacityTrial | null = null;
  for (let n = least; n <= most && !answer; n++) {
    const t = trial(scenario, designCounters(scenario, n), o);
    tried.push(t);
    if (t.meets) answer = t;
    yield;
  }
  const configured = trial(scenario, scenario.config.counters, o);
  const fmt = (t: CapacityTrial) =>
    `${t.counters} counters: mean wait ${t.meanWait.mean} ± ${t.meanWait.halfWidth} min, ` +
    `${Math.round((t.withinTarget ?? 0) * 100)} % within ${o.targetMinutes} min, p90 ${t.p90}, max ${t.max}`;
  const summary = [
    `Target: mean wait ≤ ${o.targetMinutes} min (95 % upper bound over ${o.replications} days)` +
      (o.withinShare === undefined ? '' : ` and ≥ ${Math.round(o.withinShare * 100)} % within it`),
    ...tried.map((t) => `  ${t.meets ? '✓' : '✗'} ${fmt(t)}`),
    answer
      ? `Fewest counters: ${answer.counters}\n${answer.design.map((c) => `  ${c.id}: ${c.serviceIds.join(', ')}`).join('\n')}`
      : `No size up to ${most} counters meets the target.`,
    `The site as configured: ${fmt(configured)}${configured.meets ? ' (meets the target)' : ''}`,
  ].join('\n');
  return {
    targetMinutes: o.targetMinutes,
    withinShare: o.withinShare ?? null,
    answer,
    configured,
    tried,
    summary,
  };
}
