/**
 * The last step after fine-tune-net.py: runs the fine-tuned model through the device's own loader and
 * code (tfjs WASM, face + mirror image) over the validation split, fits its temperature on the
 * even-indexed faces, reports calibration on the odd ones and every figure against the shipped weights
 * in the same run, and writes the temperature and the figures into the head's manifest.
 *   tsx models/train/calibrate-net.ts <validation folder> <weights dir> [--fit-biases [--margin-se z]]
 * The even/odd halves are those of train-head.ts (the extraction order, seed 2013). `--fit-biases`
 * also shifts each class's prior (fit-adjustment.ts, no blend) on the even half, so that no class is
 * recalled less than by the shipped weights there (raised by z standard errors of that recall with
 * `--margin-se`, so that a floor met by less than its sampling error does not count); every figure is then also reported on the odd half.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Tensor3D, Tensor4D } from '@tensorflow/tfjs';
import { type LoadedRuntime, loadRuntime } from '../src/backend.ts';
import { expressionFeatures, netLogits, toFaceBatch } from '../src/expression-features.ts';
import { HEAD_NAME, type LoadedHead, loadHead, readHead, serializeHead } from '../src/expression-head.ts';
import { EXPRESSIONS, VALENCE_GROUPS, VALENCE_OF } from '../src/expressions.ts';
import { decodeImage } from '../src/image.ts';
import { fitTemperature, reliability, softmax } from '../src/temperature.ts';
import { type LabelledImage, listSplit, seededShuffle } from './fer2013.ts';
import { adjusted, fitAdjustment } from './fit-adjustment.ts';
import { scoreReport } from './scores.ts';

const BATCH = 32;
/** The 7-class goal, kept by the bias fit (it would otherwise trade 7-class for 3-way). */
const MIN_ACCURACY7 = 0.6;

/** Per face: the fine-tuned model's logits (face + mirror, mean) and the shipped net's (face only). */
async function logitsOf(rt: LoadedRuntime, head: LoadedHead, images: readonly LabelledImage[]) {
  const { tf } = rt;
  const trained: number[][] = [];
  const shipped: number[][] = [];
  for (let start = 0; start < images.length; start += BATCH) {
    const chunk = images.slice(start, start + BATCH);
    const faces = await Promise.all(chunk.map(async (img) => decodeImage(await readFile(img.file))));
    const tensors = faces.map((f) => tf.tensor3d(f.data, [f.height, f.width, 3], 'int32') as Tensor3D);
    const batch = await toFaceBatch(rt, tensors);
    const [own, base] = tf.tidy(() => {
      const both = tf.concat([batch, tf.reverse(batch, 2)], 0) as Tensor4D;
      const logits = head.logits(head.features(both));
      const n = chunk.length;
      const mean = tf.div(tf.add(tf.slice(logits, [0, 0], [n, -1]), tf.slice(logits, [n, 0], [n, -1])), 2);
      return [
        mean.arraySync() as number[][],
        netLogits(rt, expressionFeatures(rt, batch)).arraySync() as number[][],
      ];
    });
    trained.push(...own);
    shipped.push(...base);
    tf.dispose([...tensors, batch]);
  }
  return { trained, shipped };
}

/** Calibration of the most likely valence group (what the service's certainty uses). */
function valenceReliability(logits: number[][], labels: number[], t: number) {
  const groupOf = (k: number) => VALENCE_GROUPS.indexOf(VALENCE_OF[EXPRESSIONS[k]!]);
  const logGroups = logits.map((row) => {
    const p = softmax(row, t);
    return VALENCE_GROUPS.map((_, g) =>
      Math.log(p.reduce((acc, v, k) => acc + (groupOf(k) === g ? v : 0), 0)),
    );
  });
  return reliability(logGroups, labels.map(groupOf), 1);
}

async function main(folder: string, dir: string, fitBiases: boolean, marginSe: number): Promise<void> {
  const rt = await loadRuntime('wasm');
  await rt.faceapi.nets.faceExpressionNet.loadFromDisk(rt.modelDir);
  const head = await loadHead(rt, dir);
  if (!head.weights.net) throw new Error(`${dir}: the head names no fine-tuned net`);
  const images = seededShuffle(await listSplit(folder), 2013);
  const labels = images.map((i) => i.label);
  const logits = await logitsOf(rt, head, images);
  const { shipped } = logits;
  const half = <T>(rows: T[], parity: number) => rows.filter((_, i) => i % 2 === parity);
  // Class biases (a prior shift, fit-adjustment.ts with no blend, 7-class kept ≥ 0.60) on the even half only.
  const fit = fitBiases
    ? fitAdjustment(
        { labels: half(labels, 0), head: half(logits.trained, 0), shipped: half(shipped, 0) },
        0,
        0.05,
        marginSe,
        [0],
        MIN_ACCURACY7,
      )
    : null;
  const trained = fit ? logits.trained.map((row) => row.map((v, k) => v + fit.bias[k]!)) : logits.trained;
  const temperature = fitTemperature(half(trained, 0), half(labels, 0));
  const report = {
    validationImages: images.length,
    temperature,
    ...(fit ? { biasFit: fit, beforeBiases: scoreReport(logits.trained, labels, temperature) } : {}),
    head: scoreReport(trained, labels, temperature),
    shipped: scoreReport(shipped, labels, 1),
    heldOutHalf: {
      head: scoreReport(half(trained, 1), half(labels, 1), temperature),
      shipped: scoreReport(half(shipped, 1), half(labels, 1), 1),
    },
    calibrationHeldOut: {
      headUncalibrated: reliability(half(trained, 1), half(labels, 1), 1),
      head: reliability(half(trained, 1), half(labels, 1), temperature),
      shipped: reliability(half(shipped, 1), half(labels, 1), 1),
      valence: valenceReliability(half(trained, 1), half(labels, 1), temperature),
    },
  };
  console.log(JSON.stringify(report, null, 1));
  const weights = fit ? adjusted(await readHead(dir), 0, fit.bias) : await readHead(dir);
  weights.temperature = temperature;
  weights.info = {
    ...weights.info,
    ...(fit
      ? {
          adjustment: `class biases ${fit.bias.join(' ')} fitted on the even half of validation, floors + ${marginSe} SE`,
        }
      : {}),
    temperature,
    validation: { accuracy7: report.head.accuracy7, accuracy3: report.head.accuracy3 },
  };
  const { manifest, data } = serializeHead(weights);
  await writeFile(join(dir, `${HEAD_NAME}.json`), manifest);
  await writeFile(join(dir, `${HEAD_NAME}.bin`), data);
  await writeFile(join(dir, `${HEAD_NAME}.report.json`), `${JSON.stringify(report, null, 1)}\n`);
  // Raw logits (temperature 1, before any bias), in the order whose halves are used above.
  await writeFile(join(dir, `${HEAD_NAME}.logits.json`), JSON.stringify({ labels, ...logits }));
}

const { values, positionals } = parseArgs({
  options: { 'fit-biases': { type: 'boolean' }, 'margin-se': { type: 'string', default: '0' } },
  allowPositionals: true,
});
const [folder, dir] = positionals;
if (!folder || !dir) {
  console.error(
    'Cách dùng / Usage: tsx models/train/calibrate-net.ts <validation folder> <weights dir> [--fit-biases [--margin-se z]]',
  );
  process.exitCode = 2;
} else {
  await main(folder, dir, values['fit-biases'] === true, Number(values['margin-se']));
}
