/**
 * The simulator against queueing theory: M/M/c with 4 counters, mean service 8 min, ρ = 0.8
 * (shared/reference/queueing.md: W_q = 5.96 min; with 15 % priority W_H = 1.36, W_L = 6.78).
 * Days start from the stationary queue; daily means are corrected with two control variates
 * (the day's mean service time and arrival rate, whose expectations are known) and the theory must
 * fall inside the 95 % confidence interval, which must itself be narrow enough to mean something.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { singleQueueScenario } from '../scenario.ts';
import { type DayResult, simulateDay } from '../simulator.ts';
import { controlledMean, groupOf, type Interval, interval } from '../stats.ts';
import { cobhamMeanWaits, lambdaFor, mmcMeanWait } from '../theory.ts';

const DAYS = 140;
const SEED = 5000;
const queue = { lambda: lambdaFor(0.8, 4, 8), meanService: 8, counters: 4 };
const scenario = singleQueueScenario({
  counters: 4,
  arrivalsPerMinute: queue.lambda,
  serviceMean: 8,
  serviceDist: 'exp',
  serviceCv: 1,
  priorityShare: 0.15,
  minutes: 1380,
  warmupMinutes: 0,
  targetMinutes: 15,
  maxWaitMinutes: 30,
});
const window = scenario.measure.to - scenario.measure.from;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function days(policy: string, n = DAYS): DayResult[] {
  return Array.from({ length: n }, (_, r) => simulateDay(scenario, { seed: SEED + r, policy }));
}

/** Daily mean waits of the tickets `keep` selects, with control variates. */
function controlled(results: DayResult[], keep: (t: { priority: string }) => boolean): Interval {
  const ys: number[] = [];
  const xs: number[][] = [];
  for (const d of results) {
    const measured = d.tickets.filter((t) => t.measured && t.wait !== null);
    ys.push(mean(measured.filter(keep).map((t) => t.wait!)));
    xs.push([mean(measured.map((t) => t.serviceMinutes)), measured.length / window]);
  }
  return controlledMean(ys, xs, [queue.meanService, queue.lambda]);
}

function expectInside(ci: Interval, theory: number, maxRelativeHalfWidth: number) {
  expect(ci.halfWidth / theory).toBeLessThan(maxRelativeHalfWidth);
  expect(theory).toBeGreaterThanOrEqual(ci.mean - ci.halfWidth);
  expect(theory).toBeLessThanOrEqual(ci.mean + ci.halfWidth);
}

describe('simulator against M/M/c theory', () => {
  let fifo: DayResult[];
  let strict: DayResult[];
  beforeAll(() => {
    fifo = days('fifo');
    strict = days('strict');
  });

  it('FIFO mean wait matches Erlang C (5.96 min)', () => {
    expectInside(
      controlled(fifo, () => true),
      mmcMeanWait(queue),
      0.1,
    );
    const busy = fifo.flatMap((d) => d.counters).reduce((a, c) => a + c.busyMinutes, 0);
    const open = fifo.flatMap((d) => d.counters).reduce((a, c) => a + c.openMinutes, 0);
    expect(busy / open).toBeGreaterThan(0.78);
    expect(busy / open).toBeLessThan(0.82);
  });

  it('strict priority class waits match Cobham (1.36 and 6.78 min)', () => {
    const [high, low] = cobhamMeanWaits(queue, [0.15, 0.85]);
    expectInside(
      controlled(strict, (t) => groupOf(t) === 'priority'),
      high!,
      0.06,
    );
    expectInside(
      controlled(strict, (t) => groupOf(t) === 'normal'),
      low!,
      0.1,
    );
  });

  it('the conservation law holds: Σ λ_k W_k is the FIFO mean wait, day by day', () => {
    const weighted = (d: DayResult) => {
      const m = d.tickets.filter((t) => t.measured && t.wait !== null);
      return mean(m.map((t) => t.wait!));
    };
    // Same citizens under both policies (common random numbers): the paired difference is tight.
    const accumulating = days('accumulating', 40);
    for (const other of [strict.slice(0, 40), accumulating]) {
      const diff = interval(other.map((d, i) => weighted(d) - weighted(fifo[i]!)));
      expect(Math.abs(diff.mean)).toBeLessThanOrEqual(diff.halfWidth + 0.05);
      expect(diff.halfWidth).toBeLessThan(0.15);
    }
    // The priority classes gain what the normal class loses, in proportion to their rates.
    const high = controlled(strict, (t) => groupOf(t) === 'priority').mean;
    const low = controlled(strict, (t) => groupOf(t) === 'normal').mean;
    const all = controlled(strict, () => true).mean;
    expect(0.15 * high + 0.85 * low).toBeCloseTo(all, 1);
  });
});
