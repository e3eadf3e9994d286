/**
 * Runs the shipped expression net over a FER2013 split once and caches its features (and those of the
 * mirrored face) in a file, so the head can be trained many times without the net.
 *   tsx models/train/extract-features.ts <split folder> <out prefix> [views: 2 | 1]
 * writes <out prefix>.json (files and labels, in a seeded random order, so that a run stopped half-way
 * leaves a random subset) and <out prefix>.f32 ([images, views (original, mirrored), FEATURE_SIZE]
 * float32). It resumes where a previous run stopped.
 */
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import type { Tensor3D } from '@tensorflow/tfjs';
import { loadRuntime } from '../src/backend.ts';
import { expressionFeatures, FEATURE_SIZE, toFaceBatch } from '../src/expression-features.ts';
import { decodeImage } from '../src/image.ts';
import { listSplit, seededShuffle } from './fer2013.ts';

const BATCH = 32;

async function main(folder: string, prefix: string, views: number): Promise<void> {
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
    const both = views === 2 ? rt.tf.concat([batch, rt.tf.reverse(batch, 2)], 0) : batch;
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

const [folder, prefix, views = '2'] = process.argv.slice(2);
if (!folder || !prefix || !['1', '2'].includes(views)) {
  console.error('Cách dùng / Usage: tsx models/train/extract-features.ts <split folder> <out prefix> [2|1]');
  process.exitCode = 2;
} else {
  await main(folder, prefix, Number(views));
}
