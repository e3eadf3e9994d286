/**
 * The counter device's emotion estimator: frames in, per-service satisfaction out.
 * Frames are decoded in memory, analysed, and dropped; only numbers are kept (privacy).
 */
import {
  type AnalyzerOptions,
  createFaceAnalyzer,
  type FaceAnalyzer,
  type FrameAnalysis,
} from './analyzer.ts';
import { faceApiVersion } from './backend.ts';
import { emotionError } from './errors.ts';
import type { Expression, ExpressionProbabilities } from './expressions.ts';
import { aggregateFrames, type FrameScore, type SatisfactionEstimate } from './satisfaction.ts';

export interface EstimatorOptions extends AnalyzerOptions {
  /** Frames arriving sooner than this after the last analysed one are skipped (CPU budget on a Pi). */
  minFrameIntervalMs?: number;
  /** Window sampled around the end of service: this long before the end… */
  windowBeforeEndMs?: number;
  /** …and this long after it (the citizen's reaction as they leave). */
  windowAfterEndMs?: number;
  /** At most this many face frames are used per service, spread over the window. */
  maxFramesPerService?: number;
  /** Observations older than this are forgotten. */
  retentionMs?: number;
  weights?: Readonly<Record<Expression, number>>;
  /** Use an analyzer you already have (tests, sharing one model). */
  analyzer?: FaceAnalyzer;
}

export type FrameStatus = 'face' | 'no_face' | 'face_rejected' | 'skipped' | 'busy';

export interface FrameResult {
  status: FrameStatus;
  quality?: number;
  expressions?: ExpressionProbabilities;
}

export interface ServiceEstimate {
  satisfaction: number;
  confidence: number;
  /** Frames analysed in the window (with or without a face). */
  frames: number;
  /** Frames in the window where a usable face was found. */
  facesFound: number;
  /** Face frames actually used after sampling. */
  framesUsed: number;
  expressions: ExpressionProbabilities;
  factors: SatisfactionEstimate['factors'];
  /** Model identifier, to send with the result. */
  model: string;
}

export interface EmotionEstimator {
  readonly model: string;
  /** Analyses one JPEG or PNG frame taken at `atMs`. Bad bytes reject with an EmotionError. */
  addFrame(image: Uint8Array, atMs: number): Promise<FrameResult>;
  /** Null when no usable face was seen around the end of this service. */
  estimateForService(startMs: number, endMs: number): ServiceEstimate | null;
  /** Number of observations kept (numbers only). */
  readonly observationCount: number;
  close(): void;
}

interface Observation {
  atMs: number;
  face: FrameScore | null;
}

export const DEFAULT_ESTIMATOR_OPTIONS = {
  minFrameIntervalMs: 400,
  windowBeforeEndMs: 15_000,
  windowAfterEndMs: 3_000,
  maxFramesPerService: 8,
  retentionMs: 10 * 60_000,
};

export async function createEmotionEstimator(options: EstimatorOptions = {}): Promise<EmotionEstimator> {
  const settings = { ...DEFAULT_ESTIMATOR_OPTIONS, ...options };
  if (settings.maxFramesPerService < 1 || settings.windowBeforeEndMs < 0 || settings.windowAfterEndMs < 0) {
    throw emotionError('bad_argument', 'Tuỳ chọn ước lượng không hợp lệ', 'Invalid estimator options');
  }
  const analyzer = options.analyzer ?? (await createFaceAnalyzer(options));
  return new Estimator(analyzer, settings);
}

class Estimator implements EmotionEstimator {
  readonly model: string;
  private observations: Observation[] = [];
  private lastAnalysedAt = Number.NEGATIVE_INFINITY;
  private busy = false;
  private closed = false;

  constructor(
    private readonly analyzer: FaceAnalyzer,
    private readonly settings: typeof DEFAULT_ESTIMATOR_OPTIONS & EstimatorOptions,
  ) {
    this.model = modelName(analyzer);
  }

  get observationCount(): number {
    return this.observations.length;
  }

