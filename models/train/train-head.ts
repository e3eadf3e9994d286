/**
 * Trains the expression head on cached FER2013 features (extract-features.ts) and reports it against
 * the shipped weights on the validation split, in the same run.
 *   tsx models/train/train-head.ts <features dir> [--hidden 256] [--epochs 30] [--out models/weights]
 * Fixed seed: the same features and options give the same weights (single-threaded WASM).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs';
import { type LoadedRuntime, loadRuntime } from '../src/backend.ts';
import { FEATURE_LAYOUT, FEATURE_SIZE, netLogits } from '../src/expression-features.ts';
import {
  HEAD_NAME,
  type HeadLayer,
  type HeadWeights,
  prepareHead,
  serializeHead,
} from '../src/expression-head.ts';
import { EXPRESSIONS, VALENCE_GROUPS, VALENCE_OF } from '../src/expressions.ts';
import { fitTemperature, reliability } from '../src/temperature.ts';
import { seededRandom } from './fer2013.ts';
import { type ClassScores, scoreReport, shippedProbabilities } from './scores.ts';

export interface Split {
  /** [images, views (original, mirrored, then any extra training views), FEATURE_SIZE] */
  features: Float32Array;
  views: number;
  labels: number[];
}

/** A split's cached features; of a partly extracted split, the images done so far (a random subset). */
export async function readSplit(dir: string, name: string): Promise<Split> {
  const meta = JSON.parse(await readFile(join(dir, `${name}.json`), 'utf8')) as {
    labels: number[];
    views?: number;
  };
  const views = meta.views ?? 2;
  const bytes = await readFile(join(dir, `${name}.f32`));
  const images = Math.min(meta.labels.length, Math.floor(bytes.byteLength / (4 * views * FEATURE_SIZE)));
  const features = new Float32Array(bytes.buffer, bytes.byteOffset, images * views * FEATURE_SIZE);
  return { features, views, labels: meta.labels.slice(0, images) };
}

/**
 * The split with extra views of the same faces (extract-features.ts `mirror`, `jitter…`) after its
 * own, so that view 1 is the mirrored face when the split has only the original.
 */
export function withExtraViews(split: Split, extras: readonly Split[]): Split {
  for (const extra of extras)
    if (extra.views !== 1 || extra.labels.join() !== split.labels.slice(0, extra.labels.length).join())
      throw new Error('Extra views must be single views of the same faces in the same order');
  const images = Math.min(split.labels.length, ...extras.map((e) => e.labels.length));
  const views = split.views + extras.length;
  const features = new Float32Array(images * views * FEATURE_SIZE);
  for (let i = 0; i < images; i++) {
    const own = split.features.subarray(i * split.views * FEATURE_SIZE, (i + 1) * split.views * FEATURE_SIZE);
    features.set(own, i * views * FEATURE_SIZE);
    for (const [k, e] of extras.entries()) {
      const view = e.features.subarray(i * FEATURE_SIZE, (i + 1) * FEATURE_SIZE);
      features.set(view, (i * views + split.views + k) * FEATURE_SIZE);
    }
  }
  return { features, views, labels: split.labels.slice(0, images) };
}

/** Images [from, to) of a split, sharing its buffer. */
function sliceSplit(split: Split, from: number, to: number): Split {
  const row = split.views * FEATURE_SIZE;
  return {
    features: split.features.subarray(from * row, to * row),
    views: split.views,
    labels: split.labels.slice(from, to),
  };
}

/** Rows (image × view) as a dense matrix of the first `inputs` columns. */
function rowsOf(split: Split, inputs: number, views: readonly number[]): Float32Array {
  const n = split.labels.length;
  const out = new Float32Array(n * views.length * inputs);
  let r = 0;
  for (let i = 0; i < n; i++)
    for (const v of views) {
      const start = (i * split.views + v) * FEATURE_SIZE;
      out.set(split.features.subarray(start, start + inputs), r * inputs);
      r++;
    }
  return out;
}

