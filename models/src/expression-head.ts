/**
 * The expression head trained on FER2013 (models/train/train-head.ts, then fine-tuned with the net by
 * models/train/fine-tune-net.py) on the expression net's features (expression-features.ts). Weights
 * ship in models/weights/: the head (a JSON manifest and one float32 file) and, when the head names
 * one, the fine-tuned net (a tfjs weights manifest in face-api's names) — read from disk, nothing
 * downloaded.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import type { LoadedRuntime } from './backend.ts';
import { type ExpressionNet, expressionFeatures, FEATURE_SIZE, netLogits } from './expression-features.ts';
import { EXPRESSIONS } from './expressions.ts';

export const HEAD_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..', 'weights');
export const HEAD_NAME = 'expression-head';

export interface HeadLayer {
  inputs: number;
  outputs: number;
  activation: 'relu' | 'linear';
  /** inputs × outputs, row-major (input i, output o at i × outputs + o). */
  weights: Float32Array;
  bias: Float32Array;
}

export interface HeadWeights {
  /** Feature columns used: the first `inputs` of the extractor's FEATURE_SIZE (global mean first). */
  inputs: number;
  /** Standardisation learnt on the training split: (x − mean) / scale. */
  mean: Float32Array;
  scale: Float32Array;
  layers: HeadLayer[];
  /** Temperature fitted on half of the validation split (calibrated confidence); 1 = none. */
  temperature: number;
  /** Mean of the logits of the face and its mirror image (as validated). */
  mirror: boolean;
  /** The head learns a correction: its output is added to the expression net's own dense layer's logits. */
  addShipped: boolean;
  /**
   * The expression net under the head: the name of a tfjs weights manifest beside the head
   * (`<net>.json`, the net fine-tuned with it), or absent for face-api's shipped net.
   */
  net?: string;
  /** Training record (seed, data, validation results) kept beside the weights. */
  info: Record<string, unknown>;
}

interface Manifest {
  format: 'oss-expression-head/1';
  classes: string[];
  inputs: number;
  layers: { inputs: number; outputs: number; activation: 'relu' | 'linear' }[];
  temperature: number;
  mirror: boolean;
  addShipped: boolean;
  net?: string;
  info: Record<string, unknown>;
}

/** A net name is a file name beside the head, nothing that leaves the folder. */
const NET_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Manifest (JSON) and float32 data: mean, scale, then each layer's weights and bias. */
export function serializeHead(head: HeadWeights): { manifest: string; data: Uint8Array } {
  const manifest: Manifest = {
    format: 'oss-expression-head/1',
    classes: [...EXPRESSIONS],
    inputs: head.inputs,
    layers: head.layers.map(({ inputs, outputs, activation }) => ({ inputs, outputs, activation })),
    temperature: head.temperature,
    mirror: head.mirror,
    addShipped: head.addShipped,
    ...(head.net ? { net: head.net } : {}),
    info: head.info,
  };
  const parts = [head.mean, head.scale, ...head.layers.flatMap((l) => [l.weights, l.bias])];
  const data = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  return { manifest: `${JSON.stringify(manifest, null, 1)}\n`, data: new Uint8Array(data.buffer) };
}

export function parseHead(manifestText: string, bytes: Uint8Array): HeadWeights {
  const manifest = JSON.parse(manifestText) as Manifest;
  if (manifest.format !== 'oss-expression-head/1' || manifest.classes.join() !== EXPRESSIONS.join())
    throw new Error('not an expression head for these classes');
  if (!(manifest.inputs > 0 && manifest.inputs <= FEATURE_SIZE)) throw new Error('bad head input size');
  if (manifest.net !== undefined && !(typeof manifest.net === 'string' && NET_NAME.test(manifest.net)))
    throw new Error('bad expression net name');
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  const take = (n: number) => {
    if (offset + n > floats.length) throw new Error('head data too short');
    offset += n;
    return floats.subarray(offset - n, offset);
  };
  const mean = take(manifest.inputs);
  const scale = take(manifest.inputs);
  let width = manifest.inputs;
  const layers = manifest.layers.map((l) => {
    if (l.inputs !== width) throw new Error('head layers do not chain');
    width = l.outputs;
    return { ...l, weights: take(l.inputs * l.outputs), bias: take(l.outputs) };
  });
  if (width !== EXPRESSIONS.length || offset !== floats.length) throw new Error('head shape mismatch');
  return {
    inputs: manifest.inputs,
    mean,
    scale,
    layers,
    temperature: manifest.temperature,
    mirror: manifest.mirror === true,
    addShipped: manifest.addShipped === true,
    ...(manifest.net ? { net: manifest.net } : {}),
    info: manifest.info,
  };
}

export async function readHead(directory = HEAD_DIRECTORY, name = HEAD_NAME): Promise<HeadWeights> {
  const [manifest, data] = await Promise.all([
    readFile(join(directory, `${name}.json`), 'utf8'),
    readFile(join(directory, `${name}.bin`)),
  ]);
  return parseHead(manifest, data);
}

export interface LoadedHead {
  readonly weights: HeadWeights;
  /** [n, 112, 112, 3] face batch → [n, FEATURE_SIZE], by the head's own net. */
  features(batch: Tensor4D): Tensor2D;
  /** [n, FEATURE_SIZE] features → [n, 7] logits (EXPRESSIONS order), before the temperature. */
  logits(features: Tensor2D): Tensor2D;
}

/** The head in `directory` and the net it names (from the same folder), ready to run. */
export async function loadHead(
  rt: LoadedRuntime,
  directory = HEAD_DIRECTORY,
  name = HEAD_NAME,
): Promise<LoadedHead> {
  const head = await readHead(directory, name);
  if (!head.net) return prepareHead(rt, head);
  const net = new rt.faceapi.FaceExpressionNet();
  await net.loadFromDisk(join(directory, `${head.net}.json`));
  return prepareHead(rt, head, net);
}

/** Puts the head's arrays into tensors once (they live as long as the analyzer). */
export function prepareHead(
  rt: LoadedRuntime,
  head: HeadWeights,
  net: ExpressionNet = rt.faceapi.nets.faceExpressionNet,
): LoadedHead {
  const { tf } = rt;
  const mean = tf.keep(tf.tensor1d(head.mean));
  const scale = tf.keep(tf.tensor1d(head.scale));
  const layers = head.layers.map((l) => ({
    w: tf.keep(tf.tensor2d(l.weights, [l.inputs, l.outputs])),
    b: tf.keep(tf.tensor1d(l.bias)),
    relu: l.activation === 'relu',
  }));
  return {
    weights: head,
    features: (batch) => expressionFeatures(rt, batch, net),
    logits: (features) =>
      tf.tidy(() => {
        const used = tf.slice(features, [0, 0], [-1, head.inputs]);
        let x = tf.div(tf.sub(used, mean), scale) as Tensor2D;
        for (const { w, b, relu } of layers) {
          x = tf.add(tf.matMul(x, w), b) as Tensor2D;
          if (relu) x = tf.relu(x);
        }
        return head.addShipped ? tf.add(x, netLogits(rt, features, net)) : x;
      }),
  };
}
