import { type ChipCardReader, PcscCardReader } from './pcsc.ts';
import { CccdChipSimulator, sampleCitizen } from './simulator/chip.ts';
import { SimulatedCardReader } from './simulator/reader.ts';

export type ChipReaderConfig =
  /** `prefer`: a regular expression source matched against PC/SC reader names. */
  | { kind: 'pcsc'; prefer?: string; pollMs?: number }
  /** `sampleCard`: start with the sample citizen's simulated card on the reader (demos). */
  | { kind: 'simulator'; sampleCard?: boolean };

/** Opens the configured chip card reader. PC/SC problems surface on `waitForCard` as CccdError. */
export function createChipCardReader(config: ChipReaderConfig): ChipCardReader {
  switch (config.kind) {
    case 'pcsc':
      return new PcscCardReader({
        ...(config.prefer ? { prefer: new RegExp(config.prefer, 'i') } : {}),
        ...(config.pollMs ? { pollMs: config.pollMs } : {}),
      });
    case 'simulator': {
      const reader = new SimulatedCardReader();
      if (config.sampleCard) reader.insert(new CccdChipSimulator({ citizen: sampleCitizen() }));
      return reader;
    }
  }
}
