/** Tests with the real weights (loaded once for the file): analyzer, estimator, eval, privacy. */

import { execFile } from 'node:child_process';
import fs, { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnFrameSource } from '@oss/hardware';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFaceAnalyzer, type FaceAnalyzer } from '../src/analyzer.ts';
import { EmotionError } from '../src/errors.ts';
import { createEmotionEstimator, modelName } from '../src/estimator.ts';
import { evaluateFolder } from '../src/evaluate.ts';
import { encodePng } from '../src/image.ts';
import { writeSampleSet } from '../src/sample-set.ts';
import { makeCounterFrames } from '../src/samples.ts';

// Inference on a loaded 2-core machine (the whole project's tests run in parallel) can be several
// times slower than alone; these generous limits only stop a hang.
vi.setConfig({ testTimeout: 60_000 });

let analyzer: FaceAnalyzer;
let frames: Uint8Array[];
let work: string;
const blank = encodePng({ width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(128) });

beforeAll(async () => {
  analyzer = await createFaceAnalyzer();
  frames = await makeCounterFrames(analyzer);
  work = mkdtempSync(join(tmpdir(), 'emotion-test-'));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('face analyzer', () => {
  it('finds the face in counter-view frames and gives seven probabilities summing to 1', async () => {
    expect(frames.length).toBeGreaterThanOrEqual(5);
    const result = await analyzer.analyze(frames[0]!);
    expect(result.kind).toBe('face');
    if (result.kind !== 'face') return;
    const total = Object.values(result.face.expressions).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 3);
    expect(result.face.quality).toBeGreaterThan(0.3);
    expect(result.face.box.width).toBeGreaterThan(60);
  });

  it('finds no face in a blank frame', async () => {
    expect((await analyzer.analyze(blank)).kind).toBe('no_face');
  });

  it('rejects a face smaller than the minimum size', async () => {
    const strict = await createFaceAnalyzer({ minFaceSize: 400 });
    const result = await strict.analyze(frames[0]!);
    expect(result).toMatchObject({ kind: 'face_rejected', reason: 'too_small' });
  });
});

describe('emotion estimator', () => {
  it('turns frames around the end of service into an estimate with a confidence', async () => {
    const estimator = await createEmotionEstimator({ analyzer });
    for (const [i, frame] of frames.entries())
      expect((await estimator.addFrame(frame, 1000 * i)).status).toBe('face');
    await estimator.addFrame(blank, 1000 * frames.length);
    const estimate = estimator.estimateForService(0, 1000 * frames.length)!;
    expect(estimate.frames).toBe(frames.length + 1);
    expect(estimate.facesFound).toBe(frames.length);
    expect(estimate.satisfaction).toBeGreaterThanOrEqual(0);
    expect(estimate.satisfaction).toBeLessThanOrEqual(1);
    expect(estimate.confidence).toBeGreaterThan(0);
    expect(estimate.confidence).toBeLessThan(1);
    expect(estimate.model).toBe(modelName(analyzer));
    // A window holding only the blank frame has no face: no estimate rather than a made-up one.
    expect(estimator.estimateForService(1000 * frames.length, 1000 * frames.length)).toBeNull();
    expect(estimator.estimateForService(500_000, 600_000)).toBeNull();
  });

  it('is less confident with one frame than with several agreeing ones, and with disagreeing ones', async () => {
    const estimator = await createEmotionEstimator({ analyzer });
    // The same citizen's face for 5 s, then 6 different people (different expressions).
    for (let i = 0; i < 5; i++) await estimator.addFrame(frames[0]!, 1000 * i);
    for (const [i, frame] of frames.entries()) await estimator.addFrame(frame, 100_000 + 1000 * i);
    const one = estimator.estimateForService(4000, 4000)!;
    const agreeing = estimator.estimateForService(0, 4000)!;
    const mixed = estimator.estimateForService(100_000, 100_000 + 1000 * (frames.length - 1))!;
    expect(one.facesFound).toBe(1);
    expect(agreeing.facesFound).toBe(5);
    expect(one.confidence).toBeLessThan(agreeing.confidence);
    expect(mixed.factors.agreement).toBeLessThan(agreeing.factors.agreement);
  });

  it('runs the counter pipeline: MJPEG from a camera process into the estimator', async () => {
    // `cat` of JPEG files stands in for rpicam-vid: the same concatenated JPEGs on stdout.
    const dir = mkdtempSync(join(work, 'camera-'));
    const files = frames.map((frame, i) => {
      const file = join(dir, `${i}.jpg`);
      writeFileSync(file, frame);
      return file;
    });
    const estimator = await createEmotionEstimator({ analyzer });
    let at = 0;
    const statuses: string[] = [];
    for await (const jpeg of spawnFrameSource({ command: 'cat', args: files })) {
      at += 500;
      statuses.push((await estimator.addFrame(jpeg, at)).status);
    }
    expect(statuses).toEqual(frames.map(() => 'face'));
    expect(estimator.estimateForService(0, at)).toMatchObject({
      frames: frames.length,
      facesFound: frames.length,
    });
  });

  it('refuses bad bytes with a typed error and keeps working', async () => {
    const estimator = await createEmotionEstimator({ analyzer });
    const garbage = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]);
    await expect(estimator.addFrame(garbage, 0)).rejects.toMatchObject({ code: 'bad_image' });
    await expect(estimator.addFrame(new TextEncoder().encode('GIF89a'), 1000)).rejects.toBeInstanceOf(
      EmotionError,
    );
    const sized = (width: number, height: number) =>
      encodePng({ width, height, data: new Uint8Array(width * height * 3) });
    for (const [width, height] of [
      [4, 4],
      [1000, 20],
      [20, 1000],
    ] as const) {
      await expect(estimator.addFrame(sized(width, height), 1500)).rejects.toMatchObject({
        code: 'bad_image',
      });
    }
    await expect(analyzer.analyzeCropped(sized(8, 8))).rejects.toMatchObject({ code: 'bad_image' });
    expect(Object.keys(await analyzer.analyzeCropped(sized(48, 48)))).toHaveLength(7);
    expect((await estimator.addFrame(frames[1]!, 2000)).status).toBe('face');
    expect((await estimator.addFrame(frames[1]!, 2100)).status).toBe('skipped');
    estimator.close();
    await expect(estimator.addFrame(frames[1]!, 9000)).rejects.toMatchObject({ code: 'closed' });
  });

  it('writes no file while processing frames', async () => {
    // A private TMPDIR (other test files share the real one) and spies on every fs write path.
    const privateTmp = mkdtempSync(join(work, 'tmp-'));
    const previousTmp = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    const writers = [
      'writeFile',
      'writeFileSync',
      'appendFile',
      'appendFileSync',
      'createWriteStream',
    ] as const;
    const spies = [
      ...writers.map((name) => vi.spyOn(fs, name)),
      vi.spyOn(fs, 'openSync'),
      vi.spyOn(fs, 'open'),
      vi.spyOn(fs.promises, 'writeFile'),
      vi.spyOn(fs.promises, 'open'),
      vi.spyOn(fs.promises, 'appendFile'),
    ];
    syncBuiltinESMExports(); // so that `import { writeFile } from 'node:fs'` in ESM code hits the spies too
    try {
      expect(tmpdir()).toBe(privateTmp);
      const estimator = await createEmotionEstimator({ analyzer });
      for (const [i, frame] of frames.slice(0, 3).entries()) await estimator.addFrame(frame, 1000 * i);
      await estimator.addFrame(blank, 3000);
      expect(estimator.estimateForService(0, 3000)).not.toBeNull();
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
      expect(readdirSync(privateTmp)).toEqual([]);
    } finally {
      for (const spy of spies) spy.mockRestore();
      syncBuiltinESMExports();
      if (previousTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previousTmp;
    }
  });
});

