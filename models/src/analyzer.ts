/** Per-frame analysis: the largest face, its quality, and its seven expression probabilities. */

import { type BackendChoice, type BackendName, type LoadedRuntime, loadRuntime } from './backend.ts';
import { emotionError } from './errors.ts';
import { toFaceBatch } from './expression-features.ts';
import { HEAD_NAME, type LoadedHead, loadHead } from './expression-head.ts';
import { EXPRESSIONS, type ExpressionProbabilities, toProbabilities } from './expressions.ts';
import { decodeImage, type RgbImage } from './image.ts';
import { softmax } from './temperature.ts';

export type DetectorName = 'ssd' | 'tiny';
/** `trained`: the head trained on FER2013 (models/weights), calibrated; `shipped`: face-api's own dense layer. */
export type ExpressionModelName = 'trained' | 'shipped';

export interface AnalyzerOptions {
  /** `tiny` (Tiny Face Detector, default: meets the Pi latency goal) or `ssd` (SSD MobileNet v1: ~5× slower, tighter boxes). */
  detector?: DetectorName;
  backend?: BackendChoice;
  /** Faces the detector scores lower than this are ignored. */
  minDetectionScore?: number;
  /** Faces smaller than this (shorter box side, pixels of the original frame) are rejected as too small. */
  minFaceSize?: number;
  /** Frames are scaled down so their longer side is at most this before detection (speed). */
  maxInputSide?: number;
  /** Tiny Face Detector input (multiple of 32): 416 (default) scores counter faces 0.7–0.9; 320 is ~25 % faster, scores ~0.55–0.7. */
  tinyInputSize?: number;
  /** Which expression classifier runs on the shared features: `trained` (default) or `shipped`. */
  expressionModel?: ExpressionModelName;
  /** Detector run when the first finds no confident face (`null`: none). */
  secondPass?: DetectorName | null;
}

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FaceObservation {
  detectionScore: number;
  box: FaceBox;
  /** 0..1: detection score × how large the face is relative to what the expression net needs. */
  quality: number;
  expressions: ExpressionProbabilities;
}

export type FrameAnalysis =
  | { kind: 'face'; face: FaceObservation }
  | { kind: 'no_face' }
  | { kind: 'face_rejected'; reason: 'too_small' | 'low_score'; face: Omit<FaceObservation, 'expressions'> };

export interface FaceAnalyzer {
  readonly backend: BackendName;
  readonly detector: DetectorName;
  readonly expressionModel: ExpressionModelName;
  /** Which weights classify expressions (part of the model id, so estimates of different weights are not mixed). */
  readonly expressionWeights: string;
  readonly secondPass: DetectorName | null;
  analyze(bytes: Uint8Array): Promise<FrameAnalysis>;
  analyzeImage(image: RgbImage): Promise<FrameAnalysis>;
  /** For images that are already a cropped face: no detection, expressions of the whole image. */
  analyzeCropped(bytes: Uint8Array): Promise<ExpressionProbabilities>;
}

export const DEFAULT_ANALYZER_OPTIONS: Required<Omit<AnalyzerOptions, 'backend'>> = {
  secondPass: 'ssd',
  detector: 'tiny',
  minDetectionScore: 0.5,
  minFaceSize: 40,
  maxInputSide: 640,
  tinyInputSize: 416,
  expressionModel: 'trained',
};

/** Smaller frames cannot hold a face of minFaceSize; smaller crops are noise to the expression net. */
const MIN_FRAME_SIDE = 32;
const MIN_CROP_SIDE = 16;
/** A frame 8 times wider than high (or the reverse) is not a camera frame. */
const MAX_ASPECT = 8;

function assertAnalysable(image: RgbImage, minSide: number): void {
  const { width, height } = image;
  if (Math.min(width, height) < minSide || Math.max(width, height) / Math.min(width, height) > MAX_ASPECT) {
    throw emotionError(
      'bad_image',
      `Kích thước ảnh không phù hợp (${width}×${height})`,
      `Unsuitable image size (${width}×${height}): at least ${minSide} px a side, aspect ratio at most ${MAX_ASPECT}`,
    );
  }
}

