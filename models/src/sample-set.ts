/**
 * A tiny labelled face set made from the photos inside @vladmandic/face-api (demo/sample1..6.jpg).
 * Labels were given by eye by the engineer who wrote this (not by the model); `clear: false` marks faces
 * where happy vs neutral is a judgement call. It is a sanity check, not a benchmark: see docs/model-card.md.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FaceBox } from './analyzer.ts';
import { loadRuntime } from './backend.ts';
import type { Expression } from './expressions.ts';
import { cropAndResize, encodePng, type RgbImage } from './image.ts';
import { samplePhoto, samplePhotoPaths } from './samples.ts';

type Label = { label: Expression; clear: boolean };
const h = (clear = true): Label => ({ label: 'happy', clear });
const n = (clear = true): Label => ({ label: 'neutral', clear });

/** Per photo, faces left to right as SSD MobileNet v1 (score ≥ 0.5) finds them. */
export const SAMPLE_LABELS: Record<string, Label[]> = {
  'sample1.jpg': [n(false), h(false), h()],
  'sample2.jpg': [n(false), n(false), n(false)],
  'sample3.jpg': [n(false), h(), h()],
  'sample4.jpg': [n(false), h(false), h(), h()],
  'sample5.jpg': [h(), h(), n(), h(), h(false)],
  'sample6.jpg': [h(false), h(), n(), h(false)],
};

export interface SampleSetSummary {
  written: number;
  skippedPhotos: string[];
}

/**
 * Writes <out>/tight/<label>/… (the face box, 112×112, for `eval --cropped`) and
 * <out>/context/<label>/… (the face with a wide margin, for `eval` with detection).
 * `clearOnly` leaves out the judgement calls.
 */
export async function writeSampleSet(out: string, clearOnly = false): Promise<SampleSetSummary> {
  const { faceapi, modelDir } = await loadRuntime();
  if (!faceapi.nets.ssdMobilenetv1.isLoaded) await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
  let written = 0;
  const skippedPhotos: string[] = [];
  for (const path of samplePhotoPaths()) {
    const labels = SAMPLE_LABELS[basename(path)];
    const photo = samplePhoto(path);
    const boxes = await detectFaces(photo);
    if (!labels || labels.length !== boxes.length) {
      skippedPhotos.push(basename(path));
      continue;
    }
    for (const [i, box] of boxes.entries()) {
      const { label, clear } = labels[i]!;
      if (clearOnly && !clear) continue;
      const name = `${basename(path, '.jpg')}-face${i}.png`;
      await writeCrop(join(out, 'tight', label), name, cropAndResize(photo, box, 112, 112));
      await writeCrop(join(out, 'context', label), name, cropAndResize(photo, grow(box, 0.6), 256, 256));
      written += 1;
    }
  }
  return { written, skippedPhotos };
}

/** All faces SSD finds (score ≥ 0.5), left to right, in photo pixels. */
async function detectFaces(photo: RgbImage): Promise<FaceBox[]> {
  const { tf, faceapi } = await loadRuntime();
  // SSD looks at 512×512 anyway: detecting on a 960-pixel copy is faster and finds the same faces.
  const scale = Math.min(1, 960 / Math.max(photo.width, photo.height));
  const input = tf.tidy(() =>
    tf.image.resizeBilinear(tf.tensor3d(photo.data, [photo.height, photo.width, 3], 'int32'), [
      Math.round(photo.height * scale),
      Math.round(photo.width * scale),
    ]),
  );
  try {
    const found = await faceapi.detectAllFaces(
      input as never,
      new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }),
    );
    return found
      .map(({ box }) => ({
        x: box.x / scale,
        y: box.y / scale,
        width: box.width / scale,
        height: box.height / scale,
      }))
      .sort((a, b) => a.x - b.x);
  } finally {
    input.dispose();
  }
}

async function writeCrop(dir: string, name: string, image: RgbImage): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), encodePng(image));
}

function grow(box: FaceBox, margin: number): FaceBox {
  const side = Math.max(box.width, box.height) * (1 + 2 * margin);
  return {
    x: box.x + box.width / 2 - side / 2,
    y: box.y + box.height / 2 - side / 2,
    width: side,
    height: side,
  };
}
