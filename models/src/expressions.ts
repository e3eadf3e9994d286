/** The seven expressions the face-api expression net outputs (FER-2013 classes, its own names). */
export { EXPRESSIONS } from '@oss/protocol';

import { EXPRESSIONS } from '@oss/protocol';
export type Expression = (typeof EXPRESSIONS)[number];
export type ExpressionProbabilities = Record<Expression, number>;

/** Valence groups used for 3-class accuracy. Surprise is ambiguous in valence, so it counts as neutral. */
export const VALENCE_GROUPS = ['positive', 'neutral', 'negative'] as const;
export type ValenceGroup = (typeof VALENCE_GROUPS)[number];

export const VALENCE_OF: Record<Expression, ValenceGroup> = {
  angry: 'negative',
  disgusted: 'negative',
  fearful: 'negative',
  sad: 'negative',
  happy: 'positive',
  neutral: 'neutral',
  surprised: 'neutral',
};

export const EXPRESSION_LABELS: Record<Expression, { vi: string; en: string }> = {
  angry: { vi: 'Tức giận', en: 'Angry' },
  disgusted: { vi: 'Khó chịu', en: 'Disgusted' },
  fearful: { vi: 'Sợ hãi', en: 'Fearful' },
  happy: { vi: 'Vui vẻ', en: 'Happy' },
  neutral: { vi: 'Bình thường', en: 'Neutral' },
  sad: { vi: 'Buồn', en: 'Sad' },
  surprised: { vi: 'Ngạc nhiên', en: 'Surprised' },
};

export function isExpression(name: string): name is Expression {
  return (EXPRESSIONS as readonly string[]).includes(name);
}

/** FER2013's folder names for the classes whose name differs from ours (eval accepts both). */
export const FER_FOLDER_NAMES: Readonly<Record<string, Expression>> = {
  disgust: 'disgusted',
  fear: 'fearful',
  surprise: 'surprised',
};

/** The expression a class folder stands for (our names or FER2013's), or undefined. */
export function expressionOfFolder(folder: string): Expression | undefined {
  const name = folder.toLowerCase();
  return isExpression(name) ? name : FER_FOLDER_NAMES[name];
}

export function topExpression(probabilities: ExpressionProbabilities): Expression {
  let best: Expression = 'neutral';
  for (const name of EXPRESSIONS) if (probabilities[name] > probabilities[best]) best = name;
  return best;
}

/** Copies the seven probabilities out of any object that has them (e.g. face-api's FaceExpressions). */
export function toProbabilities(source: Record<string, unknown>): ExpressionProbabilities {
  const out = {} as ExpressionProbabilities;
  for (const name of EXPRESSIONS) {
    const value = source[name];
    out[name] = typeof value === 'number' && Number.isFinite(value) ? value : 0;
  }
  return out;
}