/** The expression net looks at 112×112 faces; a face this big or bigger loses nothing when resized. */
const EXPRESSION_INPUT_SIDE = 112;

export async function createFaceAnalyzer(options: AnalyzerOptions = {}): Promise<FaceAnalyzer> {
  const settings = { ...DEFAULT_ANALYZER_OPTIONS, ...options };
  validateOptions(settings);
  const rt = await loadRuntime(options.backend ?? 'auto');
  await loadNets(rt, settings.detector);
  if (settings.secondPass) await loadNets(rt, settings.secondPass);
  const head = settings.expressionModel === 'trained' ? await loadTrainedHead(rt) : null;
  const classify: Classify = (face) => (head ? predictWithHead(rt, head, face) : predict(rt, face));
  const analyzeImage = (image: RgbImage) => analyzeRgb(rt, settings, image, classify);
  return {
    backend: rt.backend,
    detector: settings.detector,
    expressionModel: settings.expressionModel,
    expressionWeights: head
      ? ['expression', head.weights.net, HEAD_NAME].filter(Boolean).join('+')
      : 'expression',
    secondPass: settings.secondPass,
    analyzeImage,
    analyze: (bytes) => analyzeImage(decodeImage(bytes)),
    analyzeCropped: (bytes) => expressionsOfWholeImage(rt, decodeImage(bytes), classify),
  };
}

function validateOptions(settings: typeof DEFAULT_ANALYZER_OPTIONS): void {
  const ok =
    (settings.detector === 'ssd' || settings.detector === 'tiny') &&
    settings.minDetectionScore >= 0 &&
    settings.minDetectionScore < 1 &&
    settings.minFaceSize >= 0 &&
    settings.maxInputSide >= 64 &&
    Number.isInteger(settings.tinyInputSize / 32) &&
    settings.tinyInputSize >= 128 &&
    settings.tinyInputSize <= 1024 &&
    (settings.expressionModel === 'trained' || settings.expressionModel === 'shipped') &&
    (settings.secondPass === null || settings.secondPass === 'ssd' || settings.secondPass === 'tiny');
  if (!ok) throw emotionError('bad_argument', 'Tuỳ chọn mô hình không hợp lệ', 'Invalid analyzer options');
}

async function loadNets(rt: LoadedRuntime, detector: DetectorName): Promise<void> {
  const nets = rt.faceapi.nets;
  const wanted = [detector === 'ssd' ? 'ssdMobilenetv1' : 'tinyFaceDetector', 'faceExpressionNet'] as const;
  try {
    for (const name of wanted) {
      if (!nets[name].isLoaded) await nets[name].loadFromDisk(rt.modelDir);
    }
  } catch (cause) {
    throw emotionError(
      'model_load_failed',
      'Không nạp được trọng số mô hình',
      `Cannot load weights: ${cause}`,
      cause,
    );
  }
}

type Classify = (face: import('@tensorflow/tfjs').Tensor3D) => Promise<ExpressionProbabilities>;

async function loadTrainedHead(rt: LoadedRuntime): Promise<LoadedHead> {
  try {
    return await loadHead(rt);
  } catch (cause) {
    throw emotionError(
      'model_load_failed',
      'Không nạp được trọng số phân loại biểu cảm',
      `Cannot load the expression head: ${cause}`,
      cause,
    );
  }
}

