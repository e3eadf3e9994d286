/**
 * npm run emotion -- <command>
 *   eval <folder> [--cropped] [--json]     accuracy over a folder of <class>/<image> files
 *   bench [--iterations N] [--json]         model load time and per-frame latency
 *   run --simulate <image|folder>… | --camera rpicam|v4l2 [--device /dev/video0]
 *   make-sample-set <out> [--clear-only]   labelled face crops from face-api's sample photos
 * Common: --detector ssd|tiny, --backend auto|wasm|tensorflow
 */

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type CameraCommand, rpicamCommand, spawnFrameSource, v4l2FfmpegCommand } from '@oss/hardware';
import { createFaceAnalyzer, type DetectorName, type ExpressionModelName } from './analyzer.ts';
import type { BackendChoice } from './backend.ts';
import { runBenchmark } from './bench.ts';
import { EmotionError } from './errors.ts';
import {
  createEmotionEstimator,
  type EmotionEstimator,
  modelName,
  type ServiceEstimate,
} from './estimator.ts';
import { evaluateFolder } from './evaluate.ts';
import { writeSampleSet } from './sample-set.ts';

const USAGE = `Cách dùng / Usage: npm run emotion -- <eval|bench|run|make-sample-set> [tuỳ chọn / options]
  eval <thư mục/folder> [--cropped] [--json]
  bench [--iterations N] [--json]
  run --simulate <ảnh/image|thư mục/folder>… | --camera rpicam|v4l2 [--device /dev/video0] [--json]
  make-sample-set <thư mục ra/out folder> [--clear-only]
  --detector ssd|tiny   --backend auto|wasm|tensorflow   --tiny-size 320|416|…
  --expression trained|shipped   (bộ phân loại biểu cảm / expression classifier; mặc định/default trained)
  --second-pass ssd|tiny|none    (dò lại khi không thấy mặt / detect again when no face was found)`;

const OPTIONS = {
  json: { type: 'boolean' },
  cropped: { type: 'boolean' },
  detector: { type: 'string' },
  backend: { type: 'string' },
  iterations: { type: 'string' },
  'tiny-size': { type: 'string' },
  expression: { type: 'string' },
  'second-pass': { type: 'string' },
  simulate: { type: 'boolean' },
  camera: { type: 'string' },
  device: { type: 'string' },
  'clear-only': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const [command, ...rest] = positionals;
  if (values.help || !command) return void console.log(USAGE);
  if (command === 'eval') return evalCommand(rest, values);
  if (command === 'bench') return benchCommand(values);
  if (command === 'run') return runCommand(rest, values);
  if (command === 'make-sample-set') return sampleSetCommand(rest, values);
  throw new UsageError(`Lệnh không rõ: ${command} / unknown command: ${command}`);
}

function analyzerChoices(values: Values): {
  detector?: DetectorName;
  backend?: BackendChoice;
  tinyInputSize?: number;
  expressionModel?: ExpressionModelName;
  secondPass?: DetectorName | null;
} {
  const secondPass = values['second-pass'];
  if (secondPass !== undefined && !['ssd', 'tiny', 'none'].includes(secondPass))
    throw new UsageError(
      '--second-pass phải là ssd, tiny hoặc none / --second-pass must be ssd, tiny or none',
    );
  const detector = values.detector;
  const expression = values.expression;
  if (expression !== undefined && expression !== 'trained' && expression !== 'shipped')
    throw new UsageError(
      '--expression phải là trained hoặc shipped / --expression must be trained or shipped',
    );
  if (detector !== undefined && detector !== 'ssd' && detector !== 'tiny')
    throw new UsageError('--detector phải là ssd hoặc tiny / --detector must be ssd or tiny');
  const backend = values.backend;
  if (backend !== undefined && !['auto', 'wasm', 'tensorflow'].includes(backend)) {
    throw new UsageError(
      '--backend phải là auto, wasm hoặc tensorflow / --backend must be auto, wasm or tensorflow',
    );
  }
  const tinySize = values['tiny-size'] === undefined ? undefined : Number(values['tiny-size']);
  if (tinySize !== undefined && !(Number.isInteger(tinySize / 32) && tinySize >= 128 && tinySize <= 1024))
    throw new UsageError(
      '--tiny-size phải là bội số của 32, từ 128 đến 1024 / --tiny-size must be a multiple of 32 from 128 to 1024',
    );
  return {
    ...(detector ? { detector } : {}),
    ...(backend ? { backend: backend as BackendChoice } : {}),
    ...(tinySize !== undefined ? { tinyInputSize: tinySize } : {}),
    ...(expression ? { expressionModel: expression } : {}),
    ...(secondPass ? { secondPass: secondPass === 'none' ? null : (secondPass as DetectorName) } : {}),
  };
}

