import { describe, expect, it } from 'vitest';
import { fitTemperature, reliability, softmax } from '../src/temperature.ts';
import { seededRandom } from '../train/fer2013.ts';

/** Logits whose labels are drawn from softmax(logits / trueT): a model overconfident by trueT. */
function synthetic(trueT: number, n: number, seed: number) {
  const random = seededRandom(seed);
  const logits = Array.from({ length: n }, () => Array.from({ length: 7 }, () => (random() - 0.5) * 12));
  const labels = logits.map((row) => {
    const p = softmax(row, trueT);
    const u = random();
    let cumulative = 0;
    const k = p.findIndex((v) => {
      cumulative += v;
      return u < cumulative;
    });
    return k < 0 ? 6 : k;
  });
  return { logits, labels };
}

describe('temperature scaling', () => {
  it('recovers the temperature that generated the labels', () => {
    const { logits, labels } = synthetic(2.5, 4000, 7);
    expect(fitTemperature(logits, labels)).toBeGreaterThan(2.2);
    expect(fitTemperature(logits, labels)).toBeLessThan(2.8);
  });

  it('lowers the expected calibration error on held-out data', () => {
    const fit = synthetic(2.5, 3000, 1);
    const heldOut = synthetic(2.5, 3000, 2);
    const t = fitTemperature(fit.logits, fit.labels);
    const before = reliability(heldOut.logits, heldOut.labels, 1);
    const after = reliability(heldOut.logits, heldOut.labels, t);
    expect(after.expectedCalibrationError).toBeLessThan(before.expectedCalibrationError / 2);
    expect(after.negativeLogLikelihood).toBeLessThan(before.negativeLogLikelihood);
    expect(after.bins.reduce((n, b) => n + b.count, 0)).toBe(3000);
  });

  it('leaves a calibrated model alone', () => {
    const { logits, labels } = synthetic(1, 4000, 3);
    expect(Math.abs(fitTemperature(logits, labels) - 1)).toBeLessThan(0.15);
  });
});
