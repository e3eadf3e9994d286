/**
 * face-api's expression net (FaceExpressionNet) run as a feature extractor: its four dense blocks, with
 * its weights (the shipped ones, or those fine-tuned here: models/train/fine-tune-net.py), but the
 * features taken before its last pooling so a head trained on FER2013 (expression-head.ts) can see
 * where on the face things happen (mouth vs eyes), not only a mean.
 */
import type { Tensor, Tensor2D, Tensor3D, Tensor4D } from '@tensorflow/tfjs';
import type { LoadedRuntime } from './backend.ts';
import { EXPRESSIONS } from './expressions.ts';

/** Same input as face-api's expression net: 112 × 112 RGB, minus this mean, over 255. */
const INPUT_SIDE = 112;
const MEAN_RGB = [122.782, 117.001, 104.298] as const;

/**
 * Feature layout, per face: dense3 (7×7×256) mean over the face (256, exactly what the shipped dense
 * layer sees), dense3 averaged over a 3×3 grid of overlapping 3×3 windows (2304), dense2 (14×14×128)
 * mean (128).
 */
export const FEATURE_LAYOUT = { global: 256, grid: 2304, dense2: 128 } as const;
export const FEATURE_SIZE = FEATURE_LAYOUT.global + FEATURE_LAYOUT.grid + FEATURE_LAYOUT.dense2;

interface SeparableParams {
  depthwise_filter: Tensor4D;
  pointwise_filter: Tensor4D;
  bias: Tensor;
}
interface DenseBlockParams {
  conv0: SeparableParams | { filters: Tensor4D; bias: Tensor };
  conv1: SeparableParams;
  conv2: SeparableParams;
  conv3: SeparableParams;
}
interface ExtractorParams {
  dense0: DenseBlockParams;
  dense1: DenseBlockParams;
  dense2: DenseBlockParams;
  dense3: DenseBlockParams;
}
export interface ShippedClassifier {
  weights: Tensor2D;
  bias: Tensor;
}

/** A loaded face-api FaceExpressionNet: the shipped one (`rt.faceapi.nets.faceExpressionNet`) or another. */
export type ExpressionNet = LoadedRuntime['faceapi']['nets']['faceExpressionNet'];

function extractorParams(net: ExpressionNet): ExtractorParams {
  const params = (net as unknown as { faceFeatureExtractor: { params?: ExtractorParams } })
    .faceFeatureExtractor.params;
  if (!params) throw new Error('faceExpressionNet is not loaded');
  return params;
}

/** The net's own dense layer (256 → 7): the shipped one is what the trained model is compared against. */
function netClassifier(net: ExpressionNet): ShippedClassifier {
  const params = (net as unknown as { params?: { fc: ShippedClassifier } }).params;
  if (!params) throw new Error('faceExpressionNet is not loaded');
  return params.fc;
}

/** face-api's output order (its FaceExpressions): the shipped dense layer's columns. */
export const FACE_API_ORDER = [
  'neutral',
  'happy',
  'sad',
  'angry',
  'fearful',
  'disgusted',
  'surprised',
] as const;

/** The net's own dense layer's logits of [n, ≥ 256] features, in EXPRESSIONS order. */
export function netLogits(
  rt: LoadedRuntime,
  features: Tensor2D,
  net: ExpressionNet = rt.faceapi.nets.faceExpressionNet,
): Tensor2D {
  const { tf } = rt;
  const fc = netClassifier(net);
  const columns = EXPRESSIONS.map((e) => FACE_API_ORDER.indexOf(e));
  return tf.tidy(() => {
    const global = tf.slice(features, [0, 0], [-1, FEATURE_LAYOUT.global]);
    const raw = tf.add(tf.matMul(global, fc.weights), fc.bias) as Tensor2D;
    return tf.gather(raw, tf.tensor1d(columns, 'int32'), 1) as Tensor2D;
  });
}

/** Face crops (any size, int or float 0..255) → face-api's input batch [n, 112, 112, 3], centred, padded. */
export async function toFaceBatch(rt: LoadedRuntime, faces: Tensor3D[]): Promise<Tensor4D> {
  const netInput = await rt.faceapi.toNetInput(faces as never);
  return netInput.toBatchTensor(INPUT_SIDE, true) as unknown as Tensor4D;
}

/** [n, 112, 112, 3] float 0..255 → [n, FEATURE_SIZE]. */
export function expressionFeatures(
  rt: LoadedRuntime,
  batch: Tensor4D,
  net: ExpressionNet = rt.faceapi.nets.faceExpressionNet,
): Tensor2D {
  const { tf } = rt;
  const params = extractorParams(net);
  return tf.tidy(() => {
    const normalized = tf.div(tf.sub(batch, tf.tensor1d([...MEAN_RGB])), 255) as Tensor4D;
    const d0 = denseBlock(rt, normalized, params.dense0, true);
    const d1 = denseBlock(rt, d0, params.dense1);
    const d2 = denseBlock(rt, d1, params.dense2);
    const d3 = denseBlock(rt, d2, params.dense3);
    const n = batch.shape[0];
    const global = tf.mean(d3, [1, 2]);
    const grid = tf.reshape(tf.avgPool(d3, [3, 3], [2, 2], 'valid'), [n, FEATURE_LAYOUT.grid]);
    const dense2 = tf.mean(d2, [1, 2]);
    return tf.concat([global, grid, dense2], 1) as Tensor2D;
  });
}

/** face-api's denseBlock4 (faceFeatureExtractor/denseBlock.ts), with its parameters. */
function denseBlock(rt: LoadedRuntime, x: Tensor4D, p: DenseBlockParams, isFirst = false): Tensor4D {
  const { tf } = rt;
  const separable = (input: Tensor4D, q: SeparableParams, stride: 1 | 2) =>
    tf.add(
      tf.separableConv2d(input, q.depthwise_filter, q.pointwise_filter, stride, 'same'),
      q.bias,
    ) as Tensor4D;
  const out1 = tf.relu(
    isFirst
      ? tf.add(tf.conv2d(x, (p.conv0 as { filters: Tensor4D }).filters, 2, 'same'), p.conv0.bias)
      : separable(x, p.conv0 as SeparableParams, 2),
  ) as Tensor4D;
  const out2 = separable(out1, p.conv1, 1);
  const out3 = separable(tf.relu(tf.add(out1, out2)) as Tensor4D, p.conv2, 1);
  const out4 = separable(tf.relu(tf.addN([out1, out2, out3])) as Tensor4D, p.conv3, 1);
  return tf.relu(tf.addN([out1, out2, out3, out4])) as Tensor4D;
}