async function evalCommand(args: string[], values: Values): Promise<void> {
  const folder = args[0];
  if (!folder) throw new UsageError('Thiếu thư mục: eval <thư mục> / missing folder: eval <folder>');
  if (!(await stat(folder).catch(() => null))?.isDirectory()) {
    throw new UsageError(`Không thấy thư mục ${folder} / folder not found: ${folder}`);
  }
  const analyzer = await createFaceAnalyzer(analyzerChoices(values));
  const report = await evaluateFolder(folder, analyzer, modelName(analyzer), {
    cropped: values.cropped === true,
  });
  if (values.json) return void console.log(JSON.stringify(report, null, 2));
  const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
  console.log(
    `Ảnh / Images: ${report.images}; phân tích được / analysed: ${report.analysed}; ` +
      `không thấy mặt / no face: ${report.noFace}; không đọc được / unreadable: ${report.unreadable}`,
  );
  console.log(`Độ chính xác 7 lớp / 7-class accuracy: ${pct(report.accuracy7)}`);
  console.log(`Độ chính xác 3 lớp / positive-neutral-negative accuracy: ${pct(report.accuracy3)}`);
  console.log(
    `Vui vẻ/bình thường (cân bằng) / happy vs neutral balanced accuracy: ${pct(report.balancedAccuracyHappyNeutral)}`,
  );
  console.table(report.confusion);
}

async function benchCommand(values: Values): Promise<void> {
  const iterations = values.iterations ? Number(values.iterations) : 30;
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new UsageError('--iterations cần một số nguyên ≥ 1 / --iterations needs an integer ≥ 1');
  const report = await runBenchmark({ ...analyzerChoices(values), iterations });
  if (values.json) return void console.log(JSON.stringify(report, null, 2));
  const m = report.machine;
  console.log(
    `Máy / Machine: ${m.cpu}, ${m.coresAvailable} lõi/cores, Node ${m.node}, ${m.platform}/${m.arch}, ` +
      `tải / load avg ${m.loadAverage.join(' → ')}`,
  );
  console.log(
    `Backend: ${report.backend}, detector: ${report.detector}${report.tinyInputSize ? ` (${report.tinyInputSize})` : ''}, biểu cảm/expression: ${report.expressionModel}, khung/frame ${report.frame.width}×${report.frame.height}`,
  );
  console.log(`Nạp mô hình / Model load: ${report.loadMs} ms`);
  const f = report.frameMs;
  console.log(
    `Mỗi khung / Per frame (${report.iterations}): p50 ${f.p50} ms, p90 ${f.p90} ms, p99 ${f.p99} ms ` +
      `(giải mã/decode p50 ${report.decodeMs.p50} ms, mô hình/model p50 ${report.analyseMs.p50} ms)`,
  );
  const c = report.cpuMs;
  console.log(
    `Thời gian CPU mỗi khung / CPU time per frame: p50 ${c.p50} ms, p90 ${c.p90} ms, p99 ${c.p99} ms`,
  );
  console.log(
    `Khung không có mặt / Frame with no face (dò lại/second pass: ${report.secondPass ?? 'none'}): p50 ${report.noFaceFrameMs.p50} ms`,
  );
}

