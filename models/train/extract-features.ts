/**
 * Runs the shipped expression net over a FER2013 split once and caches its features (and those of the
 * mirrored face) in a file, so the head can be trained many times without the net.
 *   tsx models/train/extract-features.ts <split folder> <out prefix> [views: 2 | 1 | mirror | jitter]
 * writes <out prefix>.json (files and labels, in a seeded random order, so that a run stopped half-way
 * leaves a random subset) and <out prefix>.f32 ([images, views (original, mirrored), FEATURE_SIZE]
 * float32). It resumes where a previous run stopped.
 * `mirror` and `jitter` write one extra training view per face, in the same order as `1`/`2`: the
 * mirrored face, or a seeded random crop (85–100 % of the side, shifted) mirrored half of the time
 * (`jitter2` … `jitter9`: other draws).
 */
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import type { Tensor3D, Tensor4D } from '@tensorflow/tfjs';
import { type LoadedRuntime, loadRuntime } from '../src/backend.ts';
import { expressionFeatures, FEATURE_SIZE, toFaceBatch } from '../src/expression-features.ts';
import { decodeImage } from '../src/image.ts';
import { listSplit, seededRandom, seededShuffle } from './fer2013.ts';

const BATCH = 32;
/** `jitter`, `jitter2`, …: independent random crops (seeded by the number). */
type Mode = '1' | '2' | 'mirror' | `jitter${string}`;
const isMode = (m: string): m is Mode => ['1', '2', 'mirror'].includes(m) || /^jitter([2-9])?$/.test(m);
const jitterNumber = (mode: string) => Number(mode.slice('jitter'.length) || 1);

/** Per image (by its index in the split, so a resumed run draws the same): crop box and mirror flag. */
function jitterOf(index: number, k: number): { box: [number, number, number, number]; flip: boolean } {
  const random = seededRandom(1_000_003 * (18 + k) + index);
  const side = 0.85 + 0.15 * random();
  const top = random() * (1 - side);
  const left = random() * (1 - side);
  return { box: [top, left, top + side, left + side], flip: random() < 0.5 };
}

/** The views of a batch [n, 112, 112, 3] that `mode` asks for, stacked view after view. */
function viewsOf(rt: LoadedRuntime, batch: Tensor4D, mode: Mode, start: number): Tensor4D {
  const { tf } = rt;
  return tf.tidy(() => {
    if (mode === '1') return batch;
    const mirrored = tf.reverse(batch, 2) as Tensor4D;
    if (mode === '2') return tf.concat([batch, mirrored], 0);
    if (mode === 'mirror') return mirrored;
    const n = batch.shape[0];
    const draws = Array.from({ length: n }, (_, i) => jitterOf(start + i, jitterNumber(mode)));
    const source = tf.gather(
      tf.concat([batch, mirrored], 0),
      draws.map((d, i) => (d.flip ? n + i : i)),
    ) as Tensor4D;
    const boxes = tf.tensor2d(
      draws.flatMap((d) => d.box),
      [n, 4],
    );
    return tf.image.cropAndResize(source, boxes, [...Array(n).keys()], [112, 112]);
  });
}

async function main(folder: string, prefix: string, mode: Mode): Promise<void> {
  const views = mode === '2' ? 2 : 1;
  const images = seededShuffle(await listSplit(folder), 2013);
  await writeFile(
    `${prefix}.json`,
    JSON.stringify({
      featureSize: FEATURE_SIZE,
      views,
      labels: images.map((i) => i.label),
      files: images.map((i) => i.file),
    }),
  );
  const rt = await loadRuntime('wasm');
  await rt.faceapi.nets.faceExpressionNet.loadFromDisk(rt.modelDir);
  const rowBytes = views * FEATURE_SIZE * 4;
  const done = Math.floor(((await stat(`${prefix}.f32`).catch(() => null))?.size ?? 0) / rowBytes);
  const out = await open(`${prefix}.f32`, 'a');
  const started = Date.now();
  for (let start = done - (done % BATCH); start < images.length; start += BATCH) {
    const chunk = images.slice(start, start + BATCH);
    const faces = await Promise.all(chunk.map(async (img) => decodeImage(await readFile(img.file))));
    const tensors = faces.map((f) => rt.tf.tensor3d(f.data, [f.height, f.width, 3], 'int32') as Tensor3D);
    const batch = await toFaceBatch(rt, tensors);
    const both = viewsOf(rt, batch, mode, start);
    const features = expressionFeatures(rt, both as never);
    const values = (await features.data()) as Float32Array;
    const rows = new Float32Array(chunk.length * views * FEATURE_SIZE);
    for (let i = 0; i < chunk.length; i++)
      for (let v = 0; v < views; v++) {
        const from = (v * chunk.length + i) * FEATURE_SIZE;
        rows.set(values.subarray(from, from + FEATURE_SIZE), (i * views + v) * FEATURE_SIZE);
      }
    const skip = Math.max(0, done - start);
    await out.write(Buffer.from(rows.buffer, skip * rowBytes));
    rt.tf.dispose([...tensors, batch, both, features]);
    if ((start / BATCH) % 20 === 0) {
      const rate = (start + chunk.length - done) / ((Date.now() - started) / 1000);
      console.error(`${start + chunk.length}/${images.length} (${rate.toFixed(1)} images/s)`);
    }
  }
  await out.close();
}

const [folder, prefix, mode = '2'] = process.argv.slice(2);
if (!folder || !prefix || !isMode(mode)) {
  console.error(
    'Cách dùng / Usage: tsx models/train/extract-features.ts <split folder> <out prefix> [2|1|mirror|jitter]',
  );
  process.exitCode = 2;
} else {
  await main(folder, prefix, mode);
}
