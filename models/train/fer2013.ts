/** FER2013 as laid out in /work/shared/datasets/fer2013 (and the test fixture): <split>/<class>/<image>.jpg. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EXPRESSIONS, expressionOfFolder } from '../src/expressions.ts';

export interface LabelledImage {
  file: string;
  /** Index into EXPRESSIONS. */
  label: number;
}

/** Every image of a split, in a fixed order (class folders, then file names, sorted). */
export async function listSplit(folder: string): Promise<LabelledImage[]> {
  const out: LabelledImage[] = [];
  for (const dir of (await readdir(folder)).sort()) {
    const name = expressionOfFolder(dir);
    if (!name) continue;
    const label = EXPRESSIONS.indexOf(name);
    const files = (await readdir(join(folder, dir))).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
    for (const f of files) out.push({ file: join(folder, dir, f), label });
  }
  return out;
}

/** Fisher–Yates with mulberry32: the same order on every machine. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** mulberry32: a small seeded generator, so shuffles and initial weights repeat exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
