import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleAcrossWindow } from '../src/estimator.ts';
import {
  EXPRESSIONS,
  type Expression,
  type ExpressionProbabilities,
  expressionOfFolder,
} from '../src/expressions.ts';
import { computeMetrics, happyNeutralBalancedAccuracy } from '../src/metrics.ts';
import {
  aggregateFrames,
  countFactor,
  DEFAULT_WEIGHTS,
  type FrameScore,
  frameSatisfaction,
  valenceCertainty,
} from '../src/satisfaction.ts';

function oneHot(name: Expression, mass = 1): ExpressionProbabilities {
  const p = Object.fromEntries(EXPRESSIONS.map((e) => [e, (1 - mass) / 6])) as ExpressionProbabilities;
  p[name] = mass;
  return p;
}

function mix(happy: number): ExpressionProbabilities {
  const zero = Object.fromEntries(EXPRESSIONS.map((e) => [e, 0])) as ExpressionProbabilities;
  return { ...zero, neutral: 1 - happy, happy };
}

const frame = (atMs: number, expressions: ExpressionProbabilities, quality = 0.9): FrameScore => ({
  atMs,
  quality,
  expressions,
});

describe('frameSatisfaction', () => {
  it('orders the expressions from angry to happy', () => {
    const order: Expression[] = ['angry', 'disgusted', 'sad', 'neutral', 'surprised', 'happy'];
    const scores = order.map((e) => frameSatisfaction(oneHot(e)));
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1]!);
    expect(frameSatisfaction(oneHot('neutral'))).toBeCloseTo(0.5);
  });

  it('rises when probability moves from any expression to happy (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }),
        fc.float({ min: Math.fround(0.01), max: 1, noNaN: true }),
        (raw, share) => {
          const p = Object.fromEntries(
            EXPRESSIONS.map((e, i) => [e, raw[i]! + 0.01]),
          ) as ExpressionProbabilities;
          const donor = EXPRESSIONS.filter((e) => e !== 'happy').reduce((a, b) => (p[a] > p[b] ? a : b));
          const moved = { ...p, [donor]: p[donor] * (1 - share), happy: p.happy + p[donor] * share };
          return frameSatisfaction(moved) >= frameSatisfaction(p) - 1e-9;
        },
      ),
    );
  });

  it('stays in 0..1 and treats all-zero input as neutral', () => {
    expect(frameSatisfaction(oneHot('happy', 0))).toBeGreaterThanOrEqual(0);
    const zero = Object.fromEntries(EXPRESSIONS.map((e) => [e, 0])) as ExpressionProbabilities;
    expect(frameSatisfaction(zero)).toBe(0.5);
    for (const w of Object.values(DEFAULT_WEIGHTS)) expect(w).toBeGreaterThanOrEqual(0);
  });
});