function standardisation(rows: Float32Array, inputs: number): { mean: Float32Array; scale: Float32Array } {
  const n = rows.length / inputs;
  const mean = new Float64Array(inputs);
  const sq = new Float64Array(inputs);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < inputs; c++) {
      const v = rows[r * inputs + c]!;
      mean[c]! += v;
      sq[c]! += v * v;
    }
  const m = new Float32Array(inputs);
  const s = new Float32Array(inputs);
  for (let c = 0; c < inputs; c++) {
    m[c] = mean[c]! / n;
    s[c] = Math.sqrt(Math.max(sq[c]! / n - m[c]! ** 2, 0)) + 1e-3;
  }
  return { mean: m, scale: s };
}

/** Rare classes weigh more: (n / count)^power, normalised to mean 1 over the rows. */
function classWeights(labels: readonly number[], power: number): Float32Array {
  const counts = EXPRESSIONS.map((_, k) => labels.filter((l) => l === k).length);
  const raw = counts.map((c) => (labels.length / Math.max(c, 1)) ** power);
  const mean = labels.reduce((acc, l) => acc + raw[l]!, 0) / labels.length;
  return new Float32Array(raw.map((w) => w / mean));
}

interface TrainOptions {
  inputs: number;
  hidden: number;
  epochs: number;
  learningRate: number;
  l2: number;
  dropout: number;
  classWeightPower: number;
  seed: number;
  batch: number;
  /** Learn a correction added to the shipped dense layer's logits (starts exactly at the shipped model). */
  residual: boolean;
  /** Weight of the positive/neutral/negative log-likelihood (grouped probabilities) added to the loss. */
  valenceWeight: number;
  labelSmoothing: number;
}

/** [7, 3]: 1 where the class belongs to the valence group (VALENCE_GROUPS order). */
export const VALENCE_MEMBERSHIP = EXPRESSIONS.flatMap((e) =>
  VALENCE_GROUPS.map((g) => (VALENCE_OF[e] === g ? 1 : 0)),
);

/**
 * Per image, −log of the summed probability of its true valence group (what the satisfaction mapping
 * needs right). `y` one-hot [n, 7], `membership` VALENCE_MEMBERSHIP as a [7, 3] tensor.
 */
export function valenceNll(rt: LoadedRuntime, y: Tensor, logits: Tensor, membership: Tensor): Tensor {
  const { tf } = rt;
  const grouped = tf.matMul(tf.softmax(logits) as Tensor2D, membership as Tensor2D);
  const truth = tf.matMul(y as Tensor2D, membership as Tensor2D);
  return tf.neg(tf.log(tf.add(tf.sum(tf.mul(grouped, truth), 1), 1e-7)));
}

function initLayers(rt: LoadedRuntime, o: TrainOptions): { w: Variable; b: Variable }[] {
  const random = seededRandom(o.seed);
  const widths = o.hidden > 0 ? [o.inputs, o.hidden, EXPRESSIONS.length] : [o.inputs, EXPRESSIONS.length];
  return widths.slice(1).map((outputs, i) => {
    const inputs = widths[i]!;
    const last = i === widths.length - 2;
    // Glorot uniform; a residual head's last layer starts at 0, i.e. at the shipped model.
    const limit = o.residual && last ? 0 : Math.sqrt(6 / (inputs + outputs));
    const values = Float32Array.from({ length: inputs * outputs }, () => (random() * 2 - 1) * limit);
    return {
      w: rt.tf.variable(rt.tf.tensor2d(values, [inputs, outputs])),
      b: rt.tf.variable(rt.tf.zeros([outputs])),
    };
  });
}

function forward(
  rt: LoadedRuntime,
  layers: { w: Tensor; b: Tensor }[],
  x: Tensor2D,
  dropout: number,
  seed?: number,
) {
  let h = x;
  layers.forEach(({ w, b }, i) => {
    h = rt.tf.add(rt.tf.matMul(h, w as Tensor2D), b) as Tensor2D;
    if (i < layers.length - 1) {
      h = rt.tf.relu(h);
      if (dropout > 0 && seed !== undefined) h = rt.tf.dropout(h, dropout, undefined, seed) as Tensor2D;
    }
  });
  return h;
}

