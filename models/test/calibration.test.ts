import { describe, expect, it } from 'vitest';
import {
  compareWithRatings,
  fitSatisfactionWeights,
  type RatedSample,
  spearman,
} from '../src/calibration.ts';
import { EXPRESSIONS, type ExpressionProbabilities } from '../src/expressions.ts';
import { DEFAULT_WEIGHTS, frameSatisfaction } from '../src/satisfaction.ts';

/** Deterministic pseudo-random numbers so the test is repeatable. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return state / 2 ** 32;
  };
}

function randomExpressions(next: () => number): ExpressionProbabilities {
  const raw = EXPRESSIONS.map(() => next() ** 3);
  const total = raw.reduce((a, b) => a + b, 0);
  return Object.fromEntries(EXPRESSIONS.map((e, i) => [e, raw[i]! / total])) as ExpressionProbabilities;
}

describe('fitSatisfactionWeights', () => {
  const truth = {
    angry: 0.05,
    disgusted: 0.15,
    fearful: 0.3,
    happy: 0.95,
    neutral: 0.7,
    sad: 0.25,
    surprised: 0.6,
  };

  function samples(n: number, seed: number): RatedSample[] {
    const next = random(seed);
    return Array.from({ length: n }, () => {
      const expressions = randomExpressions(next);
      const noise = (next() - 0.5) * 0.2;
      return {
        expressions,
        rating: 1 + 4 * Math.min(1, Math.max(0, frameSatisfaction(expressions, truth) + noise)),
      };
    });
  }

  it('recovers the weights that generated the ratings', () => {
    const fitted = fitSatisfactionWeights(samples(400, 7), { ridge: 0.01 });
    for (const e of EXPRESSIONS) expect(Math.abs(fitted[e] - truth[e])).toBeLessThan(0.1);
    const heldOut = samples(200, 99);
    expect(compareWithRatings(heldOut, fitted).meanAbsoluteError!).toBeLessThan(
      compareWithRatings(heldOut, DEFAULT_WEIGHTS).meanAbsoluteError!,
    );
  });

  it('keeps the prior without data and weights within 0..1 always', () => {
    expect(fitSatisfactionWeights([])).toEqual(DEFAULT_WEIGHTS);
    const extreme = fitSatisfactionWeights(
      samples(50, 3).map((s) => ({ ...s, rating: 5 })),
      { ridge: 0.001 },
    );
    for (const e of EXPRESSIONS) {
      expect(extreme[e]).toBeGreaterThanOrEqual(0);
      expect(extreme[e]).toBeLessThanOrEqual(1);
    }
    expect(extreme.angry).toBeGreaterThan(DEFAULT_WEIGHTS.angry);
  });
});

describe('spearman', () => {
  it('is 1 for the same order, −1 reversed, null without variance', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(spearman([1, 2], [1, 2])).toBeNull();
  });
});
