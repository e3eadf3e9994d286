import { describe, expect, it, vi } from 'vitest';
import { EXPRESSIONS } from '../src/expressions.ts';
import { seededRandom } from '../train/fer2013.ts';
import { fitAdjustment, recallStandardErrors } from '../train/fit-adjustment.ts';

/**
 * Synthetic held-out faces: the shipped logits find each true class with noise; the head's correction
 * adds a strong pull towards happy (3), so it takes faces of the other classes — the failure the fit
 * must undo without looking at anything but these faces.
 */
function heldOut(n: number, headSignal = 0) {
  const random = seededRandom(7);
  const labels = Array.from({ length: n }, (_, i) => i % EXPRESSIONS.length);
  const shipped = labels.map((l) => EXPRESSIONS.map((_, k) => (k === l ? 1.2 : 0) + random() * 2));
  // `headSignal`: the head also knows a little more of the true class than the shipped layer.
  const head = shipped.map((row, i) =>
    row.map((v, k) => v + (k === 3 ? 1.5 : 0) + (k === labels[i] ? headSignal : 0)),
  );
  return { labels, shipped, head };
}

// The fits search a grid over every class for each α: tens of seconds on a loaded machine.
vi.setConfig({ testTimeout: 180_000 });

describe('fitAdjustment (prior shift + blend on held-out training faces)', () => {
  it('brings every class back to at least the shipped recall that the head had lost', () => {
    const data = heldOut(1400);
    const fit = fitAdjustment(data, 0, 0.1); // the coarser grid keeps the test quick
    const top = (row: number[]) => row.indexOf(Math.max(...row));
    const headRecallOfAngry =
      data.labels.filter((l, i) => l === 0 && top(data.head[i]!) === 0).length / (1400 / EXPRESSIONS.length);
    expect(headRecallOfAngry).toBeLessThan(fit.heldOut.shippedRecall[0]! - 0.1); // the head did lose it
    fit.heldOut.recall.forEach((r, k) => {
      expect(r).toBeGreaterThanOrEqual(fit.heldOut.shippedRecall[k]!);
    });
    // Undoing the pull is a negative bias on happy relative to the others, or a blend towards shipped.
    expect(fit.alpha > 0 || fit.bias[3]! < Math.max(...fit.bias)).toBe(true);
  });

  it('with --margin-se, holds each class that many standard errors above the shipped recall', () => {
    const data = heldOut(700, 0.2);
    const plain = fitAdjustment(data, 0, 0.1);
    const fit = fitAdjustment(data, 0, 0.1, 1);
    const errors = recallStandardErrors(fit.heldOut.shippedRecall, data.labels);
    // Without the margin some class ends inside one standard error of its shipped recall.
    expect(plain.heldOut.recall.some((r, k) => r < plain.heldOut.shippedRecall[k]! + errors[k]!)).toBe(true);
    fit.heldOut.recall.forEach((r, k) => {
      expect(fit.heldOut.floor[k]).toBeCloseTo(fit.heldOut.shippedRecall[k]! + errors[k]!, 10);
      expect(r).toBeGreaterThanOrEqual(fit.heldOut.floor[k]!);
    });
  });

  it('with no blend and a 7-class floor (calibrate-net.ts), trades less 7-class accuracy for 3-way', () => {
    const data = heldOut(700, 0.2);
    const accuracy7 = (bias: readonly number[]) =>
      data.head.filter((row, i) => {
        const shifted = row.map((v, k) => v + bias[k]!);
        return shifted.indexOf(Math.max(...shifted)) === data.labels[i];
      }).length / data.labels.length;
    const plain = fitAdjustment(data, 0, 0.1, 0, [0]);
    const floored = fitAdjustment(data, 0, 0.1, 0, [0], 1);
    expect([plain.alpha, floored.alpha]).toEqual([0, 0]);
    expect(accuracy7(floored.bias)).toBeGreaterThan(accuracy7(plain.bias));
    expect(floored.heldOut.accuracy3).toBeLessThanOrEqual(plain.heldOut.accuracy3);
  });

  it('standard errors of recall follow √(r(1 − r)/n) per class', () => {
    const labels = [0, 0, 0, 0, 1, 1];
    const [a, b] = recallStandardErrors([0.5, 1, 0, 0, 0, 0, 0], labels);
    expect(a).toBeCloseTo(Math.sqrt(0.25 / 4), 10);
    expect(b).toBe(0);
  });
});
