import { describe, expect, it } from 'vitest';
import { loadRuntime } from '../src/backend.ts';
import { FEATURE_SIZE } from '../src/expression-features.ts';
import { type HeadWeights, prepareHead } from '../src/expression-head.ts';
import { averageHeads } from '../train/ensemble-heads.ts';
import { seededRandom } from '../train/fer2013.ts';

const INPUTS = 16;

function randomHead(seed: number, hidden: number, mean: Float32Array, scale: Float32Array): HeadWeights {
  const random = seededRandom(seed);
  const values = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
  return {
    inputs: INPUTS,
    mean,
    scale,
    temperature: 1,
    mirror: true,
    addShipped: false,
    info: { options: { seed } },
    layers: [
      {
        inputs: INPUTS,
        outputs: hidden,
        activation: 'relu',
        weights: values(INPUTS * hidden),
        bias: values(hidden),
      },
      { inputs: hidden, outputs: 7, activation: 'linear', weights: values(hidden * 7), bias: values(7) },
    ],
  };
}

describe('averageHeads (ensemble folded into one head of the same format)', () => {
  it('gives exactly the mean of the heads’ logits, through the device’s loader', async () => {
    const rt = await loadRuntime('wasm');
    const mean = Float32Array.from({ length: INPUTS }, (_, i) => i / 10);
    const scale = Float32Array.from({ length: INPUTS }, (_, i) => 1 + i / 20);
    const heads = [
      randomHead(1, 5, mean, scale),
      randomHead(2, 3, mean, scale),
      randomHead(3, 4, mean, scale),
    ];
    const random = seededRandom(9);
    const features = rt.tf.tensor2d(
      Float32Array.from({ length: 6 * FEATURE_SIZE }, () => random() * 4 - 2),
      [6, FEATURE_SIZE],
    );
    const each = heads.map((h) => prepareHead(rt, h).logits(features).arraySync());
    const combined = prepareHead(rt, averageHeads(heads)).logits(features).arraySync();
    for (const [i, row] of combined.entries())
      for (const [k, v] of row.entries())
        expect(v).toBeCloseTo(each.reduce((a, l) => a + l[i]![k]!, 0) / heads.length, 4);
    expect(averageHeads(heads).layers[0]!.outputs).toBe(12);
  });

  it('refuses heads standardised differently (trained on other faces)', () => {
    const mean = new Float32Array(INPUTS);
    const other = Float32Array.from({ length: INPUTS }, () => 1);
    expect(() => averageHeads([randomHead(1, 4, mean, other), randomHead(2, 4, other, other)])).toThrow(
      /standardisation/,
    );
  });
});
