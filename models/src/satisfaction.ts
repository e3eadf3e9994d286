/**
 * From expression probabilities to a satisfaction estimate with a confidence.
 * Pure functions: no model, no clock. See docs/emotion-model.md for the reasoning and the evaluation.
 */
import {
  EXPRESSIONS,
  type Expression,
  type ExpressionProbabilities,
  VALENCE_GROUPS,
  VALENCE_OF,
} from './expressions.ts';

/**
 * Satisfaction (0..1) that each expression stands for: the valence of the emotion on a 0..1 scale, so that
 * 0.5 = neutral = "Bình thường" on the 5-level rating (rating ≈ 1 + 4 × satisfaction).
 * Surprise has ambiguous valence (pleasant or not), hence just above neutral.
 */
export const DEFAULT_WEIGHTS: Readonly<Record<Expression, number>> = {
  happy: 1,
  surprised: 0.55,
  neutral: 0.5,
  sad: 0.2,
  fearful: 0.2,
  disgusted: 0.1,
  angry: 0,
};

export interface FrameScore {
  atMs: number;
  /** 0..1, from faceQuality(). */
  quality: number;
  expressions: ExpressionProbabilities;
}

export interface AggregateOptions {
  weights?: Readonly<Record<Expression, number>>;
  /** The service's end: frames near it count more (the citizen's reaction to the outcome). */
  endMs: number;
  /** Weight halves every this many ms before the end. */
  recencyHalfLifeMs?: number;
  /** Frames processed in the window, with or without a usable face (for the coverage factor). */
  framesConsidered?: number;
}

export interface SatisfactionEstimate {
  /** 0..1, 0.5 = neutral. */
  satisfaction: number;
  /** 0..1: how much this estimate can be trusted (quality × number of faces × agreement × coverage × certainty). */
  confidence: number;
  /** Smoothed expression probabilities over the frames used. */
  expressions: ExpressionProbabilities;
  /** The factors that make up the confidence, for audits and the dashboard. */
  factors: { quality: number; count: number; agreement: number; coverage: number; certainty: number };
}

/**
 * How sure the model is of a frame's valence: the probability of its most likely group (positive,
 * neutral, negative). With the trained head's calibrated probabilities this is close to the chance
 * of being right (docs/emotion-model.md: calibration); with an overconfident model it stays near 1.
 */
export function valenceCertainty(expressions: ExpressionProbabilities): number {
  const mass = Object.fromEntries(VALENCE_GROUPS.map((g) => [g, 0])) as Record<string, number>;
  let total = 0;
  for (const name of EXPRESSIONS) {
    mass[VALENCE_OF[name]]! += Math.max(0, expressions[name]);
    total += Math.max(0, expressions[name]);
  }
  return total > 0 ? Math.max(...Object.values(mass)) / total : 0;
}

export function frameSatisfaction(
  expressions: ExpressionProbabilities,
  weights: Readonly<Record<Expression, number>> = DEFAULT_WEIGHTS,
): number {
  let total = 0;
  let mass = 0;
  for (const name of EXPRESSIONS) {
    total += expressions[name] * weights[name];
    mass += expressions[name];
  }
  return mass > 0 ? clamp01(total / mass) : 0.5;
}

/** A few faces (≈3) already say something; beyond ≈8 more frames add little. */
export function countFactor(faces: number): number {
  return faces <= 0 ? 0 : 1 - Math.exp(-faces / 3);
}

export function aggregateFrames(
  frames: readonly FrameScore[],
  options: AggregateOptions,
): SatisfactionEstimate | null {
  if (frames.length === 0) return null;
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  const halfLife = options.recencyHalfLifeMs ?? 10_000;
  const frameWeights = frames.map(
    (f) => Math.max(1e-6, f.quality) * recency(options.endMs - f.atMs, halfLife),
  );
  const totalWeight = sum(frameWeights);
  const scores = frames.map((f) => frameSatisfaction(f.expressions, weights));
  const satisfaction = scores.reduce((acc, s, i) => acc + s * frameWeights[i]!, 0) / totalWeight;
  const spread = Math.sqrt(
    scores.reduce((acc, s, i) => acc + frameWeights[i]! * (s - satisfaction) ** 2, 0) / totalWeight,
  );
  const considered = Math.max(frames.length, options.framesConsidered ?? frames.length);
  const factors = {
    quality: sum(frames.map((f) => clamp01(f.quality))) / frames.length,
    count: countFactor(frames.length),
    // A spread of 0.5 (half the frames at 0, half at 1) means the frames disagree completely.
    agreement: clamp01(1 - 2 * spread),
    coverage: 0.5 + 0.5 * (frames.length / considered),
    certainty:
      frames.reduce((acc, f, i) => acc + valenceCertainty(f.expressions) * frameWeights[i]!, 0) / totalWeight,
  };
  return {
    satisfaction: clamp01(satisfaction),
    confidence: clamp01(
      factors.quality * factors.count * factors.agreement * factors.coverage * factors.certainty,
    ),
    expressions: meanExpressions(frames, frameWeights, totalWeight),
    factors,
  };
}

function recency(msBeforeEnd: number, halfLife: number): number {
  return msBeforeEnd <= 0 ? 1 : 0.5 ** (msBeforeEnd / halfLife);
}

function meanExpressions(frames: readonly FrameScore[], w: number[], total: number): ExpressionProbabilities {
  const out = {} as ExpressionProbabilities;
  for (const name of EXPRESSIONS)
    out[name] = frames.reduce((acc, f, i) => acc + f.expressions[name] * w[i]!, 0) / total;
  return out;
}

/** Maps satisfaction onto the 5-level rating scale used by the rating buttons (1..5, may be fractional). */
export function toRatingScale(satisfaction: number): number {
  return 1 + 4 * clamp01(satisfaction);
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.min(1, value)) : 0;
}