async function train(rt: LoadedRuntime, data: Split, o: TrainOptions) {
  const { tf } = rt;
  const views = [...Array(data.views).keys()];
  const base = o.residual ? baseLogits(rt, rowsOf(data, FEATURE_SIZE, views)) : null;
  const rows = rowsOf(data, o.inputs, views);
  const labels = data.labels.flatMap((l) => views.map(() => l));
  const { mean, scale } = standardisation(rows, o.inputs);
  for (let r = 0; r < labels.length; r++)
    for (let c = 0; c < o.inputs; c++)
      rows[r * o.inputs + c] = (rows[r * o.inputs + c]! - mean[c]!) / scale[c]!;
  const weights = classWeights(data.labels, o.classWeightPower);
  const layers = initLayers(rt, o);
  const optimizer = tf.train.adam(o.learningRate);
  const random = seededRandom(o.seed + 1);
  const order = labels.map((_, i) => i);
  const batchX = new Float32Array(o.batch * o.inputs);
  const batchBase = new Float32Array(o.batch * EXPRESSIONS.length);
  let step = 0;
  const membership = tf.tensor2d(VALENCE_MEMBERSHIP, [EXPRESSIONS.length, VALENCE_GROUPS.length]);
  const valenceLoss = (y: Tensor, logits: Tensor) =>
    tf.mul(o.valenceWeight, valenceNll(rt, y, logits, membership));
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    // Cosine decay of the learning rate to 0 over the run.
    (optimizer as unknown as { learningRate: number }).learningRate =
      (o.learningRate * (1 + Math.cos((Math.PI * epoch) / o.epochs))) / 2;
    let lossSum = 0;
    for (let start = 0; start + o.batch <= order.length; start += o.batch) {
      const idx = order.slice(start, start + o.batch);
      for (const [k, r] of idx.entries())
        batchX.set(rows.subarray(r * o.inputs, (r + 1) * o.inputs), k * o.inputs);
      const c = EXPRESSIONS.length;
      if (base) for (const [k, r] of idx.entries()) batchBase.set(base.subarray(r * c, (r + 1) * c), k * c);
      const loss = tf.tidy((): Tensor => {
        const x = tf.tensor2d(batchX, [o.batch, o.inputs]);
        const y = tf.oneHot(
          tf.tensor1d(
            idx.map((r) => labels[r]!),
            'int32',
          ),
          EXPRESSIONS.length,
        );
        const w = tf.tensor1d(idx.map((r) => weights[labels[r]!]!));
        return optimizer.minimize(() => {
          const own = forward(rt, layers, x, o.dropout, o.seed * 100_003 + step);
          const logits = base ? tf.add(own, tf.tensor2d(batchBase, [o.batch, EXPRESSIONS.length])) : own;
          const perImage = tf.losses.softmaxCrossEntropy(
            y,
            logits,
            undefined,
            o.labelSmoothing,
            tf.Reduction.NONE,
          );
          const ce = tf.mean(
            tf.mul(o.valenceWeight > 0 ? tf.add(perImage, valenceLoss(y, logits)) : perImage, w),
          );
          const penalty = layers.reduce(
            (acc, l) => tf.add(acc, tf.mul(o.l2, tf.sum(tf.square(l.w)))),
            tf.scalar(0),
          );
          return tf.add(ce, penalty) as never;
        }, true)!;
      });
      lossSum += (await loss.data())[0]!;
      loss.dispose();
      step++;
    }
    console.error(
      `epoch ${epoch + 1}/${o.epochs} loss ${(lossSum / Math.floor(order.length / o.batch)).toFixed(4)}`,
    );
  }
  const head: HeadWeights = {
    inputs: o.inputs,
    mean,
    scale,
    temperature: 1,
    mirror: false,
    addShipped: o.residual,
    info: {},
    layers: await Promise.all(
      layers.map(
        async ({ w, b }, i): Promise<HeadLayer> => ({
          inputs: w.shape[0]!,
          outputs: w.shape[1]!,
          activation: i < layers.length - 1 ? 'relu' : 'linear',
          weights: (await w.data()) as Float32Array,
          bias: (await b.data()) as Float32Array,
        }),
      ),
    ),
  };
  tf.dispose([...layers.flatMap((l) => [l.w, l.b]), membership]);
  optimizer.dispose();
  return head;
}

