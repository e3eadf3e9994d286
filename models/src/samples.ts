/**
 * Sample inputs made in memory from the photos that ship inside @vladmandic/face-api (demo/sample*.jpg).
 * Used by the benchmark, the simulator and tests; no dataset is downloaded and nothing is written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FaceAnalyzer, FaceBox } from './analyzer.ts';
import { cropAndResize, decodeImage, encodeJpeg, type RgbImage } from './image.ts';

const require = createRequire(import.meta.url);

export function samplePhotoPaths(): string[] {
  const demo = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
  return readdirSync(demo)
    .filter((name) => /^sample\d+\.jpg$/.test(name))
    .sort()
    .map((name) => join(demo, name));
}

const decodedPhotos = new Map<string, RgbImage>();

/** Decoded once per process: the photos are large (≈2.5 MP) and JPEG decoding in JS is slow. */
export function samplePhoto(path: string): RgbImage {
  let photo = decodedPhotos.get(path);
  if (!photo) {
    photo = decodeImage(readFileSync(path));
    decodedPhotos.set(path, photo);
  }
  return photo;
}

/** A 4:3 window around a face, sized so the face fills `faceShare` of the frame height (a counter camera view). */
export function counterViewAround(image: RgbImage, face: FaceBox, faceShare = 0.35): FaceBox {
  const height = Math.min(image.height, face.height / faceShare);
  const width = Math.min(image.width, (height * 4) / 3);
  const x = clamp(face.x + face.width / 2 - width / 2, 0, image.width - width);
  const y = clamp(face.y + face.height / 2 - height / 2, 0, image.height - height);
  return { x, y, width, height };
}

/** 640×480 JPEG frames, one per sample photo, each framed on the photo's largest face. */
export async function makeCounterFrames(
  analyzer: FaceAnalyzer,
  width = 640,
  height = 480,
): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  for (const path of samplePhotoPaths()) {
    const photo = samplePhoto(path);
    const analysis = await analyzer.analyzeImage(photo);
    if (analysis.kind === 'no_face') continue;
    const view = counterViewAround(photo, analysis.face.box);
    frames.push(encodeJpeg(cropAndResize(photo, view, width, height)));
  }
  return frames;
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}
