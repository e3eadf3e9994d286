import { describe, expect, it } from 'vitest';
import { loadRuntime } from '../src/backend.ts';
import { EXPRESSIONS, VALENCE_OF } from '../src/expressions.ts';
import { softmax } from '../src/temperature.ts';
import { VALENCE_MEMBERSHIP, valenceNll } from '../train/train-head.ts';

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