/** The shipped dense layer's logits of every row, [rows × 7], computed in slices. */
function baseLogits(rt: LoadedRuntime, rows: Float32Array): Float32Array {
  const n = rows.length / FEATURE_SIZE;
  const out = new Float32Array(n * EXPRESSIONS.length);
  for (let start = 0; start < n; start += 4096) {
    const count = Math.min(4096, n - start);
    const slice = rows.subarray(start * FEATURE_SIZE, (start + count) * FEATURE_SIZE);
    const logits = rt.tf.tidy(() => netLogits(rt, rt.tf.tensor2d(slice, [count, FEATURE_SIZE])).dataSync());
    out.set(logits as Float32Array, start * EXPRESSIONS.length);
  }
  return out;
}

/** Per image, the mean logits over its views, computed by the same code as on the device. */
export function headLogitsOf(rt: LoadedRuntime, head: HeadWeights, data: Split, views: readonly number[]) {
  const { tf } = rt;
  const rows = rowsOf(data, FEATURE_SIZE, views);
  const loaded = prepareHead(rt, head);
  return tf.tidy(() => {
    const logits = loaded.logits(tf.tensor2d(rows, [rows.length / FEATURE_SIZE, FEATURE_SIZE]));
    return tf
      .mean(tf.reshape(logits, [data.labels.length, views.length, EXPRESSIONS.length]), 1)
      .arraySync() as number[][];
  });
}

/** The weights (manifest + float32) and the report beside them. */
export async function writeHeadFiles(out: string, head: HeadWeights, report: object): Promise<void> {
  const { manifest, data } = serializeHead(head);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, `${HEAD_NAME}.json`), manifest);
  await writeFile(join(out, `${HEAD_NAME}.bin`), data);
  await writeFile(join(out, `${HEAD_NAME}.report.json`), `${JSON.stringify(report, null, 1)}\n`);
}

/** Raw logits (temperature 1) of the head and of the shipped layer, for fit-adjustment.ts. */
async function writeHeldOut(
  rt: LoadedRuntime,
  head: HeadWeights,
  heldOut: Split,
  validation: Split,
  out: string,
) {
  const views = (split: Split) => (head.mirror && split.views >= 2 ? [0, 1] : [0]);
  const logitsOf = (split: Split) => ({
    labels: split.labels,
    head: headLogitsOf(rt, { ...head, temperature: 1 }, split, views(split)),
    shipped: shippedProbabilities(rt, split).logits,
  });
  const record = { heldOutTrain: logitsOf(heldOut), validation: logitsOf(validation) };
  await writeFile(join(out, `${HEAD_NAME}.logits.json`), JSON.stringify(record));
}