async function runCommand(args: string[], values: Values): Promise<void> {
  const estimator = await createEmotionEstimator(analyzerChoices(values));
  const print = (line: unknown) => console.log(values.json ? JSON.stringify(line) : line);
  if (values.simulate) return simulate(estimator, await expandImages(args), print);
  const camera =
    values.camera === 'v4l2'
      ? v4l2FfmpegCommand(values.device)
      : values.camera === 'rpicam'
        ? rpicamCommand()
        : null;
  if (!camera)
    throw new UsageError(
      'Cần --simulate <ảnh|thư mục>… hoặc --camera rpicam|v4l2 / ' +
        'needs --simulate <image|folder>… or --camera rpicam|v4l2',
    );
  return watchCamera(estimator, camera, print, values.json === true);
}

/** Image files stand for frames one second apart during one service. */
async function simulate(
  estimator: EmotionEstimator,
  files: string[],
  print: (line: unknown) => void,
): Promise<void> {
  if (files.length === 0)
    throw new UsageError(
      '--simulate cần ảnh hoặc thư mục ảnh / --simulate needs images or folders of images',
    );
  for (const [i, file] of files.entries()) {
    const result = await estimator.addFrame(await readFile(file), i * 1000).catch(frameError);
    print({ frame: file, ...result });
  }
  print(describe(estimator.estimateForService(0, (files.length - 1) * 1000)));
}

/** Live: every 10 s, an estimate as if a service had ended now. */
async function watchCamera(
  estimator: EmotionEstimator,
  camera: CameraCommand,
  print: (line: unknown) => void,
  json: boolean,
): Promise<void> {
  const source = spawnFrameSource(camera);
  process.once('SIGINT', () => source.stop());
  let lastReport = Date.now();
  for await (const frame of source) {
    const now = Date.now();
    const result = await estimator.addFrame(frame, now).catch(frameError);
    if (!json) process.stdout.write(`${result.status} `);
    if (now - lastReport >= 10_000) {
      lastReport = now;
      print(describe(estimator.estimateForService(now - 15_000, now)));
    }
  }
}

function frameError(error: unknown) {
  if (error instanceof EmotionError)
    return { status: 'error', code: error.code, vi: error.text.vi, en: error.text.en };
  throw error;
}

function describe(estimate: ServiceEstimate | null) {
  if (!estimate) return { vi: 'Không thấy khuôn mặt', en: 'No face seen', estimate: null };
  return { rating1to5: Math.round((1 + 4 * estimate.satisfaction) * 10) / 10, ...estimate };
}

async function expandImages(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) throw new UsageError(`Không thấy ${path} / not found: ${path}`);
    if (!info.isDirectory()) out.push(path);
    else
      out.push(
        ...(await readdir(path))
          .filter((f) => /\.(jpe?g|png)$/i.test(f))
          .sort()
          .map((f) => join(path, f)),
      );
  }
  return out;
}

async function sampleSetCommand(args: string[], values: Values): Promise<void> {
  const out = args[0];
  if (!out)
    throw new UsageError(
      'Thiếu thư mục ra: make-sample-set <thư mục ra> / missing output folder: make-sample-set <out folder>',
    );
  const summary = await writeSampleSet(out, values['clear-only'] === true);
  console.log(`Đã ghi / Written: ${summary.written} khuôn mặt / faces → ${out}/tight, ${out}/context`);
  if (summary.skippedPhotos.length > 0) console.log(`Bỏ qua / Skipped: ${summary.skippedPhotos.join(', ')}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    // node:util's parseArgs explains in English only.
    console.error(`Tham số không hợp lệ / invalid arguments: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof EmotionError) {
    console.error(`Lỗi / Error [${error.code}]: ${error.text.vi} / ${error.text.en}`);
    process.exitCode = 1;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
});
