/**
 * Calibrating the expression → satisfaction weights against what citizens say with the rating buttons.
 * The server has both for the same ticket (emotion.submit carries the smoothed expressions); it can fit
 * new weights here and push them to the counters (EstimatorOptions.weights).
 */
import { EXPRESSIONS, type Expression, type ExpressionProbabilities } from './expressions.ts';
import { clamp01, DEFAULT_WEIGHTS, frameSatisfaction } from './satisfaction.ts';

export interface RatedSample {
  /** Smoothed expression probabilities of one service (ServiceEstimate.expressions). */
  expressions: ExpressionProbabilities;
  /** The citizen's button rating, 1 (very dissatisfied) … 5 (very satisfied). */
  rating: number;
}

export interface FitOptions {
  /** Pull towards the prior weights; keeps rarely seen expressions at their prior. */
  ridge?: number;
  prior?: Readonly<Record<Expression, number>>;
  iterations?: number;
}

export type Weights = Record<Expression, number>;

export function ratingToSatisfaction(rating: number): number {
  return clamp01((rating - 1) / 4);
}

/**
 * Least squares of Σ wₑ·pₑ against (rating − 1)/4, with a ridge towards the prior and every weight kept
 * in 0..1, by projected gradient descent (7 unknowns: exact enough and dependency-free).
 */
export function fitSatisfactionWeights(samples: readonly RatedSample[], options: FitOptions = {}): Weights {
  const prior = options.prior ?? DEFAULT_WEIGHTS;
  const ridge = options.ridge ?? 0.5;
  const weights: Weights = { ...prior };
  const usable = samples.filter((s) => Number.isFinite(s.rating) && s.rating >= 1 && s.rating <= 5);
  if (usable.length === 0) return weights;
  const rows = usable.map((s) => ({ p: normalised(s.expressions), y: ratingToSatisfaction(s.rating) }));
  const step = 1 / (maxRowNorm(rows.map((r) => r.p)) + ridge / rows.length);
  for (let iteration = 0; iteration < (options.iterations ?? 3000); iteration++) {
    const gradient = Object.fromEntries(
      EXPRESSIONS.map((e) => [e, (ridge / rows.length) * (weights[e] - prior[e])]),
    ) as Weights;
    for (const { p, y } of rows) {
      const residual = EXPRESSIONS.reduce((acc, e) => acc + weights[e] * p[e], 0) - y;
      for (const e of EXPRESSIONS) gradient[e] += (residual * p[e]) / rows.length;
    }
    for (const e of EXPRESSIONS) weights[e] = clamp01(weights[e] - step * gradient[e]);
  }
  return weights;
}

export interface RatingAgreement {
  samples: number;
  /** Mean absolute error on the 1..5 scale. */
  meanAbsoluteError: number | null;
  /** Spearman rank correlation between estimate and rating (−1..1), null with < 3 samples or no variance. */
  spearman: number | null;
}

/** How well satisfaction estimates agree with button ratings (to compare weight sets on held-out data). */
export function compareWithRatings(
  samples: readonly RatedSample[],
  weights: Readonly<Weights> = DEFAULT_WEIGHTS,
): RatingAgreement {
  const pairs = samples
    .filter((s) => Number.isFinite(s.rating))
    .map((s) => ({ estimate: 1 + 4 * frameSatisfaction(s.expressions, weights), rating: s.rating }));
  if (pairs.length === 0) return { samples: 0, meanAbsoluteError: null, spearman: null };
  const mae = pairs.reduce((acc, p) => acc + Math.abs(p.estimate - p.rating), 0) / pairs.length;
  return {
    samples: pairs.length,
    meanAbsoluteError: mae,
    spearman: spearman(
      pairs.map((p) => p.estimate),
      pairs.map((p) => p.rating),
    ),
  };
}

export function spearman(a: readonly number[], b: readonly number[]): number | null {
  if (a.length < 3 || a.length !== b.length) return null;
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (ra.length + 1) / 2;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < ra.length; i++) {
    cov += (ra[i]! - mean) * (rb[i]! - mean);
    va += (ra[i]! - mean) ** 2;
    vb += (rb[i]! - mean) ** 2;
  }
  return va === 0 || vb === 0 ? null : cov / Math.sqrt(va * vb);
}

/** Ranks from 1, ties get their average rank. */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
  const out = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.v === order[start]!.v) end++;
    for (let k = start; k <= end; k++) out[order[k]!.i] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return out;
}

function normalised(p: ExpressionProbabilities): ExpressionProbabilities {
  const total = EXPRESSIONS.reduce((acc, e) => acc + Math.max(0, p[e]), 0) || 1;
  return Object.fromEntries(
    EXPRESSIONS.map((e) => [e, Math.max(0, p[e]) / total]),
  ) as ExpressionProbabilities;
}

function maxRowNorm(rows: readonly ExpressionProbabilities[]): number {
  return Math.max(1e-9, ...rows.map((p) => EXPRESSIONS.reduce((acc, e) => acc + p[e] * p[e], 0)));
}
