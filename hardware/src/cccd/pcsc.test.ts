import { describe, expect, it } from 'vitest';
import { CccdError } from './errors.ts';
import { createChipCardReader } from './factory.ts';
import { cccdAccessKey } from './mrz.ts';
import {
  type PcscCard,
  PcscCardReader,
  type PcscModule,
  type PcscReader,
  pcscError,
  pickReader,
} from './pcsc.ts';
import { readCccdChip } from './reader.ts';
import { CccdChipSimulator, sampleCitizen } from './simulator/chip.ts';
import { createTestPki } from './simulator/pki.ts';
import { SimulatedCardReader } from './simulator/reader.ts';

const PRESENT = 0x20;
const EMPTY = 0x10;
const citizen = sampleCitizen();
const pki = createTestPki();

/** The `smartcard` module's shape, with the simulated chip behind the contactless slot. */
function fakePcsc(chip: CccdChipSimulator, state: { present: boolean; disconnected?: boolean }): PcscModule {
  const card: PcscCard = {
    atr: Buffer.from('3B8880', 'hex'),
    transmit: async (command) => {
      if (!state.present) throw new Error('Card was removed (SCARD_W_REMOVED_CARD)');
      return Buffer.from(await chip.transmit(command));
    },
    disconnect: () => {
      state.disconnected = true;
    },
  };
  const reader = (name: string, present: () => boolean): PcscReader => ({
    name,
    get state() {
      return present() ? PRESENT : EMPTY;
    },
    connect: async () => card,
  });
  const readers = [
    reader('ACS ACR1252 1S CL Reader [ACR1252 SAM] 01 00', () => true),
    reader('ACS ACR1252 1S CL Reader [ACR1252 PICC] 00 00', () => state.present),
  ];
  return {
    Context: class {
      listReaders() {
        return readers;
      }
      close() {}
    },
  };
}

describe('PcscCardReader', () => {
  it('waits for a card on the contactless slot and reads it through PC/SC', async () => {
    const chip = new CccdChipSimulator({ citizen, pki });
    const state = { present: false, disconnected: false };
    const reader = new PcscCardReader({ load: async () => fakePcsc(chip, state), pollMs: 5 });
    const waiting = reader.waitForCard();
    setTimeout(() => {
      state.present = true;
    }, 20);
    const session = await waiting;
    expect(session.readerName).toContain('PICC');
    const data = await readCccdChip(session, { accessKeys: cccdAccessKey(citizen) });
    expect(data.personal?.fullName).toBe(citizen.fullName);
    session.close();
    expect(state.disconnected).toBe(true);
    await expect(session.transmit(Buffer.from('0084000008', 'hex'))).rejects.toMatchObject({
      code: 'transport',
    });
    reader.close();
  });

  it('maps a card pulled out to a Vietnamese/English transport error', async () => {
    const chip = new CccdChipSimulator({ citizen, pki });
    const state = { present: true };
    const session = await new PcscCardReader({ load: async () => fakePcsc(chip, state) }).waitForCard();
    state.present = false;
    const err = await readCccdChip(session, { accessKeys: cccdAccessKey(citizen) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CccdError);
    expect((err as CccdError).text.vi).toBe('Thẻ đã bị rút ra khỏi đầu đọc');
  });

  it('stops waiting when aborted', async () => {
    const chip = new CccdChipSimulator({ citizen, pki });
    const reader = new PcscCardReader({ load: async () => fakePcsc(chip, { present: false }), pollMs: 5 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(reader.waitForCard({ signal: controller.signal })).rejects.toMatchObject({
      code: 'transport',
    });
  });

  it('with the real smartcard package here (no pcscd, maybe no library) fails with a typed error', async () => {
    const reader = new PcscCardReader({ pollMs: 5 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const err = await reader.waitForCard({ signal: controller.signal }).catch((e: unknown) => e);
    reader.close();
    expect(err).toBeInstanceOf(CccdError);
    expect((err as CccdError).code).toBe('transport');
  });

  it('prefers the PICC interface and skips empty or mute slots', () => {
    const r = (name: string, state: number) => ({ name, state, connect: async () => ({}) as PcscCard });
    expect(pickReader([r('X SAM 0', PRESENT), r('X PICC 0', PRESENT)])?.name).toBe('X PICC 0');
    expect(pickReader([r('X PICC 0', EMPTY), r('Y', PRESENT | 0x200)])).toBeUndefined();
    expect(pickReader([r('A', PRESENT), r('B', PRESENT)], /^B$/)?.name).toBe('B');
  });

  it('names the missing pcscd service', () => {
    expect(pcscError(new Error('PC/SC service not running')).text.en).toContain('pcscd');
  });
});

describe('createChipCardReader', () => {
  it('gives a simulator with the sample card, or the PC/SC driver', async () => {
    const simulated = createChipCardReader({ kind: 'simulator', sampleCard: true });
    const session = await simulated.waitForCard();
    const data = await readCccdChip(session, { accessKeys: cccdAccessKey(sampleCitizen()) });
    expect(data.mrz.idNumber).toBe(sampleCitizen().idNumber);
    expect(createChipCardReader({ kind: 'pcsc', prefer: 'PICC' })).toBeInstanceOf(PcscCardReader);
  });
});

describe('SimulatedCardReader', () => {
  it('hands out the inserted simulator and fails reads after removal', async () => {
    const reader = new SimulatedCardReader();
    const waiting = reader.waitForCard();
    reader.insert(new CccdChipSimulator({ citizen, pki }));
    const session = await waiting;
    const data = await readCccdChip(session, { accessKeys: cccdAccessKey(citizen) });
    expect(data.mrz.idNumber).toBe(citizen.idNumber);
    reader.remove();
    await expect(readCccdChip(session, { accessKeys: cccdAccessKey(citizen) })).rejects.toMatchObject({
      code: 'transport',
    });
  });
});
