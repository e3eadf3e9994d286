/**
 * Request-to-bytes time of a ticket (layout, QR, rasterizing to dots, ESC/POS encode):
 * `npx tsx hardware/src/printer/bench.ts [iterations]`. Target: p99 < 150 ms.
 */
import { cpus } from 'node:os';
import type { PaperWidth } from './layout.ts';
import { ticketToEscPos } from './printer.ts';
import { sampleTicket } from './sample.ts';

const iterations = Number(process.argv[2] ?? 200);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

console.log(`node ${process.version}, ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}`);
for (const paper of ['58mm', '80mm'] as PaperWidth[]) {
  ticketToEscPos(sampleTicket(), paper); // warm-up: font metrics, module loading
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < iterations; i++) {
    const ticket = sampleTicket({ number: `A${String(i % 1000).padStart(3, '0')}`, ahead: i % 40 });
    const start = performance.now();
    bytes = ticketToEscPos(ticket, paper).length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(
    `${paper}: n=${iterations} p50 ${fmt(percentile(times, 50))} p99 ${fmt(percentile(times, 99))} max ${fmt(times.at(-1)!)}, ${bytes} bytes`,
  );
}