async function analyzeRgb(
  rt: LoadedRuntime,
  settings: typeof DEFAULT_ANALYZER_OPTIONS,
  image: RgbImage,
  classify: Classify,
): Promise<FrameAnalysis> {
  assertAnalysable(image, MIN_FRAME_SIDE);
  const { tf, faceapi } = rt;
  const scale = Math.min(1, settings.maxInputSide / Math.max(image.width, image.height));
  const input = tf.tidy(() => {
    const full = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    if (scale === 1) return full;
    const size: [number, number] = [Math.round(image.height * scale), Math.round(image.width * scale)];
    return tf.image.resizeBilinear(full, size).toInt();
  });
  try {
    const found = await detectFace(rt, settings, input);
    if (!found) return { kind: 'no_face' };
    const { largest, detector } = found;
    const faceRect = detector === 'tiny' ? tightenTinyBox(largest.box, settings.tinyInputSize) : largest.box;
    const box = scaleBox(faceRect, 1 / scale);
    const face = { detectionScore: largest.score, box, quality: faceQuality(largest.score, box) };
    const rejection = rejectionReason(settings, face);
    if (rejection) return { kind: 'face_rejected', reason: rejection, face };
    const rect = new faceapi.Rect(faceRect.x, faceRect.y, faceRect.width, faceRect.height);
    const [crop] = await faceapi.extractFaceTensors(input as never, [rect]);
    try {
      return { kind: 'face', face: { ...face, expressions: await classify(crop as never) } };
    } finally {
      crop?.dispose();
    }
  } finally {
    input.dispose();
  }
}

/**
 * The configured detector; when it finds no confident face and a second pass is set, the other one
 * (SSD finds faces Tiny misses: tilted, looking down), so a clear face is not lost for speed.
 */
async function detectFace(
  rt: LoadedRuntime,
  settings: typeof DEFAULT_ANALYZER_OPTIONS,
  input: import('@tensorflow/tfjs').Tensor3D,
): Promise<{ largest: Detection; detector: DetectorName } | null> {
  const detectors: DetectorName[] =
    settings.secondPass && settings.secondPass !== settings.detector
      ? [settings.detector, settings.secondPass]
      : [settings.detector];
  let weak: { largest: Detection; detector: DetectorName } | null = null;
  for (const detector of detectors) {
    // face-api bundles its own copy of the tfjs type declarations; the runtime objects are the same.
    const detections = await rt.faceapi.detectAllFaces(
      input as never,
      detectorOptions(rt, settings, detector),
    );
    const largest = pickFace(detections, settings.minDetectionScore);
    if (largest && largest.score >= settings.minDetectionScore) return { largest, detector };
    if (largest && !weak) weak = { largest, detector };
  }
  return weak;
}

function rejectionReason(
  settings: typeof DEFAULT_ANALYZER_OPTIONS,
  face: { detectionScore: number; box: FaceBox },
): 'low_score' | 'too_small' | null {
  if (face.detectionScore < settings.minDetectionScore) return 'low_score';
  if (Math.min(face.box.width, face.box.height) < settings.minFaceSize) return 'too_small';
  return null;
}

function detectorOptions(
  rt: LoadedRuntime,
  settings: typeof DEFAULT_ANALYZER_OPTIONS,
  detector: DetectorName,
) {
  // Detect a little below the acceptance threshold so rejected faces are reported, not invisible.
  const minConfidence = Math.min(0.3, settings.minDetectionScore);
  return detector === 'ssd'
    ? new rt.faceapi.SsdMobilenetv1Options({ minConfidence, maxResults: 10 })
    : new rt.faceapi.TinyFaceDetectorOptions({
        inputSize: settings.tinyInputSize,
        scoreThreshold: minConfidence,
      });
}

interface Detection {
  score: number;
  box: { x: number; y: number; width: number; height: number };
}

/**
 * The citizen's face: the largest of the confident detections (people passing behind look smaller).
 * With no confident one, the best-scoring weak one is returned so it is reported as rejected; size is
 * never compared across weak boxes, where the largest is usually not a face at all.
 */
export function pickFace<T extends Detection>(detections: readonly T[], minScore: number): T | undefined {
  const confident = detections.filter((d) => d.score >= minScore);
  if (confident.length > 0) return largestDetection(confident);
  return detections.reduce<T | undefined>((best, d) => (!best || d.score > best.score ? d : best), undefined);
}

export function largestDetection<T extends Detection>(detections: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const d of detections)
    if (!best || d.box.width * d.box.height > best.box.width * best.box.height) best = d;
  return best;
}