describe('aggregateFrames', () => {
  const end = 60_000;
  const steady = (n: number, happy: number, quality = 0.9) =>
    Array.from({ length: n }, (_, i) => frame(end - i * 1000, mix(happy), quality));

  it('returns null with no face frames', () => {
    expect(aggregateFrames([], { endMs: end })).toBeNull();
  });

  it('gives happier services a higher satisfaction', () => {
    const low = aggregateFrames(steady(5, 0.1), { endMs: end })!;
    const high = aggregateFrames(steady(5, 0.9), { endMs: end })!;
    expect(high.satisfaction).toBeGreaterThan(low.satisfaction);
    expect(high.satisfaction).toBeGreaterThan(0.5);
  });

  it('is less confident with fewer frames', () => {
    const many = aggregateFrames(steady(8, 0.8), { endMs: end })!;
    const few = aggregateFrames(steady(2, 0.8), { endMs: end })!;
    expect(few.confidence).toBeLessThan(many.confidence);
    expect(countFactor(1)).toBeLessThan(countFactor(3));
    expect(countFactor(0)).toBe(0);
  });

  it('is less confident with poorer faces', () => {
    const good = aggregateFrames(steady(5, 0.8, 0.95), { endMs: end })!;
    const poor = aggregateFrames(steady(5, 0.8, 0.3), { endMs: end })!;
    expect(poor.confidence).toBeLessThan(good.confidence);
  });

  it('is less confident when frames disagree (every frame equally sure of itself)', () => {
    const agree = aggregateFrames(steady(6, 1), { endMs: end })!;
    const split = [...steady(3, 1), ...steady(3, 0)].map((f, i) => ({ ...f, atMs: end - i * 1000 }));
    const disagree = aggregateFrames(split, { endMs: end })!;
    expect(disagree.factors.agreement).toBeLessThan(agree.factors.agreement);
    expect(disagree.confidence).toBeLessThan(agree.confidence);
  });

  it('is less confident when the (calibrated) model is unsure of each frame’s valence', () => {
    const sure = aggregateFrames(steady(6, 1), { endMs: end })!;
    const unsure = aggregateFrames(steady(6, 0.5), { endMs: end })!;
    expect(valenceCertainty(mix(0.5))).toBeCloseTo(0.5);
    expect(valenceCertainty(oneHot('sad', 0.4))).toBeCloseTo(0.4 + 0.6 / 2);
    expect(unsure.factors.certainty).toBeCloseTo(0.5);
    expect(unsure.confidence).toBeLessThan(sure.confidence);
  });

  it('is less confident when most frames had no face', () => {
    const covered = aggregateFrames(steady(4, 0.8), { endMs: end, framesConsidered: 4 })!;
    const sparse = aggregateFrames(steady(4, 0.8), { endMs: end, framesConsidered: 20 })!;
    expect(sparse.confidence).toBeLessThan(covered.confidence);
  });

  it('weighs frames near the end of service more', () => {
    const frames = [frame(end - 30_000, mix(0)), frame(end, mix(1))];
    expect(aggregateFrames(frames, { endMs: end })!.satisfaction).toBeGreaterThan(0.75);
  });
});

describe('sampleAcrossWindow', () => {
  it('keeps at most max frames, the best of each time slot', () => {
    const faces = Array.from({ length: 20 }, (_, i) => frame(i * 1000, mix(0.5), (i % 4) / 4));
    const picked = sampleAcrossWindow(faces, 0, 20_000, 4);
    expect(picked).toHaveLength(4);
    for (const f of picked) expect(f.quality).toBe(0.75);
    expect(sampleAcrossWindow(faces.slice(0, 3), 0, 20_000, 4)).toHaveLength(3);
  });
});

describe('metrics', () => {
  const p = (truth: Expression, predicted: Expression) => ({ truth, probabilities: oneHot(predicted, 0.9) });

  it('counts 7-class and 3-class accuracy and the confusion matrix', () => {
    const m = computeMetrics(
      [p('happy', 'happy'), p('sad', 'angry'), p('neutral', 'surprised'), p('angry', 'happy')],
      ['angry', 'happy', 'neutral', 'sad'],
    );
    expect(m.accuracy7).toBe(0.25);
    expect(m.accuracy3).toBe(0.75);
    expect(m.confusion.sad.angry).toBe(1);
    expect(m.balancedAccuracyHappyNeutral).toBeNull();
    expect(m.meanSatisfactionByClass.happy!).toBeGreaterThan(m.meanSatisfactionByClass.sad!);
  });

  it('gives balanced accuracy only for happy + neutral folders', () => {
    const preds = [p('happy', 'happy'), p('happy', 'happy'), p('happy', 'neutral'), p('neutral', 'neutral')];
    expect(happyNeutralBalancedAccuracy(preds, ['happy', 'neutral'])).toBeCloseTo((2 / 3 + 1) / 2);
    expect(happyNeutralBalancedAccuracy(preds, ['happy'])).toBeNull();
    expect(computeMetrics([], []).accuracy7).toBeNull();
  });
});

describe('class folders', () => {
  it('accept our names and FER2013’s, case-insensitive, and nothing else', () => {
    expect(expressionOfFolder('Surprise')).toBe('surprised');
    expect(expressionOfFolder('disgust')).toBe('disgusted');
    expect(expressionOfFolder('fear')).toBe('fearful');
    expect(expressionOfFolder('happy')).toBe('happy');
    expect(expressionOfFolder('contempt')).toBeUndefined();
  });
});
