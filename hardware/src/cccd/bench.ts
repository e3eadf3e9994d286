// Benchmark: `npx tsx hardware/src/cccd/bench.ts`. Measures this code, not a card: against the
// simulator both sides' crypto run here, and a real chip's NFC link time (a few ms per APDU) is not
// included; the APDU counts below tell how many round trips a real read needs.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { cccdAccessKey } from './mrz.ts';
import { parseCccdQr } from './qr.ts';
import { readCccdChip } from './reader.ts';
import { CccdChipSimulator, sampleCitizen } from './simulator/chip.ts';
import { placeholderJpeg } from './simulator/lds.ts';
import { createTestPki, type SignatureScheme } from './simulator/pki.ts';

async function timeIt(runs: number, fn: () => unknown): Promise<number> {
  await fn(); // warm-up
  const start = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return (performance.now() - start) / runs;
}

const rows: string[] = [];
const qr = '001090007064||Nguyễn Văn An|15031990|Nam|Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội|20042021';
const qrMs = await timeIt(20_000, () => parseCccdQr(qr));
rows.push(`| parse a CCCD QR payload | ${(qrMs * 1000).toFixed(1)} µs | — |`);

const citizen = sampleCitizen();
const key = cccdAccessKey(citizen);
for (const scheme of ['ecdsa-p256-sha256', 'rsa-sha256'] as SignatureScheme[]) {
  const pki = createTestPki({ scheme });
  const anchors = [pki.csca.certificate];
  for (const [label, groups, face] of [
    ['BAC + DG1 + DG13 + passive auth', [1, 13], null],
    ['same + 15 KB face (DG2)', [1, 2, 13], placeholderJpeg(15_000)],
  ] as const) {
    const card = new CccdChipSimulator({ citizen, pki, face, activeAuthentication: 'ecdsa' });
    const ms = await timeIt(20, () =>
      readCccdChip(card, { accessKeys: key, dataGroups: groups, trustAnchors: anchors }),
    );
    const before = card.received.length;
    await readCccdChip(card, { accessKeys: key, dataGroups: groups, trustAnchors: anchors });
    rows.push(
      `| ${label}, AA, SOD ${scheme} (simulated chip) | ${ms.toFixed(1)} ms | ${card.received.length - before} |`,
    );
  }
}

{
  const pki = createTestPki();
  for (const [label, parameterId] of [
    ['PACE-CAN brainpoolP256r1 AES-128 + DG1 + DG13 + passive auth', 13],
    ['PACE-CAN NIST P-256 AES-128 + DG1 + DG13 + passive auth', 12],
  ] as const) {
    const card = new CccdChipSimulator({ citizen, pki, pace: { parameterId }, bac: false });
    const ms = await timeIt(10, () =>
      readCccdChip(card, { accessKeys: key, trustAnchors: [pki.csca.certificate] }),
    );
    const before = card.received.length;
    await readCccdChip(card, { accessKeys: key, trustAnchors: [pki.csca.certificate] });
    rows.push(`| ${label} (simulated chip) | ${ms.toFixed(1)} ms | ${card.received.length - before} |`);
  }
}

console.log(`Node ${process.version}, ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}\n`);
console.log('| operation | mean time | APDUs |');
console.log('|---|---|---|');
for (const row of rows) console.log(row);
