/**
 * The trained expression head against the shipped weights, with the real network on real FER2013 faces:
 * a fixed 300-image subset of the validation split committed in fixtures/ (CI has no dataset).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor4D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createFaceAnalyzer, type FaceAnalyzer } from '../src/analyzer.ts';
import { loadRuntime } from '../src/backend.ts';
import { type EvalReport, evaluateFolder } from '../src/evaluate.ts';
import { expressionFeatures, FEATURE_SIZE, netLogits, toFaceBatch } from '../src/expression-features.ts';
import { HEAD_DIRECTORY, HEAD_NAME, loadHead, parseHead, readHead } from '../src/expression-head.ts';
import { EXPRESSIONS } from '../src/expressions.ts';
import { decodeImage } from '../src/image.ts';
import { softmax } from '../src/temperature.ts';

vi.setConfig({ testTimeout: 120_000 });

const FIXTURE = join(import.meta.dirname, 'fixtures', 'fer2013-validation-300');
let trained: EvalReport;
let shipped: EvalReport;

beforeAll(async () => {
  const analyzers: Record<'trained' | 'shipped', FaceAnalyzer> = {
    trained: await createFaceAnalyzer({ backend: 'wasm', expressionModel: 'trained' }),
    shipped: await createFaceAnalyzer({ backend: 'wasm', expressionModel: 'shipped' }),
  };
  trained = await evaluateFolder(FIXTURE, analyzers.trained, 'trained', { cropped: true });
  shipped = await evaluateFolder(FIXTURE, analyzers.shipped, 'shipped', { cropped: true });
}, 240_000);

describe('trained expression head (FER2013 validation subset, 300 faces)', () => {
  it('reads all 300 fixture faces in every class', () => {
    expect(trained.analysed).toBe(300);
    expect(trained.classesPresent).toEqual([...EXPRESSIONS]);
  });

  it('beats the shipped weights on 7-class and positive/neutral/negative accuracy', () => {
    console.log(
      `fixture: trained ${trained.accuracy7} / ${trained.accuracy3}, shipped ${shipped.accuracy7} / ${shipped.accuracy3}`,
    );
    expect(trained.accuracy7!).toBeGreaterThan(shipped.accuracy7!);
    expect(trained.accuracy3!).toBeGreaterThan(shipped.accuracy3!);
  });

  it('scores happy faces far above neutral ones, and neutral above the negative classes', () => {
    const s = trained.meanSatisfactionByClass;
    expect(s.happy! - s.neutral!).toBeGreaterThan(0.2);
    for (const negative of ['angry', 'sad', 'fearful'] as const)
      expect(s.neutral!).toBeGreaterThan(s[negative]!);
  });
});

describe('expression features', () => {
  it('are the shipped network exactly: its dense layer on them gives face-api’s own probabilities', async () => {
    const rt = await loadRuntime('wasm');
    const happy = join(FIXTURE, 'happy');
    const image = decodeImage(readFileSync(join(happy, readdirSync(happy).sort()[0]!)));
    const face = rt.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    const reference = (await rt.faceapi.nets.faceExpressionNet.predictExpressions(
      face as never,
    )) as unknown as Record<string, number>;
    const batch = await toFaceBatch(rt, [face as never]);
    const logits = netLogits(rt, expressionFeatures(rt, batch));
    const ours = softmax([...(await logits.data())]);
    for (const [i, e] of EXPRESSIONS.entries()) expect(ours[i]).toBeCloseTo(reference[e]!, 4);
    rt.tf.dispose([face, batch, logits]);
  });
});

describe('head file', () => {
  it('ships in the repository, small, calibrated and mirrored as validated', async () => {
    const head = await readHead();
    expect(head.temperature).toBeGreaterThan(0);
    expect(head.layers.at(-1)!.outputs).toBe(EXPRESSIONS.length);
    const bytes = readFileSync(join(HEAD_DIRECTORY, `${HEAD_NAME}.bin`)).byteLength;
    expect(bytes).toBeLessThan(4_000_000);
  });

  it('names the fine-tuned net beside it, which ships too and is not the shipped one', async () => {
    const head = await readHead();
    expect(head.net).toBe('expression-net');
    const netBytes = readFileSync(join(HEAD_DIRECTORY, `${head.net}.bin`)).byteLength;
    expect(netBytes).toBeLessThan(2_000_000);
    const rt = await loadRuntime('wasm');
    const loaded = await loadHead(rt, HEAD_DIRECTORY);
    const batch = rt.tf.randomUniform([2, 112, 112, 3], 0, 255, 'float32', 19) as Tensor4D;
    const [own, shipped] = [loaded.features(batch), expressionFeatures(rt, batch)];
    expect(own.shape).toEqual([2, FEATURE_SIZE]);
    expect(rt.tf.max(rt.tf.abs(rt.tf.sub(own, shipped))).dataSync()[0]).toBeGreaterThan(0.01);
    rt.tf.dispose([batch, own, shipped]);
  });

  it('refuses a truncated or foreign file with a clear error', () => {
    const manifest = readFileSync(join(HEAD_DIRECTORY, `${HEAD_NAME}.json`), 'utf8');
    const data = readFileSync(join(HEAD_DIRECTORY, `${HEAD_NAME}.bin`));
    expect(() => parseHead(manifest, data.subarray(0, data.byteLength - 4))).toThrow(/shape|short/);
    expect(() => parseHead(manifest.replace('"angry"', '"furious"'), data)).toThrow(/classes/);
    // The net is a file beside the head: a name that would leave the folder is refused.
    const away = manifest.replace('"net": "expression-net"', '"net": "../../elsewhere"');
    expect(away).not.toBe(manifest);
    expect(() => parseHead(away, data)).toThrow(/net name/);
  });
});
