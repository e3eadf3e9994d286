/** `emotion eval <folder>`: runs the model over a folder with one sub-folder per expression class. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaceAnalyzer } from './analyzer.ts';
import { EmotionError } from './errors.ts';
import { EXPRESSIONS, type Expression, expressionOfFolder } from './expressions.ts';
import { computeMetrics, type Metrics, type Prediction } from './metrics.ts';

export interface EvalOptions {
  /** Every image is already a cropped face: skip detection. */
  cropped?: boolean;
}

export interface EvalReport extends Metrics {
  folder: string;
  mode: 'detect' | 'cropped';
  model: string;
  /** Images found in class folders (every one is counted somewhere below). */
  images: number;
  /** Images where a face was found and analysed. */
  analysed: number;
  /** Images where no face (or only a rejected one) was found; they are not in the accuracies. */
  noFace: number;
  /** Images that could not be decoded. */
  unreadable: number;
  /** Per true class: images, analysed, noFace, unreadable. */
  perClass: Partial<
    Record<Expression, { images: number; analysed: number; noFace: number; unreadable: number }>
  >;
  classesPresent: Expression[];
  /** Sub-folders ignored because their name is not one of the seven classes. */
  ignoredFolders: string[];
  /** analysed / images, or null with no images. */
  coverage: number | null;
}

const IMAGE_FILE = /\.(jpe?g|png)$/i;

export async function evaluateFolder(
  folder: string,
  analyzer: FaceAnalyzer,
  model: string,
  options: EvalOptions = {},
): Promise<EvalReport> {
  const { classes, ignoredFolders } = await listClasses(folder);
  const predictions: Prediction[] = [];
  const perClass: EvalReport['perClass'] = {};
  for (const [truth, files] of classes) {
    const counts = { images: files.length, analysed: 0, noFace: 0, unreadable: 0 };
    perClass[truth] = counts;
    for (const file of files) {
      const outcome = await analyseFile(analyzer, file, options.cropped === true);
      if (outcome === 'unreadable' || outcome === 'no_face') {
        counts[outcome === 'unreadable' ? 'unreadable' : 'noFace'] += 1;
        continue;
      }
      counts.analysed += 1;
      predictions.push({ truth, probabilities: outcome });
    }
  }
  const classesPresent = [...classes.keys()].filter((name) => (perClass[name]?.images ?? 0) > 0);
  const totals = Object.values(perClass).reduce(
    (acc, c) => ({
      images: acc.images + c.images,
      noFace: acc.noFace + c.noFace,
      unreadable: acc.unreadable + c.unreadable,
    }),
    { images: 0, noFace: 0, unreadable: 0 },
  );
  return {
    folder,
    mode: options.cropped ? 'cropped' : 'detect',
    model,
    ...totals,
    analysed: predictions.length,
    coverage: totals.images > 0 ? predictions.length / totals.images : null,
    perClass,
    classesPresent,
    ignoredFolders,
    ...computeMetrics(predictions, classesPresent),
  };
}

async function analyseFile(analyzer: FaceAnalyzer, file: string, cropped: boolean) {
  try {
    const bytes = await readFile(file);
    if (cropped) return await analyzer.analyzeCropped(bytes);
    const analysis = await analyzer.analyze(bytes);
    return analysis.kind === 'face' ? analysis.face.expressions : 'no_face';
  } catch (error) {
    if (
      error instanceof EmotionError &&
      (error.code === 'bad_image' || error.code === 'unsupported_image' || error.code === 'image_too_large')
    ) {
      return 'unreadable';
    }
    throw error;
  }
}

async function listClasses(
  folder: string,
): Promise<{ classes: Map<Expression, string[]>; ignoredFolders: string[] }> {
  const entries = await readdir(folder, { withFileTypes: true });
  const classes = new Map<Expression, string[]>();
  const ignoredFolders: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const name = expressionOfFolder(entry.name);
    if (!name) {
      ignoredFolders.push(entry.name);
      continue;
    }
    const files = (await readdir(join(folder, entry.name))).filter((f) => IMAGE_FILE.test(f)).sort();
    classes.set(name, [...(classes.get(name) ?? []), ...files.map((f) => join(folder, entry.name, f))]);
  }
  return {
    classes: new Map(EXPRESSIONS.filter((e) => classes.has(e)).map((e) => [e, classes.get(e)!])),
    ignoredFolders,
  };
}
