/**
 * The demo site's busy day (scenarios/demo-site.json, derived at run time from config/demo-site.yaml):
 * the default policy against FIFO per service on the same citizens, the ETA predictors against the
 * naive estimate, and the capacity search. Seeds 3000+ were not used to tune the policy or the ETA.
 */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ETA_PREDICTORS } from '../../core/eta.ts';
import { designCounters, expectedWork, findCounters } from '../capacity.ts';
import { loadScenario } from '../scenario.ts';
import { type DayResult, simulateDay } from '../simulator.ts';
import { etaSummary, groupOf, interval, summariseDays, summariseWaits } from '../stats.ts';

const scenario = loadScenario(resolve(import.meta.dirname, '../scenarios/demo-site.json'));
const DAYS = 40;
const SEED = 3000;
const run = (policy: string, predictors = false) =>
  Array.from({ length: DAYS }, (_, r) =>
    simulateDay(scenario, { seed: SEED + r, policy, ...(predictors ? { predictors: ETA_PREDICTORS } : {}) }),
  );
const measured = (d: DayResult) => d.tickets.filter((t) => t.measured);

describe('demo site: routing policies', () => {
  let fifo: DayResult[];
  let best: DayResult[];
  beforeAll(() => {
    fifo = run('fifo');
    best = run(scenario.config.routingPolicy, true);
  });

  it('is the configured site, loaded and validated from YAML', () => {
    expect(scenario.config.routingPolicy).toBe('accumulating');
    expect(scenario.config.counters.length).toBe(8);
    expect(new Set(scenario.serviceMix.map((s) => s.serviceId))).toEqual(
      new Set(scenario.config.services.map((s) => s.id)),
    );
    // Front-loaded: the morning brings more citizens than the afternoon.
    const morning = measured(best[0]!).filter((t) => t.issuedAt < 12 * 60).length;
    expect(morning).toBeGreaterThan(1.3 * (measured(best[0]!).length - morning));
  });

  it('the default beats FIFO per service on mean wait and on the share within 15 min (paired days)', () => {
    const target = 15;
    const mean = (d: DayResult) => summariseWaits(measured(d), target).mean!;
    const within = (d: DayResult) => summariseWaits(measured(d), target).withinTarget!;
    const meanGain = interval(best.map((d, i) => mean(fifo[i]!) - mean(d)));
    const withinGain = interval(best.map((d, i) => within(d) - within(fifo[i]!)));
    expect(meanGain.mean - meanGain.halfWidth).toBeGreaterThan(0);
    expect(withinGain.mean - withinGain.halfWidth).toBeGreaterThan(0);
  });

  it('priority tickets wait at most a third of normal ones, and no normal ticket is starved', () => {
    const report = summariseDays(best, 15);
    const { normal, priority } = report.waits.byGroup;
    expect(priority!.mean!).toBeLessThanOrEqual(normal!.mean! / 3);
    expect(normal!.unserved).toBe(0);
    // Bounded and better than FIFO's worst case on the same citizens.
    expect(normal!.max!).toBeLessThan(summariseDays(fifo, 15).waits.byGroup.normal!.max!);
    expect(normal!.max!).toBeLessThan(120);
  });

  it('the ETA shown beats the naive estimate and the first version, and its range holds ~80 % of waits', () => {
    const tickets = best.flatMap(measured);
    const flow = etaSummary(tickets, 'flow')!;
    const naive = etaSummary(tickets, 'naive')!;
    const position = etaSummary(tickets, 'position')!;
    expect(flow.mae).toBeLessThan(naive.mae * 0.8);
    expect(flow.mae).toBeLessThan(position.mae);
    expect(Math.abs(flow.bias)).toBeLessThan(Math.abs(naive.bias));
    // Counting later priority arrivals removes most of the (optimistic) bias, at some cost in MAE.
    const later = etaSummary(tickets, 'flow+later')!;
    expect(Math.abs(later.bias)).toBeLessThan(Math.abs(flow.bias));
    expect(later.mae).toBeGreaterThan(flow.mae);
    expect(flow.coverage).toBeGreaterThan(0.78);
    expect(flow.coverage).toBeLessThan(0.92);
    // Priority tickets are predicted well too (later priority arrivals do not apply to them).
    const prio = etaSummary(
      tickets.filter((t) => groupOf(t) === 'priority'),
      'flow',
    )!;
    expect(prio.mae).toBeLessThan(
      etaSummary(
        tickets.filter((t) => groupOf(t) === 'priority'),
        'naive',
      )!.mae,
    );
  });
});

describe('demo site: following the counter advice', () => {
  it('levels the services: the worst-off service (land) waits much less, the overall mean no more', () => {
    const days = (follow: boolean) =>
      Array.from({ length: 20 }, (_, r) =>
        simulateDay(scenario, { seed: SEED + r, ...(follow ? { followAdviceEveryMinutes: 10 } : {}) }),
      );
    const plain = days(false);
    const advised = days(true);
    expect(advised.every((d) => d.switches > 0)).toBe(true);
    const landMean = (d: DayResult) =>
      summariseWaits(
        measured(d).filter((t) => t.serviceId === 'land'),
        15,
      ).mean!;
    const gain = interval(advised.map((d, i) => landMean(plain[i]!) - landMean(d)));
    expect(gain.mean - gain.halfWidth).toBeGreaterThan(2);
    const all = (ds: DayResult[]) => summariseDays(ds, 15).waits.all.mean!;
    expect(all(advised)).toBeLessThan(all(plain) * 1.05);
  });
});

describe('demo site: capacity', () => {
  it('designs n counters covering every service with the site’s skill sets', () => {
    const work = expectedWork(scenario);
    // Seven services: from seven counters on, each has one of its own. A service that no counter of the
    // site has first (result collection) gets a counter with a site counter's skills, itself first.
    const skills = (ids: readonly string[]) => [...ids].sort().join(',');
    for (const n of [7, 8, 12]) {
      const counters = designCounters(scenario, n);
      expect(counters).toHaveLength(n);
      for (const id of work.keys()) expect(counters.some((c) => c.serviceIds[0] === id)).toBe(true);
      const siteSkills = new Set(scenario.config.counters.map((c) => skills(c.serviceIds)));
      for (const c of counters) expect(siteSkills.has(skills(c.serviceIds))).toBe(true);
    }
    // The heaviest service (land: 17 % of citizens at 15 min) gets the most counters.
    const twelve = designCounters(scenario, 12);
    const land = twelve.filter((c) => c.serviceIds[0] === 'land').length;
    expect(land).toBeGreaterThanOrEqual(3);
  });

  it('finds the fewest counters meeting the target: that size meets it, one fewer does not', () => {
    const answer = findCounters(scenario, { seed: SEED, replications: 6, targetMinutes: 15 });
    expect(answer.answer).not.toBeNull();
    const n = answer.answer!.counters;
    expect(answer.answer!.meanWait.mean + answer.answer!.meanWait.halfWidth).toBeLessThanOrEqual(15);
    const smaller = answer.tried.find((t) => t.counters === n - 1);
    if (smaller) expect(smaller.meets).toBe(false);
    expect(answer.answer!.design).toHaveLength(n);
  });
});
