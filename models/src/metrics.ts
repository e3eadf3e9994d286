/** Classification metrics for the eval command. Pure functions over (true, predicted) pairs. */
import {
  EXPRESSIONS,
  type Expression,
  type ExpressionProbabilities,
  VALENCE_GROUPS,
  VALENCE_OF,
} from './expressions.ts';
import { frameSatisfaction } from './satisfaction.ts';

export interface Prediction {
  truth: Expression;
  probabilities: ExpressionProbabilities;
}

export interface Metrics {
  /** 7-class accuracy over images where a face was analysed; null when there are none. */
  accuracy7: number | null;
  /** positive / neutral / negative accuracy (see VALENCE_OF); null when there are none. */
  accuracy3: number | null;
  /** Only for folders whose classes are exactly happy and neutral: mean recall of the two, deciding by happy vs neutral. */
  balancedAccuracyHappyNeutral: number | null;
  /** confusion[truth][predicted] = count, over analysed images. */
  confusion: Record<Expression, Record<Expression, number>>;
  confusion3: Record<string, Record<string, number>>;
  /** Mean satisfaction the mapping gives to each true class (it should rise from angry to happy). */
  meanSatisfactionByClass: Partial<Record<Expression, number>>;
}

export function argmax(probabilities: ExpressionProbabilities): Expression {
  let best: Expression = EXPRESSIONS[0];
  for (const name of EXPRESSIONS) if (probabilities[name] > probabilities[best]) best = name;
  return best;
}

export function computeMetrics(
  predictions: readonly Prediction[],
  classesPresent: readonly Expression[],
): Metrics {
  const confusion = square(EXPRESSIONS);
  const confusion3 = square(VALENCE_GROUPS);
  let correct7 = 0;
  let correct3 = 0;
  const satisfaction = new Map<Expression, number[]>();
  for (const { truth, probabilities } of predictions) {
    const predicted = argmax(probabilities);
    confusion[truth][predicted] += 1;
    confusion3[VALENCE_OF[truth]]![VALENCE_OF[predicted]]! += 1;
    if (predicted === truth) correct7 += 1;
    if (VALENCE_OF[predicted] === VALENCE_OF[truth]) correct3 += 1;
    satisfaction.set(truth, [...(satisfaction.get(truth) ?? []), frameSatisfaction(probabilities)]);
  }
  const n = predictions.length;
  return {
    accuracy7: n > 0 ? correct7 / n : null,
    accuracy3: n > 0 ? correct3 / n : null,
    balancedAccuracyHappyNeutral: happyNeutralBalancedAccuracy(predictions, classesPresent),
    confusion,
    confusion3,
    meanSatisfactionByClass: Object.fromEntries(
      [...satisfaction].map(([name, values]) => [name, values.reduce((a, b) => a + b, 0) / values.length]),
    ),
  };
}

/** Defined only when the folder holds happy and neutral images and nothing else, and both were analysed. */
export function happyNeutralBalancedAccuracy(
  predictions: readonly Prediction[],
  classesPresent: readonly Expression[],
): number | null {
  const onlyHappyNeutral =
    classesPresent.length === 2 && classesPresent.includes('happy') && classesPresent.includes('neutral');
  if (!onlyHappyNeutral) return null;
  const recall = (label: 'happy' | 'neutral') => {
    const own = predictions.filter((p) => p.truth === label);
    if (own.length === 0) return null;
    const hits = own.filter(
      (p) => (p.probabilities.happy > p.probabilities.neutral ? 'happy' : 'neutral') === label,
    );
    return hits.length / own.length;
  };
  const happy = recall('happy');
  const neutral = recall('neutral');
  return happy === null || neutral === null ? null : (happy + neutral) / 2;
}

function square<T extends string>(labels: readonly T[]): Record<T, Record<T, number>> {
  const out = {} as Record<T, Record<T, number>>;
  for (const row of labels) {
    out[row] = {} as Record<T, number>;
    for (const col of labels) out[row][col] = 0;
  }
  return out;
}
