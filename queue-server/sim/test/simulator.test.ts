/**
 * The simulator against queueing theory: M/M/c with 4 counters, mean service 8 min, ρ = 0.8
 * (shared/reference/queueing.md: W_q = 5.96 min; with 15 % priority W_H = 1.36, W_L = 6.78).
 * Days start from the stationary queue; daily means are corrected with two control variates
 * (the day's mean service time and arrival rate, whose expectations are known) and the theory must
 * fall inside the 95 % confidence interval, which must itself be narrow enough to mean something.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DayResult } from '../simulator.ts';
import { groupOf, type Interval, interval } from '../stats.ts';
import { cobhamMeanWaits, mmcMeanWait } from '../theory.ts';
import { controlledWait, THEORY_QUEUE, theoryDays } from '../theory-check.ts';

const DAYS = 140;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function expectInside(ci: Interval, theory: number, maxRelativeHalfWidth: number) {
  expect(ci.halfWidth / theory).toBeLessThan(maxRelativeHalfWidth);
  expect(theory).toBeGreaterThanOrEqual(ci.mean - ci.halfWidth);
  expect(theory).toBeLessThanOrEqual(ci.mean + ci.halfWidth);
}

describe('simulator against M/M/c theory', () => {
  let fifo: DayResult[];
  let strict: DayResult[];
  beforeAll(() => {
    fifo = theoryDays('fifo', DAYS);
    strict = theoryDays('strict', DAYS);
  });

  it('FIFO mean wait matches Erlang C (5.96 min)', () => {
    expectInside(
      controlledWait(fifo, () => true),
      mmcMeanWait(THEORY_QUEUE),
      0.1,
    );
    const busy = fifo.flatMap((d) => d.counters).reduce((a, c) => a + c.busyMinutes, 0);
    const open = fifo.flatMap((d) => d.counters).reduce((a, c) => a + c.openMinutes, 0);
    expect(busy / open).toBeGreaterThan(0.78);
    expect(busy / open).toBeLessThan(0.82);
  });

  it('strict priority class waits match Cobham (1.36 and 6.78 min)', () => {
    const [high, low] = cobhamMeanWaits(THEORY_QUEUE, [0.15, 0.85]);
    expectInside(
      controlledWait(strict, (t) => groupOf(t) === 'priority'),
      high!,
      0.06,
    );
    expectInside(
      controlledWait(strict, (t) => groupOf(t) === 'normal'),
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
    const accumulating = theoryDays('accumulating', 40);
    for (const other of [strict.slice(0, 40), accumulating]) {
      const diff = interval(other.map((d, i) => weighted(d) - weighted(fifo[i]!)));
      expect(Math.abs(diff.mean)).toBeLessThanOrEqual(diff.halfWidth + 0.05);
      expect(diff.halfWidth).toBeLessThan(0.15);
    }
    // The priority classes gain what the normal class loses, in proportion to their rates.
    const high = controlledWait(strict, (t) => groupOf(t) === 'priority').mean;
    const low = controlledWait(strict, (t) => groupOf(t) === 'normal').mean;
    const all = controlledWait(strict, () => true).mean;
    expect(0.15 * high + 0.85 * low).toBeCloseTo(all, 1);
  });
});
