import { describe, expect, it } from 'vitest';
import type { CardTransport } from './apdu.ts';
import { CccdError } from './errors.ts';
import { accessKeysFromQr, cccdAccessKey, cccdExpiryCandidates } from './mrz.ts';
import { parseCccdQr } from './qr.ts';
import { readCccdChip } from './reader.ts';
import { CccdChipSimulator, sampleCitizen } from './simulator/chip.ts';
import { placeholderJpeg } from './simulator/lds.ts';
import { createTestPki } from './simulator/pki.ts';

const pki = createTestPki();
const citizen = sampleCitizen();
const key = cccdAccessKey(citizen);
const anchors = [pki.csca.certificate];

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CccdError) return err.code;
    throw err;
  }
  throw new Error('expected a CccdError');
}

describe('readCccdChip against the simulated chip', () => {
  it('reads MRZ and DG13, verified up to the CSCA, without the photo by default', async () => {
    const card = new CccdChipSimulator({ citizen, pki });
    const data = await readCccdChip(card, { accessKeys: key, trustAnchors: anchors });
    expect(data.mrz).toMatchObject({
      documentCode: 'ID',
      issuingState: 'VNM',
      documentNumber: '090007064',
      idNumber: '001090007064',
      birthDate: '900315',
      expiryDate: '300315',
      sex: 'M',
      primaryIdentifier: 'NGUYEN',
      secondaryIdentifier: 'VAN AN',
    });
    expect(data.personal).toMatchObject({
      idNumber: '001090007064',
      fullName: 'Nguyễn Văn An',
      birthDate: '1990-03-15',
      gender: 'male',
      ethnicity: 'Kinh',
      placeOfResidence: citizen.placeOfResidence,
      issueDate: '2021-04-20',
      expiryDate: '2030-03-15',
      fatherName: 'Nguyễn Văn Bình',
      motherName: 'Trần Thị Cúc',
    });
    expect(data.personal?.spouseName).toBeUndefined();
    expect(data.face).toBeUndefined();
    expect(data.com.dataGroups).toEqual([1, 2, 13]);
    expect(data.authentication).toMatchObject({
      verifiedDataGroups: [1, 13],
      chain: 'trusted',
      hashAlgorithm: 'sha256',
    });
    expect(data.paceAvailable).toBe(false);
    // DG2 was never selected: its file id 0102 does not appear in any plain header.
    expect(card.received.every((apdu) => !apdu.startsWith('00A4020C020102'))).toBe(true);
  });

  it('reads the face image in many chunks when asked', async () => {
    const face = placeholderJpeg(15_000);
    const card = new CccdChipSimulator({ citizen, pki, face });
    const data = await readCccdChip(card, { accessKeys: key, dataGroups: [1, 2, 13], trustAnchors: anchors });
    expect(data.face?.mimeType).toBe('image/jpeg');
    expect(data.face?.bytes.equals(face)).toBe(true);
    expect(data.authentication.verifiedDataGroups).toEqual([1, 2, 13]);
    expect(card.received.length).toBeGreaterThan(15_000 / 0xdf);
  });

  it('parses DG13 listed flat, with spouse and old ID number', async () => {
    const married = sampleCitizen({ spouseName: 'Lê Thị Hoa', oldIdNumber: '012345678' });
    const card = new CccdChipSimulator({ citizen: married, pki, dg13Layout: 'flat' });
    const data = await readCccdChip(card, { accessKeys: key, trustAnchors: anchors });
    expect(data.personal?.spouseName).toBe('Lê Thị Hoa');
    expect(data.personal?.raw[15]).toEqual(['012345678']);
  });

  it('tries the access keys in order, as when the expiry date is guessed from the QR', async () => {
    const card = new CccdChipSimulator({ citizen, pki });
    const qr = parseCccdQr(
      `${citizen.idNumber}||${citizen.fullName}|15031990|Nam|${citizen.placeOfResidence}|20042021`,
    );
    const keys = accessKeysFromQr(qr);
    expect(keys.map((k) => k.expiryDate)).toEqual(
      cccdExpiryCandidates(qr.birthDate, qr.issueDate).map((iso) => iso.slice(2).replace(/-/g, '')),
    );
    const wrongFirst = [{ ...keys[0]!, expiryDate: '291231' }, ...keys];
    const data = await readCccdChip(card, { accessKeys: wrongFirst, trustAnchors: anchors });
    expect(data.accessKeyIndex).toBe(1);
    expect(data.personal?.idNumber).toBe(qr.idNumber);
  });

  it('asks for the expiry date when the QR cannot give one (holder over 60)', () => {
    expect(() =>
      accessKeysFromQr({ idNumber: '001060007064', birthDate: '1960-01-01', issueDate: '2021-04-20' }),
    ).toThrow(/expiry date printed on the card/);
  });

  it('refuses a wrong access key with auth_failed', async () => {
    const card = new CccdChipSimulator({ citizen, pki });
    const wrong = { ...key, birthDate: '900316' };
    expect(await codeOf(readCccdChip(card, { accessKeys: wrong }))).toBe('auth_failed');
  });

  it('catches a data group changed after signing', async () => {
    const card = new CccdChipSimulator({ citizen, pki, tamperDataGroup: 13 });
    expect(await codeOf(readCccdChip(card, { accessKeys: key, trustAnchors: anchors }))).toBe('passive_auth');
  });

  it('refuses a document signer from an unknown CSCA, and says when no CSCA is configured', async () => {
    const card = new CccdChipSimulator({ citizen, pki: createTestPki() });
    expect(await codeOf(readCccdChip(card, { accessKeys: key, trustAnchors: anchors }))).toBe('passive_auth');
    const data = await readCccdChip(card, { accessKeys: key });
    expect(data.authentication.chain).toBe('no_trust_anchor');
  });

  it('refuses a document signer that is not valid at the time of reading', async () => {
    const card = new CccdChipSimulator({ citizen, pki });
    const later = new Date(Date.now() + 20 * 365 * 86_400_000);
    expect(await codeOf(readCccdChip(card, { accessKeys: key, trustAnchors: anchors, now: later }))).toBe(
      'passive_auth',
    );
  });

  it.each(['rsa-sha256', 'rsa-pss-sha256'] as const)('verifies %s signatures', async (scheme) => {
    const rsa = createTestPki({ scheme });
    const card = new CccdChipSimulator({ citizen, pki: rsa });
    const data = await readCccdChip(card, { accessKeys: key, trustAnchors: [rsa.csca.der] });
    expect(data.authentication.chain).toBe('trusted');
  });

  it('follows T=0 GET RESPONSE chaining', async () => {
    const card = new CccdChipSimulator({ citizen, pki, t0ChunkSize: 40 });
    const data = await readCccdChip(card, { accessKeys: key, trustAnchors: anchors });
    expect(data.personal?.fullName).toBe('Nguyễn Văn An');
    expect(card.received.some((apdu) => apdu.startsWith('00C00000'))).toBe(true);
  });

  it('reports PACE availability from EF.CardAccess and still reads with BAC', async () => {
    const card = new CccdChipSimulator({ citizen, pki, cardAccess: Buffer.from('3100', 'hex') });
    const data = await readCccdChip(card, { accessKeys: key });
    expect(data.paceAvailable).toBe(true);
    expect(card.received.some((apdu) => apdu === '00A4000C023F00')).toBe(false);
  });

  it('turns a card pulled out mid-read into a transport error', async () => {
    const card = new CccdChipSimulator({ citizen, pki });
    let count = 0;
    const flaky: CardTransport = {
      transmit: (apdu) => {
        if (++count === 8) card.removed = true;
        return card.transmit(apdu);
      },
    };
    expect(await codeOf(readCccdChip(flaky, { accessKeys: key }))).toBe('transport');
  });

  it('detects a response altered on the way (MAC check)', async () => {
    const card = new CccdChipSimulator({ citizen, pki });
    let count = 0;
    const meddler: CardTransport = {
      async transmit(apdu) {
        const answer = Buffer.from(await card.transmit(apdu));
        if (++count === 7 && answer.length > 4) answer[3]! ^= 0x40;
        return answer;
      },
    };
    expect(await codeOf(readCccdChip(meddler, { accessKeys: key }))).toBe('secure_messaging');
  });

  it('says so when the card has no eMRTD applet', async () => {
    const notAnId: CardTransport = { transmit: async () => Buffer.from([0x6a, 0x82]) };
    expect(await codeOf(readCccdChip(notAnId, { accessKeys: key }))).toBe('not_found');
  });

  it('turns a reader failing during GET RESPONSE into a transport error', async () => {
    let calls = 0;
    const dying: CardTransport = {
      async transmit() {
        if (++calls === 1) return Buffer.from([0x61, 0x10]);
        throw new Error('USB disconnected');
      },
    };
    expect(await codeOf(readCccdChip(dying, { accessKeys: key }))).toBe('transport');
  });

  it('answers garbage from the reader with typed errors only', async () => {
    for (const answer of [[], [0x90], [0x61], [0x90, 0x00], [0x12, 0x34, 0x90, 0x00]]) {
      const broken: CardTransport = { transmit: async () => Buffer.from(answer) };
      await expect(readCccdChip(broken, { accessKeys: key })).rejects.toBeInstanceOf(CccdError);
    }
  });
});
