import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.ts';
import {
  allenCunneenMeanWait,
  cobhamMeanWaits,
  erlangC,
  lambdaFor,
  mmcMeanWait,
  mmcStationary,
  mmcWithin,
} from '../theory.ts';

const reference = (counters: number) => ({ lambda: lambdaFor(0.8, counters, 8), meanService: 8, counters });

describe('queueing theory (reference numbers of shared/reference/queueing.md)', () => {
  it('Erlang C and the M/M/c mean wait at mean service 8, ρ = 0.8', () => {
    expect(erlangC(4, 3.2)).toBeCloseTo(0.596, 3);
    expect(mmcMeanWait(reference(4))).toBeCloseTo(5.96, 2);
    expect(mmcMeanWait(reference(2))).toBeCloseTo(14.2, 1);
    expect(mmcMeanWait(reference(8))).toBeCloseTo(2.29, 2);
    // A single counter: M/M/1, W_q = ρ/(μ − λ) = 32 min, the "4 separate queues" figure.
    expect(mmcMeanWait(reference(1))).toBeCloseTo(32, 6);
  });

  it('Cobham with 15 % priority tickets on 4 counters, and the conservation law', () => {
    const q = reference(4);
    const [high, low] = cobhamMeanWaits(q, [0.15, 0.85]);
    expect(high).toBeCloseTo(1.36, 2);
    expect(low).toBeCloseTo(6.78, 2);
    expect(0.15 * high! + 0.85 * low!).toBeCloseTo(mmcMeanWait(q), 10);
  });

  it('the stationary distribution and the general-service approximation', () => {
    const q = reference(4);
    const p = mmcStationary(q);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    // P(wait) = P(N ≥ c) is Erlang C; mean queue length over λ is W_q (Little).
    expect(p.slice(4).reduce((a, b) => a + b, 0)).toBeCloseTo(0.596, 3);
    const lq = p.reduce((a, pn, n) => a + Math.max(0, n - 4) * pn, 0);
    expect(lq / q.lambda).toBeCloseTo(5.96, 2);
    expect(allenCunneenMeanWait(q, 1, 1)).toBeCloseTo(mmcMeanWait(q), 10);
    expect(allenCunneenMeanWait(q, 1, 0.6)).toBeCloseTo(mmcMeanWait(q) * 0.68, 10);
  });

  it('share within a target and unstable queues', () => {
    expect(mmcWithin(reference(4), 0)).toBeCloseTo(1 - 0.596, 3);
    expect(mmcWithin(reference(4), 1e6)).toBeCloseTo(1, 9);
    expect(mmcMeanWait({ lambda: 1, meanService: 8, counters: 4 })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('seeded generator', () => {
  it('is reproducible and has the right moments', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(createRng(43).next()).not.toBe(xs[0]);
    const rng = createRng(7);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.lognormal(10, 0.6);
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / n;
    const cv = Math.sqrt(sumSq / n - mean * mean) / mean;
    expect(mean).toBeGreaterThan(9.9);
    expect(mean).toBeLessThan(10.1);
    expect(cv).toBeGreaterThan(0.58);
    expect(cv).toBeLessThan(0.62);
    let expSum = 0;
    for (let i = 0; i < n; i++) expSum += rng.exponential(3);
    expect(expSum / n).toBeGreaterThan(2.97);
    expect(expSum / n).toBeLessThan(3.03);
  });
});