  async addFrame(image: Uint8Array, atMs: number): Promise<FrameResult> {
    this.assertOpen();
    if (!Number.isFinite(atMs))
      throw emotionError('bad_argument', 'Thời điểm khung hình không hợp lệ', 'Invalid frame time');
    if (this.busy) return { status: 'busy' };
    if (Math.abs(atMs - this.lastAnalysedAt) < this.settings.minFrameIntervalMs) return { status: 'skipped' };
    this.busy = true;
    try {
      const analysis = await this.analyzer.analyze(image);
      this.lastAnalysedAt = atMs;
      return this.record(analysis, atMs);
    } finally {
      this.busy = false;
    }
  }

  private record(analysis: FrameAnalysis, atMs: number): FrameResult {
    if (this.closed) return { status: analysis.kind };
    const face =
      analysis.kind === 'face'
        ? { atMs, quality: analysis.face.quality, expressions: analysis.face.expressions }
        : null;
    this.observations.push({ atMs, face });
    this.prune(atMs);
    if (analysis.kind === 'face')
      return { status: 'face', quality: analysis.face.quality, expressions: analysis.face.expressions };
    if (analysis.kind === 'face_rejected') return { status: 'face_rejected', quality: analysis.face.quality };
    return { status: 'no_face' };
  }

  /** At ≤ 2 frames/s and 10 min retention this is ≤ 1200 entries: a plain filter is cheap. */
  private prune(nowMs: number): void {
    const oldest = nowMs - this.settings.retentionMs;
    this.observations = this.observations.filter((o) => o.atMs >= oldest);
  }

  estimateForService(startMs: number, endMs: number): ServiceEstimate | null {
    this.assertOpen();
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs < startMs) {
      throw emotionError(
        'bad_argument',
        'Khoảng thời gian phục vụ không hợp lệ',
        'Invalid service time range',
      );
    }
    const from = Math.max(startMs, endMs - this.settings.windowBeforeEndMs);
    const to = endMs + this.settings.windowAfterEndMs;
    const inWindow = this.observations.filter((o) => o.atMs >= from && o.atMs <= to);
    const faces = inWindow.flatMap((o) => (o.face ? [o.face] : []));
    const used = sampleAcrossWindow(faces, from, to, this.settings.maxFramesPerService);
    const estimate = aggregateFrames(used, {
      endMs,
      framesConsidered: inWindow.length,
      ...(this.settings.weights ? { weights: this.settings.weights } : {}),
    });
    if (!estimate) return null;
    return {
      satisfaction: estimate.satisfaction,
      confidence: estimate.confidence,
      frames: inWindow.length,
      facesFound: faces.length,
      framesUsed: used.length,
      expressions: estimate.expressions,
      factors: estimate.factors,
      model: this.model,
    };
  }

  close(): void {
    this.closed = true;
    this.observations = [];
  }

  private assertOpen(): void {
    if (this.closed)
      throw emotionError('closed', 'Bộ ước lượng cảm xúc đã đóng', 'The emotion estimator is closed');
  }
}

/** Splits the window into equal slots and keeps the best-quality face of each: spread in time, best faces. */
export function sampleAcrossWindow(
  faces: readonly FrameScore[],
  from: number,
  to: number,
  max: number,
): FrameScore[] {
  if (faces.length <= max) return [...faces];
  const slotLength = (to - from) / max || 1;
  const best = new Map<number, FrameScore>();
  for (const face of faces) {
    const slot = Math.min(max - 1, Math.floor((face.atMs - from) / slotLength));
    const current = best.get(slot);
    if (!current || face.quality > current.quality) best.set(slot, face);
  }
  return [...best.values()].sort((a, b) => a.atMs - b.atMs);
}

export function modelName(
  analyzer: Pick<FaceAnalyzer, 'detector' | 'backend' | 'expressionWeights'>,
): string {
  const detector = analyzer.detector === 'ssd' ? 'ssd-mobilenetv1' : 'tiny-face-detector';
  return `face-api-${faceApiVersion()}/${detector}+${analyzer.expressionWeights}/${analyzer.backend}`;
}
