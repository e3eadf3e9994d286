/**
 * Averages heads trained by train-head.ts on the same faces (other seeds or losses) into one head of the
 * same format: their hidden layers side by side, the last layers stacked and divided by their number.
 * The mean of residual heads' logits is the shipped logits plus the mean correction, so the result is
 * exactly the ensemble and the loader is unchanged. Their held-out logits are averaged too, for
 * fit-adjustment.ts.
 *   npm run ensemble-heads -w models -- <run dir>… --out <dir>
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HEAD_NAME, type HeadLayer, type HeadWeights, readHead } from '../src/expression-head.ts';
import { writeHeadFiles } from './train-head.ts';

type Rows = number[][];
interface LogitsRecord {
  [split: string]: { labels: number[]; head: Rows; shipped: Rows };
}

const sameArray = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** One head whose logits are the mean of the given two-layer heads' logits. */
export function averageHeads(heads: readonly HeadWeights[]): HeadWeights {
  const [first] = heads;
  if (!first) throw new Error('no head to average');
  for (const h of heads) {
    // A fine-tuned net gives each head features of its own: only heads on the shipped net average.
    if (h.net) throw new Error('a head on a fine-tuned net cannot be averaged with others');
    const shapeOk = h.layers.length === 2 && h.inputs === first.inputs && h.addShipped === first.addShipped;
    if (!shapeOk || !sameArray(h.mean, first.mean) || !sameArray(h.scale, first.scale))
      throw new Error('heads differ in shape, inputs or standardisation: trained on other faces?');
  }
  const hiddenWidths = heads.map((h) => h.layers[0]!.outputs);
  const hidden = hiddenWidths.reduce((a, b) => a + b, 0);
  const outputs = first.layers[1]!.outputs;
  const w1 = new Float32Array(first.inputs * hidden);
  const b1 = new Float32Array(hidden);
  const w2 = new Float32Array(hidden * outputs);
  const b2 = new Float32Array(outputs);
  let column = 0;
  for (const h of heads) {
    const [l1, l2] = h.layers as [HeadLayer, HeadLayer];
    for (let i = 0; i < l1.inputs; i++)
      w1.set(l1.weights.subarray(i * l1.outputs, (i + 1) * l1.outputs), i * hidden + column);
    b1.set(l1.bias, column);
    l2.weights.forEach((v, j) => {
      w2[column * outputs + j] = v / heads.length;
    });
    l2.bias.forEach((v, k) => {
      b2[k]! += v / heads.length;
    });
    column += l1.outputs;
  }
  return {
    ...first,
    temperature: 1,
    layers: [
      { inputs: first.inputs, outputs: hidden, activation: 'relu', weights: w1, bias: b1 },
      { inputs: hidden, outputs, activation: 'linear', weights: w2, bias: b2 },
    ],
    info: { ...first.info, ensembleOf: heads.map((h) => h.info.options) },
  };
}

const meanRows = (all: Rows[]): Rows =>
  all[0]!.map((row, i) => row.map((_, k) => all.reduce((a, rows) => a + rows[i]![k]!, 0) / all.length));

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { out: { type: 'string' } }, allowPositionals: true });
  if (positionals.length < 2 || !values.out)
    throw new Error('Cách dùng / Usage: ensemble-heads.ts <run dir> <run dir>… --out <dir>');
  const heads = await Promise.all(positionals.map((dir) => readHead(dir)));
  const records = await Promise.all(
    positionals.map(
      async (dir) =>
        JSON.parse(await readFile(join(dir, `${HEAD_NAME}.logits.json`), 'utf8')) as LogitsRecord,
    ),
  );
  const averaged: LogitsRecord = {};
  for (const split of Object.keys(records[0]!)) {
    const { labels, shipped } = records[0]![split]!;
    averaged[split] = { labels, shipped, head: meanRows(records.map((r) => r[split]!.head)) };
  }
  await writeHeadFiles(values.out, averageHeads(heads), { ensembleOf: positionals });
  await writeFile(join(values.out, `${HEAD_NAME}.logits.json`), JSON.stringify(averaged));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