const OPTIONS = {
  hidden: { type: 'string', default: '256' },
  inputs: { type: 'string', default: String(FEATURE_SIZE) },
  epochs: { type: 'string', default: '30' },
  lr: { type: 'string', default: '0.001' },
  l2: { type: 'string', default: '0.0001' },
  dropout: { type: 'string', default: '0.5' },
  'class-weight': { type: 'string', default: '0.5' },
  'valence-weight': { type: 'string', default: '0' },
  'label-smoothing': { type: 'string', default: '0' },
  seed: { type: 'string', default: '19' },
  'no-residual': { type: 'boolean' },
  'no-mirror': { type: 'boolean' },
  /** Fraction of the training split kept out of training (its last images: the extraction order is shuffled). */
  holdout: { type: 'string', default: '0' },
  /** Extra training views, read from train-<name>.f32 in the features dir (e.g. mirror,jitter). */
  'extra-views': { type: 'string', default: '' },
  out: { type: 'string' },
} as const;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: OPTIONS, allowPositionals: true });
  const dir = positionals[0];
  if (!dir) throw new Error('Cách dùng / Usage: train-head.ts <features dir> [options]');
  const o: TrainOptions = {
    inputs: Number(values.inputs),
    hidden: Number(values.hidden),
    epochs: Number(values.epochs),
    learningRate: Number(values.lr),
    l2: Number(values.l2),
    dropout: Number(values.dropout),
    classWeightPower: Number(values['class-weight']),
    seed: Number(values.seed),
    batch: 256,
    residual: !values['no-residual'],
    valenceWeight: Number(values['valence-weight']),
    labelSmoothing: Number(values['label-smoothing']),
  };
  if (![FEATURE_LAYOUT.global, FEATURE_LAYOUT.global + FEATURE_LAYOUT.grid, FEATURE_SIZE].includes(o.inputs))
    throw new Error(
      `--inputs must be one of ${FEATURE_LAYOUT.global}, ${FEATURE_LAYOUT.global + FEATURE_LAYOUT.grid}, ${FEATURE_SIZE}`,
    );
  const rt = await loadRuntime('wasm');
  await rt.faceapi.nets.faceExpressionNet.loadFromDisk(rt.modelDir);
  const extraNames = values['extra-views'].split(',').filter(Boolean);
  const [ownTrain, validation] = await Promise.all([readSplit(dir, 'train'), readSplit(dir, 'validation')]);
  // Held-out images are scored on views 0 and 1 as on the device: view 1 must be the mirrored face.
  if (ownTrain.views === 1 && extraNames.length && extraNames[0] !== 'mirror')
    throw new Error('--extra-views: list mirror first');
  const extras = await Promise.all(extraNames.map((n) => readSplit(dir, `train-${n}`)));
  const allTrain = extras.length ? withExtraViews(ownTrain, extras) : ownTrain;
  const kept = Math.round(allTrain.labels.length * (1 - Number(values.holdout)));
  const trainSplit = sliceSplit(allTrain, 0, kept);
  const heldOutTrain = sliceSplit(allTrain, kept, allTrain.labels.length);
  const started = Date.now();
  const head = await train(rt, trainSplit, o);
  const views: (0 | 1)[] = values['no-mirror'] ? [0] : [0, 1];
  head.mirror = !values['no-mirror'];
  const logits = headLogitsOf(rt, head, validation, views);
  // Temperature on the even-indexed validation images, calibration error reported on the odd ones.
  const fitPart = logits.filter((_, i) => i % 2 === 0);
  const fitLabels = validation.labels.filter((_, i) => i % 2 === 0);
  head.temperature = fitTemperature(fitPart, fitLabels);
  const shipped = shippedProbabilities(rt, validation);
  const scores: ClassScores = {
    head: scoreReport(logits, validation.labels, head.temperature),
    shipped: scoreReport(shipped.logits, validation.labels, 1),
  };
  const heldOut = (rowsLogits: number[][], t: number) =>
    reliability(
      rowsLogits.filter((_, i) => i % 2 === 1),
      validation.labels.filter((_, i) => i % 2 === 1),
      t,
    );
  const report = {
    options: { ...o, mirrorAtTest: head.mirror, extraViews: extraNames },
    trainSeconds: Math.round((Date.now() - started) / 1000),
    trainImages: trainSplit.labels.length,
    validationImages: validation.labels.length,
    temperature: head.temperature,
    ...scores,
    calibrationHeldOut: {
      headUncalibrated: heldOut(logits, 1),
      head: heldOut(logits, head.temperature),
      shipped: heldOut(shipped.logits, 1),
    },
  };
  console.log(JSON.stringify(report, null, 1));
  if (values.out) {
    head.info = {
      trainedOn: `FER2013 Training (${trainSplit.labels.length} faces × ${trainSplit.views} views${extraNames.length ? `: original, ${extraNames.join(', ')}` : ''}); tuned and reported on PublicTest (${validation.labels.length})`,
      script: 'models/train/train-head.ts',
      options: report.options,
      temperature: head.temperature,
      validation: { accuracy7: scores.head.accuracy7, accuracy3: scores.head.accuracy3 },
    };
    await writeHeadFiles(values.out, head, report);
    if (heldOutTrain.labels.length > 0) await writeHeldOut(rt, head, heldOutTrain, validation, values.out);
  }
}

// Run as a script, not when fit-adjustment.ts imports its helpers.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
