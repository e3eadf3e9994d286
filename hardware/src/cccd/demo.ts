// Field check of a reader and a card: `npx tsx hardware/src/cccd/demo.ts '<QR text>' [--pcsc]
// [--csca path.pem] [--face]`. Without --pcsc it reads the simulated sample card (pass any QR of
// the sample citizen, or none). Prints only masked or non-personal facts: never the full ID
// number, the name or the birth date.
import { readFileSync } from 'node:fs';
import { CccdError } from './errors.ts';
import { createChipCardReader } from './factory.ts';
import { accessKeysFromQr, cccdAccessKey, cccdCardAccessNumber } from './mrz.ts';
import type { ChipCardReader } from './pcsc.ts';
import { maskIdNumber } from './privacy.ts';
import { parseCccdQr } from './qr.ts';
import { readCccdChip } from './reader.ts';
import { sampleCitizen } from './simulator/chip.ts';

export interface DemoOptions {
  qr?: string;
  trustAnchors?: string[];
  face?: boolean;
}

/** Reads one card and returns printable lines without personal data. */
export async function chipDemo(
  reader: ChipCardReader,
  options: DemoOptions,
  signal?: AbortSignal,
): Promise<string[]> {
  const sample = sampleCitizen();
  const qr = options.qr ? parseCccdQr(options.qr) : undefined;
  const idNumber = qr?.idNumber ?? sample.idNumber;
  let accessKeys = qr ? [] : [cccdAccessKey(sample)];
  if (qr) {
    try {
      accessKeys = accessKeysFromQr(qr);
    } catch (err) {
      if (!(err instanceof CccdError && err.code === 'access_key')) throw err; // PACE with the CAN may still work
    }
  }
  const session = await reader.waitForCard(signal ? { signal } : {});
  try {
    const chip = await readCccdChip(session, {
      accessKeys,
      can: cccdCardAccessNumber(idNumber),
      dataGroups: options.face ? [1, 2, 13] : [1, 13],
      trustAnchors: options.trustAnchors ?? [],
    });
    return [
      `reader: ${session.readerName}`,
      `ATR: ${session.atr.toString('hex').toUpperCase()}`,
      `opened with: ${chip.accessMethod}${chip.accessKeyIndex === undefined ? '' : ` (key ${chip.accessKeyIndex})`}; PACE offered: ${chip.paceAvailable}`,
      `LDS ${chip.com.ldsVersion}, data groups on the chip: ${chip.com.dataGroups.join(', ')}`,
      `ID number (masked): ${chip.mrz.idNumber ? maskIdNumber(chip.mrz.idNumber) : 'not in the MRZ'}`,
      `DG13 fields present: ${Object.keys(chip.personal?.raw ?? {}).join(', ') || 'none'}`,
      `passive authentication: DGs ${chip.authentication.verifiedDataGroups.join(', ')} match the SOD (${chip.authentication.hashAlgorithm}); chain: ${chip.authentication.chain}`,
      `document signer: ${chip.authentication.documentSigner.subject.replace(/\n/g, ', ')}`,
      `active authentication: ${chip.activeAuthentication}`,
      ...(chip.face ? [`face: ${chip.face.mimeType}, ${chip.face.bytes.length} bytes`] : []),
    ];
  } finally {
    session.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const cscaIndex = args.indexOf('--csca');
  const csca = cscaIndex >= 0 ? args[cscaIndex + 1] : undefined;
  const qr = args.find((a, i) => !a.startsWith('--') && i !== cscaIndex + 1);
  const reader = createChipCardReader(
    args.includes('--pcsc') ? { kind: 'pcsc' } : { kind: 'simulator', sampleCard: true },
  );
  chipDemo(reader, {
    ...(qr ? { qr } : {}),
    ...(csca ? { trustAnchors: [readFileSync(csca, 'utf8')] } : {}),
    face: args.includes('--face'),
  })
    .then((lines) => console.log(lines.join('\n')))
    .catch((err: unknown) => {
      console.error(err instanceof CccdError ? `${err.text.vi}\n${err.text.en}` : err);
      process.exitCode = 1;
    })
    .finally(() => reader.close());
}