export interface BoxCorrection {
  width: number;
  height: number;
  centerX: number;
  centerY: number;
}

/**
 * Tiny Face Detector boxes are square and loose; the expression net expects SSD-like crops (narrower,
 * higher). Mean SSD/Tiny box ratios per Tiny input size, fitted on the faces of face-api's sample photos
 * that both detectors found (22 at 416, 18 at 320; see docs/emotion-model.md).
 */
export const TINY_TO_SSD_BOX: Readonly<Record<number, BoxCorrection>> = {
  320: { width: 0.602, height: 0.973, centerX: 0.016, centerY: -0.096 },
  416: { width: 0.623, height: 0.997, centerX: 0.001, centerY: -0.163 },
};

function correctionFor(inputSize: number): BoxCorrection {
  const sizes = Object.keys(TINY_TO_SSD_BOX).map(Number);
  const nearest = sizes.reduce((best, size) =>
    Math.abs(size - inputSize) < Math.abs(best - inputSize) ? size : best,
  );
  return TINY_TO_SSD_BOX[nearest]!;
}

export function tightenTinyBox(
  box: FaceBox,
  inputSize: number = DEFAULT_ANALYZER_OPTIONS.tinyInputSize,
): FaceBox {
  const c = correctionFor(inputSize);
  const width = box.width * c.width;
  const height = box.height * c.height;
  const cx = box.x + box.width / 2 + box.width * c.centerX;
  const cy = box.y + box.height / 2 + box.height * c.centerY;
  return { x: cx - width / 2, y: cy - height / 2, width, height };
}

function scaleBox(box: FaceBox, factor: number): FaceBox {
  return { x: box.x * factor, y: box.y * factor, width: box.width * factor, height: box.height * factor };
}

/** Quality in 0..1: a confident detection of a face at least as large as the expression net's input. */
export function faceQuality(detectionScore: number, box: FaceBox): number {
  const sizeFactor = Math.min(1, Math.min(box.width, box.height) / EXPRESSION_INPUT_SIDE);
  return clamp01(detectionScore) * sizeFactor;
}

async function expressionsOfWholeImage(
  rt: LoadedRuntime,
  image: RgbImage,
  classify: Classify,
): Promise<ExpressionProbabilities> {
  assertAnalysable(image, MIN_CROP_SIDE);
  const input = rt.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
  try {
    return await classify(input);
  } finally {
    input.dispose();
  }
}

async function predict(
  rt: LoadedRuntime,
  face: import('@tensorflow/tfjs').Tensor3D,
): Promise<ExpressionProbabilities> {
  const result = await rt.faceapi.nets.faceExpressionNet.predictExpressions(face as never);
  const one = Array.isArray(result) ? result[0] : result;
  if (!one) throw emotionError('bad_image', 'Không phân tích được khuôn mặt', 'Face could not be analysed');
  return toProbabilities(one as unknown as Record<string, unknown>);
}

/**
 * The trained head on the face and its mirror image (mean logits: the head was tuned that way), then the
 * temperature fitted on validation, so the probabilities are calibrated.
 */
async function predictWithHead(
  rt: LoadedRuntime,
  head: LoadedHead,
  face: import('@tensorflow/tfjs').Tensor3D,
): Promise<ExpressionProbabilities> {
  const { tf } = rt;
  const batch = await toFaceBatch(rt, [face]);
  const logits = tf.tidy(() => {
    const views = head.weights.mirror ? tf.concat([batch, tf.reverse(batch, 2)], 0) : batch;
    return tf.mean(head.logits(head.features(views as never)), 0);
  });
  try {
    const p = softmax([...((await logits.data()) as Float32Array)], head.weights.temperature);
    return Object.fromEntries(EXPRESSIONS.map((e, i) => [e, p[i]!])) as ExpressionProbabilities;
  } finally {
    tf.dispose([batch, logits]);
  }
}

function clamp01(value: number): number {
  return Math.max(0, Math.min(1, value));
}
