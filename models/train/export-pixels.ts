/**
 * Writes a FER2013 split as decoded pixels for the fine-tuning script (fine-tune-net.py), decoded by the
 * same code the device uses (decodeImage), so both sides see the same values.
 *   tsx models/train/export-pixels.ts <split folder> <out prefix>
 * writes <out prefix>.u8 ([images, 48, 48] grey, 0..255) and <out prefix>.json ({ side, labels, files },
 * labels as indices into EXPRESSIONS, files in listSplit's order).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { EXPRESSIONS } from '../src/expressions.ts';
import { decodeImage } from '../src/image.ts';
import { listSplit } from './fer2013.ts';

const SIDE = 48;

async function main(folder: string, prefix: string): Promise<void> {
  const images = await listSplit(folder);
  const pixels = new Uint8Array(images.length * SIDE * SIDE);
  for (const [n, { file }] of images.entries()) {
    const { width, height, data } = decodeImage(await readFile(file));
    if (width !== SIDE || height !== SIDE)
      throw new Error(`${file}: ${width}×${height}, not ${SIDE}×${SIDE}`);
    for (let p = 0; p < SIDE * SIDE; p++) {
      const [r, g, b] = [data[3 * p]!, data[3 * p + 1]!, data[3 * p + 2]!];
      if (r !== g || g !== b) throw new Error(`${file}: not grey`);
      pixels[n * SIDE * SIDE + p] = r;
    }
  }
  await writeFile(`${prefix}.u8`, pixels);
  await writeFile(
    `${prefix}.json`,
    JSON.stringify({
      side: SIDE,
      classes: EXPRESSIONS,
      labels: images.map((i) => i.label),
      files: images.map((i) => i.file),
    }),
  );
  console.error(`${images.length} images → ${prefix}.u8`);
}

const [folder, prefix] = process.argv.slice(2);
if (!folder || !prefix) {
  console.error('Cách dùng / Usage: tsx models/train/export-pixels.ts <split folder> <out prefix>');
  process.exitCode = 2;
} else {
  await main(folder, prefix);
}
