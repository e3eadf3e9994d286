import { describe, expect, it } from 'vitest';
import { loadRuntime } from '../src/backend.ts';
import { FEATURE_SIZE } from '../src/expression-features.ts';
import { EXPRESSIONS, VALENCE_OF } from '../src/expressions.ts';
import { softmax } from '../src/temperature.ts';
import { type Split, VALENCE_MEMBERSHIP, valenceNll, withExtraViews } from '../train/train-head.ts';

describe('valenceNll (the 3-way term of train-head’s loss)', () => {
  it('is −log of the summed probability of the true positive/neutral/negative group', async () => {
    const rt = await loadRuntime('wasm');
    const { tf } = rt;
    const logits = [
      [0, 0, 0, 3, 0, 0, 0], // happy
      [0, 0, 0, 0, 2.5, 0, 0.5], // neutral, some surprise (same group)
      [1, 0.2, 0.1, 0, 0, 1.5, 0], // sad with angry: negative
    ];
    const labels = ['surprised', 'surprised', 'disgusted'] as const;
    const y = tf.oneHot(
      tf.tensor1d(
        labels.map((l) => EXPRESSIONS.indexOf(l)),
        'int32',
      ),
      EXPRESSIONS.length,
    );
    const membership = tf.tensor2d(VALENCE_MEMBERSHIP, [EXPRESSIONS.length, 3]);
    const got = valenceNll(rt, y, tf.tensor2d(logits), membership).arraySync() as number[];
    const expected = logits.map((row, i) => {
      const p = softmax(row, 1);
      const group = VALENCE_OF[labels[i]!];
      return -Math.log(EXPRESSIONS.reduce((a, e, k) => a + (VALENCE_OF[e] === group ? p[k]! : 0), 0));
    });
    for (const [i, v] of got.entries()) expect(v).toBeCloseTo(expected[i]!, 4);
    // A surprised face read as neutral costs little (same group); one read as happy costs much.
    expect(got[1]!).toBeLessThan(0.5);
    expect(got[0]!).toBeGreaterThan(2);
  });
});

describe('withExtraViews (augmented training views)', () => {
  /** `images` faces with `views` views, each row filled with 100 × image + 10 × view + tag. */
  const split = (labels: number[], views: number, tag: number): Split => {
    const features = new Float32Array(labels.length * views * FEATURE_SIZE);
    for (let i = 0; i < labels.length; i++)
      for (let v = 0; v < views; v++)
        features.fill(
          100 * i + 10 * v + tag,
          (i * views + v) * FEATURE_SIZE,
          (i * views + v + 1) * FEATURE_SIZE,
        );
    return { features, views, labels };
  };
  const rowValues = (s: Split) =>
    Array.from({ length: s.labels.length * s.views }, (_, r) => s.features[r * FEATURE_SIZE]);

  it('puts each face’s extra views right after its own, face by face', () => {
    const merged = withExtraViews(split([3, 4, 5], 1, 0), [split([3, 4, 5], 1, 1), split([3, 4], 1, 2)]);
    expect(merged.views).toBe(3);
    expect(merged.labels).toEqual([3, 4]); // cut to the faces every view has (a partial extraction)
    expect(rowValues(merged)).toEqual([0, 1, 2, 100, 101, 102]);
  });

  it('refuses views of other faces or with more than one view', () => {
    expect(() => withExtraViews(split([3, 4], 1, 0), [split([4, 3], 1, 1)])).toThrow(/same faces/);
    expect(() => withExtraViews(split([3, 4], 1, 0), [split([3, 4], 2, 1)])).toThrow(/single views/);
  });
});
