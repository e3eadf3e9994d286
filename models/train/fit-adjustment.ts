/**
 * Corrects a head trained with `train-head.ts --holdout f` on the training images it never saw: shrinks
 * its correction of the shipped layer (α, a blend of the two logits) and shifts each class's prior (a
 * bias), so that positive/neutral/negative accuracy is highest while no class is recalled less than by
 * the shipped weights. Nothing here looks at validation; validation is only reported, as train-head does.
 *   tsx models/train/fit-adjustment.ts <features dir> <run dir> [--margin 0.02] [--margin-se 0] [--apply-to dir] [--out dir]
 * `--apply-to`: put the α and biases fitted on <run dir>'s held-out images on another head (the same
 * recipe trained on all training images, which has no held-out images of its own).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadRuntime } from '../src/backend.ts';
import { HEAD_NAME, type HeadWeights, readHead } from '../src/expression-head.ts';
import { EXPRESSIONS, VALENCE_OF } from '../src/expressions.ts';
import { fitTemperature, reliability } from '../src/temperature.ts';
import { scoreReport, shippedProbabilities } from './scores.ts';
import { headLogitsOf, readSplit, writeHeadFiles } from './train-head.ts';

type Rows = number[][];
interface HeldOut {
  labels: number[];
  head: Rows;
  shipped: Rows;
}

const VALENCE = EXPRESSIONS.map((e) => VALENCE_OF[e]);
/** Biases tried for each class: −2 … 2 by `step`. */
const biasSteps = (step: number) =>
  Array.from({ length: Math.round(4 / step) + 1 }, (_, i) => Math.round((-2 + i * step) * 1000) / 1000);

function predictions(shipped: Rows, correction: Rows, alpha: number, bias: readonly number[]): number[] {
  return shipped.map((s, i) => {
    let best = 0;
    let bestValue = -Infinity;
    for (let k = 0; k < s.length; k++) {
      const v = s[k]! + (1 - alpha) * correction[i]![k]! + bias[k]!;
      if (v > bestValue) [best, bestValue] = [k, v];
    }
    return best;
  });
}

function recalls(predicted: readonly number[], labels: readonly number[]): number[] {
  return EXPRESSIONS.map((_, k) => {
    const of = labels.flatMap((l, i) => (l === k ? [predicted[i]!] : []));
    return of.length ? of.filter((p) => p === k).length / of.length : 0;
  });
}

function accuracy3(predicted: readonly number[], labels: readonly number[]): number {
  return predicted.filter((p, i) => VALENCE[p] === VALENCE[labels[i]!]).length / labels.length;
}

/**
 * 3-way accuracy, minus a heavy penalty for every class recalled below the shipped recall + margin,
 * and for 7-class accuracy below `minAccuracy7`.
 */
function objective(
  predicted: number[],
  labels: number[],
  floor: readonly number[],
  minAccuracy7: number,
): number {
  const shortfall = recalls(predicted, labels).reduce((a, r, k) => a + Math.max(0, floor[k]! - r), 0);
  const accuracy7 = predicted.filter((p, i) => p === labels[i]).length / labels.length;
  return accuracy3(predicted, labels) - 5 * shortfall - 5 * Math.max(0, minAccuracy7 - accuracy7);
}

/**
 * One standard error of each class's shipped recall on these faces, √(r(1 − r)/n): how far the recall
 * on another sample of the same size may fall by chance.
 */
export function recallStandardErrors(recall: readonly number[], labels: readonly number[]): number[] {
  return recall.map((r, k) => Math.sqrt((r * (1 - r)) / Math.max(labels.filter((l) => l === k).length, 1)));
}

/**
 * Coordinate ascent over the class biases for each α on a grid; the best (α, bias) on the held-out images.
 * Each class's floor is its shipped recall + `margin` + `marginSe` standard errors of that recall.
 */