function runCli(args: string[]) {
  const cli = join(process.cwd(), 'models', 'src', 'cli.ts');
  const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
  return promisify(execFile)(tsx, [cli, ...args], { timeout: 60_000 });
}

describe('eval', () => {
  function makeFolder(name: string, content: Record<string, Uint8Array[]>): string {
    const root = join(work, name);
    for (const [label, images] of Object.entries(content)) {
      mkdirSync(join(root, label), { recursive: true });
      for (const [i, bytes] of images.entries()) {
        writeFileSync(join(root, label, `${i}.${bytes[0] === 0xff ? 'jpg' : 'png'}`), bytes);
      }
    }
    return root;
  }

  it('counts every image: analysed, no face, unreadable; fills the confusion matrix', async () => {
    const folder = makeFolder('mixed', {
      happy: [frames[0]!, frames[1]!],
      neutral: [frames[2]!, blank, Uint8Array.from([0xff, 0xd8, 0xff, 0, 0])],
      notes: [blank],
    });
    const report = await evaluateFolder(folder, analyzer, 'test');
    expect(report).toMatchObject({
      images: 5,
      analysed: 3,
      noFace: 1,
      unreadable: 1,
      ignoredFolders: ['notes'],
    });
    expect(report.classesPresent).toEqual(['happy', 'neutral']);
    const confusionTotal = Object.values(report.confusion)
      .flatMap((row) => Object.values(row))
      .reduce((a, b) => a + b);
    expect(confusionTotal).toBe(3);
    for (const metric of [report.accuracy7, report.accuracy3, report.balancedAccuracyHappyNeutral]) {
      expect(metric).toBeGreaterThanOrEqual(0);
      expect(metric).toBeLessThanOrEqual(1);
    }
  });

  it('leaves metrics null when the classes do not allow them', async () => {
    const onlyHappy = await evaluateFolder(
      makeFolder('happy-only', { happy: [frames[0]!] }),
      analyzer,
      'test',
    );
    expect(onlyHappy.balancedAccuracyHappyNeutral).toBeNull();
    expect(onlyHappy.accuracy7).not.toBeNull();
    const noFaces = await evaluateFolder(makeFolder('no-faces', { sad: [blank] }), analyzer, 'test');
    expect(noFaces).toMatchObject({ images: 1, noFace: 1, accuracy7: null, accuracy3: null, coverage: 0 });
  });

  it('tells clearly happy faces from neutral ones in cropped mode (sample set labelled by eye)', async () => {
    const out = join(work, 'sample-set');
    const { written } = await writeSampleSet(out, true);
    expect(written).toBeGreaterThanOrEqual(10);
    const report = await evaluateFolder(join(out, 'tight'), analyzer, 'test', { cropped: true });
    expect(report.noFace).toBe(0);
    expect(report.meanSatisfactionByClass.happy! - report.meanSatisfactionByClass.neutral!).toBeGreaterThan(
      0.2,
    );
    expect(report.balancedAccuracyHappyNeutral!).toBeGreaterThan(0.6);
  });

  it('runs a simulated service from image files, reporting bad frames without stopping', async () => {
    const folder = makeFolder('simulate', {
      frames: [frames[0]!, Uint8Array.from([0xff, 0xd8, 0xff, 9]), frames[1]!, blank],
    });
    const { stdout } = await runCli(['run', '--simulate', join(folder, 'frames'), '--json']);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.slice(0, 4).map((l) => l.status)).toEqual(['face', 'error', 'face', 'no_face']);
    expect(lines[1]).toMatchObject({ code: 'bad_image' });
    expect(lines[4]).toMatchObject({ frames: 3, facesFound: 2 });
    expect(lines[4].satisfaction).toBeGreaterThanOrEqual(0);
  });

  it('prints the JSON report from the CLI', async () => {
    const folder = makeFolder('cli', { happy: [frames[3]!], neutral: [blank] });
    const { stdout } = await runCli(['eval', folder, '--json']);
    const report = JSON.parse(stdout);
    for (const key of [
      'images',
      'noFace',
      'accuracy7',
      'accuracy3',
      'balancedAccuracyHappyNeutral',
      'confusion',
    ]) {
      expect(report).toHaveProperty(key);
    }
    expect(report).toMatchObject({ images: 2, noFace: 1, analysed: 1 });
    expect(report.accuracy7 === null || (report.accuracy7 >= 0 && report.accuracy7 <= 1)).toBe(true);
  });

  it('refuses bad CLI options with exit code 2 and a bilingual message, before loading a model', async () => {
    for (const [args, text] of [
      [['bench', '--tiny-size', '300'], '--tiny-size phải là bội số của 32'],
      [['bench', '--detector', 'yolo'], '--detector must be ssd or tiny'],
      [['frobnicate'], 'unknown command: frobnicate'],
    ] as const) {
      const failure = await runCli([...args]).then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failure?.code).toBe(2);
      expect(failure?.stderr).toContain(text);
    }
  });
});
