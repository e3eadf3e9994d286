/**
 * The counter camera's `SatisfactionEstimator`, built on @oss/models' `createEmotionEstimator`.
 *
 * - The models package (tfjs WASM + weights) is imported only when the first service starts: a
 *   kiosk or display never loads it, and a counter without `hardware.camera` neither.
 * - The camera runs only while a ticket is being served: started on call, stopped `afterEndMs`
 *   (3 s) after the service ends unless another one has started.
 * - Frames go from the camera (@oss/hardware's `openCamera`) to `addFrame` in memory; nothing is written
 *   anywhere and nothing but the estimate's numbers leaves this module.
 * - If the models package cannot load (no WASM, missing weights…), one error with a code is logged
 *   and the agent goes on without estimates.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type FrameSource, openCamera } from '@oss/hardware';
import type { EmotionEstimator } from '@oss/models';
import { type CameraConfig, DEFAULTS } from './config.ts';
import type { SatisfactionEstimate, SatisfactionEstimator } from './counter.ts';
import type { AgentLogger } from './log.ts';

/** What the estimator needs from @oss/models (a test can inject a failing or fake one). */
export interface ModelsApi {
  createEmotionEstimator(): Promise<EmotionEstimator>;
}

export type ModelsLoader = () => Promise<ModelsApi>;

/** The real package, imported on first use only. */
export const loadModels: ModelsLoader = async () => (await import('@oss/models')) as ModelsApi;

export interface CameraEstimatorOptions {
  camera: CameraConfig;
  log: AgentLogger;
  loadModels?: ModelsLoader;
  /** Wait after the end of a service before estimating, and before stopping the camera (default 3000). */
  afterEndMs?: number;
}

/** The photos that ship inside @vladmandic/face-api (`demo/sample*.jpg`): the `--simulate` camera. */
export function sampleFacePaths(): string[] {
  const require = createRequire(import.meta.url);
  const demo = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
  return readdirSync(demo)
    .filter((name) => /^sample\d+\.jpg$/.test(name))
    .sort()
    .map((name) => join(demo, name));
}

/** `--simulate` turns any configured camera into the `files` driver (sample faces by default). */
export function simulatedCamera(camera: CameraConfig): CameraConfig {
  if (camera.driver === 'files') return camera;
  return { driver: 'files', files: sampleFacePaths(), fps: camera.fps, minConfidence: camera.minConfidence };
}

function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.name : 'unknown';
}

export class CameraEstimator implements SatisfactionEstimator {
  private model: Promise<EmotionEstimator | null> | null = null;
  private loaded: EmotionEstimator | null = null;
  private readonly starts = new Map<string, number>();
  private source: FrameSource | null = null;
  private stopTimer: NodeJS.Timeout | null = null;
  private readonly waits = new Set<() => void>();
  private closed = false;
  private cameraStarting = false;
  private cameraErrorLogged = false;
  /** Frames handed to the model (tests, /health). */
  framesSeen = 0;
  private readonly afterEndMs: number;

  constructor(private readonly o: CameraEstimatorOptions) {
    this.afterEndMs = o.afterEndMs ?? 3000;
  }

  /** Loads the model once; null (logged with a code) when it cannot be loaded. */
  ready(): Promise<EmotionEstimator | null> {
    this.model ??= (async () => {
      const startedAt = Date.now();
      try {
        const models = await (this.o.loadModels ?? loadModels)();
        const estimator = await models.createEmotionEstimator();
        if (this.closed) {
          estimator.close();
          return null;
        }
        this.o.log.info({ model: estimator.model, ms: Date.now() - startedAt }, 'emotion model loaded');
        this.loaded = estimator;
        return estimator;
      } catch (e) {
        this.o.log.error(
          { code: 'emotion_model_unavailable', cause: codeOf(e) },
          'emotion model cannot be loaded; continuing without satisfaction estimates',
        );
        return null;
      }
    })();
    return this.model;
  }

  onServiceStart(ticketId: string): void {
    if (this.closed) return;
    this.starts.set(ticketId, Date.now());
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = null;
    void this.ready().then((model) => {
      if (model && this.starts.size > 0) this.startCamera(model);
    });
  }

  async onServiceEnd(ticketId: string): Promise<SatisfactionEstimate | null> {
    const start = this.starts.get(ticketId);
    this.starts.delete(ticketId);
    if (start === undefined || this.closed || !this.model) return null; // not started here (e.g. restart)
    const finishedAt = Date.now();
    if (this.starts.size === 0) {
      if (this.stopTimer) clearTimeout(this.stopTimer);
      this.stopTimer = setTimeout(() => {
        this.stopTimer = null;
        if (this.starts.size === 0) this.stopCamera();
      }, this.afterEndMs);
    }
    const model = await this.model;
    if (!model) return null;
    await this.sleep(this.afterEndMs); // the citizen's reaction as they leave
    if (this.closed) return null;
    const estimate = model.estimateForService(start, finishedAt);
    const minConfidence = this.o.camera.minConfidence ?? DEFAULTS.minConfidence;
    if (!estimate || estimate.confidence < minConfidence) {
      this.o.log.info(
        { ticketId, reason: estimate ? 'low_confidence' : 'no_face' },
        'no satisfaction estimate for this service',
      );
      return null;
    }
    return {
      satisfaction: estimate.satisfaction,
      confidence: estimate.confidence,
      frames: estimate.frames,
      facesFound: estimate.facesFound,
      model: estimate.model,
      expressions: { ...estimate.expressions },
      measuredAt: finishedAt,
    };
  }

  /** Observations (numbers only) the model keeps; 0 before it is loaded. */
  get observationCount(): number {
    return this.loaded?.observationCount ?? 0;
  }

  get cameraRunning(): boolean {
    return this.source !== null;
  }

  private startCamera(model: EmotionEstimator): void {
    if (this.source || this.cameraStarting || this.closed) return;
    this.cameraStarting = true;
    void this.runCamera(model);
  }

  private async runCamera(model: EmotionEstimator): Promise<void> {
    const cam = this.o.camera;
    const fps = cam.fps ?? DEFAULTS.cameraFps;
    let source: FrameSource;
    try {
      source = openCamera({ ...cam, fps });
    } catch (e) {
      this.cameraStarting = false;
      this.cameraFailed(e);
      return;
    }
    this.cameraStarting = false;
    if (this.closed || this.source || this.starts.size === 0) {
      source.stop();
      return;
    }
    this.source = source;
    try {
      for await (const frame of source) {
        if (this.closed || this.source !== source) break;
        this.framesSeen++;
        // Never awaited: a frame arriving while one is analysed is dropped ('busy'), not queued.
        model.addFrame(frame, Date.now()).catch((e: unknown) => {
          if (codeOf(e) !== 'closed') this.o.log.warn({ code: codeOf(e) }, 'camera frame refused');
        });
      }
    } catch (e) {
      this.cameraFailed(e);
    } finally {
      if (this.source === source) this.source = null;
      source.stop();
    }
  }

  private cameraFailed(e: unknown): void {
    if (this.cameraErrorLogged) return; // the next service tries again; logged once
    this.cameraErrorLogged = true;
    this.o.log.error({ code: 'camera_failed', cause: codeOf(e) }, 'counter camera failed');
  }

  private stopCamera(): void {
    const source = this.source;
    this.source = null;
    source?.stop();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waits.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waits.add(done);
    });
  }

  close(): void {
    this.closed = true;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopCamera();
    for (const done of [...this.waits]) done();
    this.starts.clear();
    void this.model?.then((m) => m?.close());
  }
}
