/**
 * The fixed validation subset committed for the tests (CI has no dataset):
 *   tsx models/train/make-fixture.ts /work/shared/datasets/fer2013/validation models/test/fixtures/fer2013-validation-300
 * 300 images drawn with a fixed seed from FER2013's PublicTest split, copied into <out>/<expression>/.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EXPRESSIONS } from '../src/expressions.ts';
import { listSplit, seededShuffle } from './fer2013.ts';

const [folder, out, count = '300'] = process.argv.slice(2);
if (!folder || !out) {
  console.error(
    'Cách dùng / Usage: tsx models/train/make-fixture.ts <validation folder> <out folder> [count]',
  );
  process.exitCode = 2;
} else {
  const picked = seededShuffle(await listSplit(folder), 300).slice(0, Number(count));
  for (const image of picked) {
    const dir = join(out, EXPRESSIONS[image.label]!);
    await mkdir(dir, { recursive: true });
    await copyFile(image.file, join(dir, basename(image.file)));
  }
  console.log(`${picked.length} → ${out}`);
}
