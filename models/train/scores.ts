/** Validation scores of a head and of the shipped dense layer, from logits (EXPRESSIONS order). */
import type { LoadedRuntime } from '../src/backend.ts';
import { FEATURE_LAYOUT, FEATURE_SIZE, netLogits } from '../src/expression-features.ts';
import { EXPRESSIONS, type ExpressionProbabilities } from '../src/expressions.ts';
import { computeMetrics, happyNeutralBalancedAccuracy, type Prediction } from '../src/metrics.ts';
import { softmax } from '../src/temperature.ts';
import type { Split } from './train-head.ts';

export function toPredictions(
  logits: readonly (readonly number[])[],
  labels: readonly number[],
  t: number,
): Prediction[] {
  return logits.map((row, i) => {
    const p = softmax(row, t);
    return {
      truth: EXPRESSIONS[labels[i]!]!,
      probabilities: Object.fromEntries(EXPRESSIONS.map((e, k) => [e, p[k]!])) as ExpressionProbabilities,
    };
  });
}

export function scoreReport(logits: readonly (readonly number[])[], labels: readonly number[], t: number) {
  const predictions = toPredictions(logits, labels, t);
  const m = computeMetrics(predictions, EXPRESSIONS);
  const recall = Object.fromEntries(
    EXPRESSIONS.map((e) => {
      const row = m.confusion[e];
      const total = EXPRESSIONS.reduce((acc, p) => acc + row[p], 0);
      return [e, total ? row[e] / total : null];
    }),
  );
  return {
    accuracy7: m.accuracy7,
    accuracy3: m.accuracy3,
    balancedAccuracyHappyNeutral: happyNeutralBalancedAccuracy(
      predictions.filter((p) => p.truth === 'happy' || p.truth === 'neutral'),
      ['happy', 'neutral'],
    ),
    recall,
    confusion: m.confusion,
    meanSatisfactionByClass: m.meanSatisfactionByClass,
  };
}

export type ClassScores = Record<'head' | 'shipped', ReturnType<typeof scoreReport>>;

/** The shipped dense layer on the cached global features (original view only, as the device ran it). */
export function shippedProbabilities(rt: LoadedRuntime, split: Split) {
  const rows = new Float32Array(split.labels.length * FEATURE_LAYOUT.global);
  for (let i = 0; i < split.labels.length; i++) {
    const start = i * split.views * FEATURE_SIZE;
    rows.set(split.features.subarray(start, start + FEATURE_LAYOUT.global), i * FEATURE_LAYOUT.global);
  }
  const logits = rt.tf.tidy(
    () =>
      netLogits(
        rt,
        rt.tf.tensor2d(rows, [split.labels.length, FEATURE_LAYOUT.global]),
      ).arraySync() as number[][],
  );
  return { logits };
}