export function fitAdjustment(
  data: HeldOut,
  margin: number,
  biasStep = 0.05,
  marginSe = 0,
  alphas: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
  minAccuracy7 = 0,
) {
  const correction = data.head.map((row, i) => row.map((v, k) => v - data.shipped[i]![k]!));
  const zero = EXPRESSIONS.map(() => 0);
  const shippedRecall = recalls(predictions(data.shipped, correction, 1, zero), data.labels);
  const errors = recallStandardErrors(shippedRecall, data.labels);
  const floor = shippedRecall.map((r, k) => r + margin + marginSe * errors[k]!);
  let best = { alpha: 0, bias: zero, score: -Infinity };
  for (const alpha of alphas) {
    const bias = [...zero];
    const score7 = (b: readonly number[]) =>
      objective(predictions(data.shipped, correction, alpha, b), data.labels, floor, minAccuracy7);
    let score = score7(bias);
    for (let sweep = 0; sweep < 3; sweep++)
      for (let k = 0; k < bias.length; k++)
        for (const step of biasSteps(biasStep)) {
          const tried = bias.map((b, j) => (j === k ? step : b));
          const s = score7(tried);
          if (s > score) [score, bias[k]] = [s, step];
        }
    console.error(`alpha ${alpha}: held-out objective ${score.toFixed(4)} bias ${bias.join(' ')}`);
    if (score > best.score) best = { alpha, bias, score };
  }
  const predicted = predictions(data.shipped, correction, best.alpha, best.bias);
  const recall = recalls(predicted, data.labels);
  return {
    ...best,
    heldOutImages: data.labels.length,
    heldOut: {
      shippedRecall,
      floor,
      recall,
      everyClassAtFloor: recall.every((r, k) => r >= floor[k]!),
      accuracy3: accuracy3(predicted, data.labels),
      shippedAccuracy3: accuracy3(predictions(data.shipped, correction, 1, zero), data.labels),
    },
  };
}

/** The same head with its correction scaled by (1 − α) and the biases added: the loader is unchanged. */
export function adjusted(head: HeadWeights, alpha: number, bias: readonly number[]): HeadWeights {
  const last = head.layers.at(-1)!;
  const layer = {
    ...last,
    weights: last.weights.map((w) => w * (1 - alpha)),
    bias: last.bias.map((b, k) => b * (1 - alpha) + bias[k]!),
  };
  return { ...head, layers: [...head.layers.slice(0, -1), layer] };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      margin: { type: 'string', default: '0.02' },
      /** Floors raised by this many standard errors of each class's held-out shipped recall. */
      'margin-se': { type: 'string', default: '0' },
      'apply-to': { type: 'string' },
      out: { type: 'string' },
    },
    allowPositionals: true,
  });
  const [featuresDir, runDir] = positionals;
  if (!featuresDir || !runDir)
    throw new Error(
      'Cách dùng / Usage: fit-adjustment.ts <features dir> <run dir> [--margin 0.02] [--margin-se 0] [--apply-to dir] [--out dir]',
    );
  const logits = JSON.parse(await readFile(join(runDir, `${HEAD_NAME}.logits.json`), 'utf8')) as {
    heldOutTrain: HeldOut;
  };
  const [margin, marginSe] = [Number(values.margin), Number(values['margin-se'])];
  if (!Number.isFinite(margin) || !Number.isFinite(marginSe))
    throw new Error('--margin, --margin-se phải là số / must be numbers');
  const fit = fitAdjustment(logits.heldOutTrain, margin, 0.05, marginSe);
  const rt = await loadRuntime('wasm');
  await rt.faceapi.nets.faceExpressionNet.loadFromDisk(rt.modelDir);
  const target = values['apply-to'] ?? runDir;
  const head = adjusted(await readHead(target), fit.alpha, fit.bias);
  const validation = await readSplit(featuresDir, 'validation');
  const rows = headLogitsOf(rt, head, validation, head.mirror ? [0, 1] : [0]);
  // As train-head: temperature on the even-indexed validation images, calibration on the odd ones.
  head.temperature = fitTemperature(
    rows.filter((_, i) => i % 2 === 0),
    validation.labels.filter((_, i) => i % 2 === 0),
  );
  const shipped = shippedProbabilities(rt, validation).logits;
  const odd = <T>(xs: T[]) => xs.filter((_, i) => i % 2 === 1);
  const report = {
    options: {
      ...(head.info.options as object),
      holdoutFit: {
        margin,
        marginSe,
        run: runDir,
        appliedTo: target,
        ...fit,
      },
    },
    validationImages: validation.labels.length,
    temperature: head.temperature,
    head: scoreReport(rows, validation.labels, head.temperature),
    shipped: scoreReport(shipped, validation.labels, 1),
    calibrationHeldOut: {
      head: reliability(odd(rows), odd(validation.labels), head.temperature),
      shipped: reliability(odd(shipped), odd(validation.labels), 1),
    },
  };
  console.log(JSON.stringify(report, null, 1));
  if (!values.out) return;
  head.info = {
    ...head.info,
    adjustment: `α ${fit.alpha}, class biases ${fit.bias.join(' ')} fitted on ${fit.heldOutImages} held-out training images${target === runDir ? '' : ' of a run on 85 % of them'} (models/train/fit-adjustment.ts)`,
    temperature: head.temperature,
    validation: { accuracy7: report.head.accuracy7, accuracy3: report.head.accuracy3 },
  };
  await writeHeadFiles(values.out, head, report);
}

// Run as a script, not when a test imports fitAdjustment.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
