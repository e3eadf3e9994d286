/** `emotion bench`: model load time and per-frame latency on 640×480 JPEG frames. */
import { availableParallelism, cpus, loadavg } from 'node:os';
import {
  createFaceAnalyzer,
  DEFAULT_ANALYZER_OPTIONS,
  type DetectorName,
  type ExpressionModelName,
  type FaceAnalyzer,
} from './analyzer.ts';
import type { BackendChoice } from './backend.ts';
import { decodeImage } from './image.ts';
import { makeCounterFrames } from './samples.ts';

export interface BenchOptions {
  detector?: DetectorName;
  tinyInputSize?: number;
  backend?: BackendChoice;
  expressionModel?: ExpressionModelName;
  secondPass?: DetectorName | null;
  iterations?: number;
  warmup?: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

export interface BenchReport {
  machine: {
    node: string;
    cpu: string;
    coresAvailable: number;
    platform: string;
    arch: string;
    /** 1-minute load average at start and end: other processes on the machine skew the latency. */
    loadAverage: [number, number];
  };
  backend: string;
  detector: DetectorName;
  expressionModel: ExpressionModelName;
  tinyInputSize: number | null;
  frame: { width: number; height: number; count: number };
  loadMs: number;
  iterations: number;
  /** decode + detection + expression, per frame */
  frameMs: Percentiles;
  decodeMs: Percentiles;
  /**
   * Process CPU time per frame (all threads). Single-threaded WASM: equals wall time on an idle core,
   * and stays close to it when other processes share the core, so it is the figure to compare.
   */
  cpuMs: Percentiles;
  analyseMs: Percentiles;
  facesFound: number;
  /** Detection (and a second pass, if set) on an empty frame, no decode. */
  noFaceFrameMs: Percentiles;
  secondPass: DetectorName | null;
}

export async function runBenchmark(options: BenchOptions = {}): Promise<BenchReport> {
  const iterations = options.iterations ?? 30;
  const warmup = options.warmup ?? 3;
  const loadAtStart = loadavg()[0] ?? 0;
  const started = performance.now();
  const analyzer = await createFaceAnalyzer({
    detector: options.detector ?? 'tiny',
    ...(options.tinyInputSize ? { tinyInputSize: options.tinyInputSize } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
    ...(options.expressionModel ? { expressionModel: options.expressionModel } : {}),
    ...(options.secondPass !== undefined ? { secondPass: options.secondPass } : {}),
  });
  const loadMs = performance.now() - started;
  const frames = await makeCounterFrames(analyzer);
  if (frames.length === 0) throw new Error('no benchmark frames');
  const decode: number[] = [];
  const analyse: number[] = [];
  const cpu: number[] = [];
  let facesFound = 0;
  for (let i = 0; i < warmup + iterations; i++) {
    const cpuStart = process.cpuUsage();
    const t0 = performance.now();
    const image = decodeImage(frames[i % frames.length]!);
    const t1 = performance.now();
    const result = await analyzer.analyzeImage(image);
    const t2 = performance.now();
    const cpuUsed = process.cpuUsage(cpuStart);
    if (i < warmup) continue;
    decode.push(t1 - t0);
    analyse.push(t2 - t1);
    cpu.push((cpuUsed.user + cpuUsed.system) / 1000);
    if (result.kind === 'face') facesFound += 1;
  }
  const noFaceMs = await timeEmptyFrames(analyzer, Math.min(iterations, 10));
  return {
    machine: {
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      coresAvailable: availableParallelism(),
      platform: process.platform,
      arch: process.arch,
      loadAverage: [round(loadAtStart), round(loadavg()[0] ?? 0)],
    },
    backend: analyzer.backend,
    detector: analyzer.detector,
    expressionModel: analyzer.expressionModel,
    tinyInputSize:
      analyzer.detector === 'tiny' ? (options.tinyInputSize ?? DEFAULT_ANALYZER_OPTIONS.tinyInputSize) : null,
    frame: { width: 640, height: 480, count: frames.length },
    loadMs: round(loadMs),
    iterations,
    frameMs: percentiles(decode.map((d, i) => d + analyse[i]!)),
    decodeMs: percentiles(decode),
    cpuMs: percentiles(cpu),
    analyseMs: percentiles(analyse),
    facesFound,
    noFaceFrameMs: percentiles(noFaceMs),
    secondPass: analyzer.secondPass,
  };
}

/** A frame with nobody in it: the worst case when a second-pass detector is set (both detectors run). */
async function timeEmptyFrames(analyzer: FaceAnalyzer, count: number): Promise<number[]> {
  const empty = { width: 640, height: 480, data: new Uint8Array(640 * 480 * 3).fill(128) };
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await analyzer.analyzeImage(empty);
    times.push(performance.now() - t0);
  }
  return times;
}

export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN);
  return {
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
