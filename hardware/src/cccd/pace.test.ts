import { describe, expect, it } from 'vitest';
import { HardwareError } from '../errors.ts';
import { fromHex, toHex } from './bytes.ts';
import { aesCmac, kdf, macEquals } from './crypto.ts';
import { curveByName, decodePoint, encodePoint, multiply } from './ec.ts';
import { cccdAccessKey, cccdCardAccessNumber } from './mrz.ts';
import { choosePace, pacePassword, paceToken, parseCardAccess, performPace } from './pace.ts';
import { readCccdChip } from './reader.ts';
import { CccdChipSimulator, sampleCitizen } from './simulator/chip.ts';
import { createTestPki } from './simulator/pki.ts';

// ICAO Doc 9303-11, worked example "PACE – Generic Mapping", ECDH based (brainpoolP256r1,
// id-PACE-ECDH-GM-AES-CBC-CMAC-128, MRZ password).
const EX = {
  cardAccess: '3114301206 0A 04007F0007020204020202010202010D',
  mrz: { documentNumber: 'T22000129', birthDate: '640812', expiryDate: '101031' },
  kPi: '89DED1B26624EC1E634C1989302849DD',
  encryptedNonce: '95A3A016522EE98D01E76CB6B98B42C3',
  mapPrivate: '7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99',
  mapPublic:
    '047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D',
  chipMapPublic:
    '04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54',
  ephPrivate: 'A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595',
  ephPublic:
    '042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462',
  chipEphPublic:
    '049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094',
  kMac: 'FE251C7858B356B24514B3BD5F4297D1',
  kEnc: 'F5F0E35C0D7161EE6724EE513A0D9A7F',
  terminalToken: 'C2B0BD78D94BA866',
  chipToken: '3ABB9674BCE93C08',
};

describe('PACE ECDH generic mapping (ICAO worked example)', () => {
  it('finds the PACE protocol and domain parameters in EF.CardAccess', () => {
    const infos = parseCardAccess(fromHex(EX.cardAccess));
    expect(infos).toEqual([
      { oid: '0.4.0.127.0.7.2.2.4.2.2', version: 2, parameterId: 13, mapping: 'ECDH-GM', cipher: 'aes128' },
    ]);
    expect(choosePace(infos)).toBe(infos[0]);
  });

  it('derives K_π from the MRZ password', () => {
    const { secret, reference } = pacePassword({ mrz: EX.mrz });
    expect(reference).toBe(1);
    expect(toHex(kdf(secret, 3, 'aes128'))).toBe(EX.kPi);
  });

  it('runs the whole protocol byte for byte and ends with the example session keys', async () => {
    const infos = parseCardAccess(fromHex(EX.cardAccess));
    const sent: string[] = [];
    const answers = [
      '9000',
      `7C128010${EX.encryptedNonce}9000`,
      `7C438241${EX.chipMapPublic}9000`,
      `7C438441${EX.chipEphPublic}9000`,
      `7C0A8608${EX.chipToken}9000`,
    ];
    const card = {
      async transmit(apdu: Uint8Array) {
        sent.push(toHex(apdu));
        return fromHex(answers[sent.length - 1]!);
      },
    };
    const randoms = [fromHex(EX.mapPrivate), fromHex(EX.ephPrivate)];
    const session = await performPace(card, infos[0]!, { mrz: EX.mrz }, () => randoms.shift()!);
    expect(sent).toEqual([
      '0022C1A412800A04007F0007020204020283010184010D',
      '10860000027C0000',
      `10860000457C438141${EX.mapPublic}00`,
      `10860000457C438341${EX.ephPublic}00`,
      `008600000C7C0A8508${EX.terminalToken}00`,
    ]);
    expect(session.sm).toBeDefined();
  });

  it('refuses a chip token that does not verify', async () => {
    const infos = parseCardAccess(fromHex(EX.cardAccess));
    const answers = [
      '9000',
      `7C128010${EX.encryptedNonce}9000`,
      `7C438241${EX.chipMapPublic}9000`,
      `7C438441${EX.chipEphPublic}9000`,
      '7C0A86080000000000000000 9000'.replace(/ /g, ''),
    ];
    let i = 0;
    const card = { transmit: async () => fromHex(answers[i++]!) };
    const randoms = [fromHex(EX.mapPrivate), fromHex(EX.ephPrivate)];
    await expect(performPace(card, infos[0]!, { mrz: EX.mrz }, () => randoms.shift()!)).rejects.toMatchObject(
      {
        code: 'auth_failed',
      },
    );
  });

  it('computes the example key agreement, session keys and tokens', () => {
    const curve = curveByName('brainpoolP256r1');
    expect(toHex(encodePoint(curve, multiply(curve, curve.g, BigInt(`0x${EX.mapPrivate}`))))).toBe(
      EX.mapPublic,
    );
    const mapped = decodePoint(
      curve,
      fromHex(
        '048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E28C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522',
      ),
    );
    const shared = multiply(
      curve,
      decodePoint(curve, fromHex(EX.chipEphPublic)),
      BigInt(`0x${EX.ephPrivate}`),
    );
    const k = fromHex(shared.x.toString(16).padStart(64, '0'));
    expect(toHex(k)).toBe('28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925');
    expect(toHex(kdf(k, 1, 'aes128'))).toBe(EX.kEnc);
    expect(toHex(kdf(k, 2, 'aes128'))).toBe(EX.kMac);
    const info = parseCardAccess(fromHex(EX.cardAccess))[0]!;
    expect(toHex(paceToken(info, fromHex(EX.kMac), fromHex(EX.chipEphPublic)))).toBe(EX.terminalToken);
    expect(toHex(paceToken(info, fromHex(EX.kMac), fromHex(EX.ephPublic)))).toBe(EX.chipToken);
    expect(toHex(encodePoint(curve, multiply(curve, mapped, BigInt(`0x${EX.ephPrivate}`))))).toBe(
      EX.ephPublic,
    );
  });

  it('refuses a chip point off the curve, and a product at infinity, with an auth_failed CccdError', () => {
    const curve = curveByName('brainpoolP256r1');
    const offCurve = fromHex(EX.chipEphPublic);
    offCurve[offCurve.length - 1]! ^= 1;
    expect(() => decodePoint(curve, offCurve)).toThrow(
      expect.objectContaining({ name: 'CccdError', code: 'auth_failed' }),
    );
    expect(() => multiply(curve, curve.g, curve.n)).toThrow(expect.objectContaining({ code: 'auth_failed' }));
    expect(() => decodePoint(curve, offCurve)).toThrow(HardwareError); // one error family with the drivers
  });

  it('compares MACs by content and length', () => {
    expect(macEquals(fromHex('C2B0BD78D94BA866'), fromHex('C2B0BD78D94BA866'))).toBe(true);
    expect(macEquals(fromHex('C2B0BD78D94BA866'), fromHex('C2B0BD78D94BA867'))).toBe(false);
    expect(macEquals(fromHex('C2B0BD78D94BA866'), fromHex('C2B0BD78D94BA8'))).toBe(false);
  });

  it('computes AES-CMAC as NIST SP 800-38B example 2', () => {
    const key = fromHex('2B7E151628AED2A6ABF7158809CF4F3C');
    expect(toHex(aesCmac(key, fromHex('6BC1BEE22E409F96E93D7E117393172A')))).toBe(
      '070A16B46B4D4144F79BDD9DD04A287C',
    );
    expect(toHex(aesCmac(key, Buffer.alloc(0)))).toBe('BB1D6929E95937287FA37D129B756746');
  });
});

describe('PACE against the simulated chip', () => {
  const citizen = sampleCitizen();
  const pki = createTestPki();
  const key = cccdAccessKey(citizen);

  it.each([
    [13, 'aes128'],
    [12, 'aes256'],
    [13, '3des'],
  ] as const)(
    'opens a PACE-only chip (parameters %i, %s) with the CAN from the ID number',
    async (parameterId, cipher) => {
      const card = new CccdChipSimulator({ citizen, pki, pace: { parameterId, cipher }, bac: false });
      const data = await readCccdChip(card, { accessKeys: key, trustAnchors: [pki.csca.der] });
      expect(data.accessMethod).toBe('pace');
      expect(data.accessKeyIndex).toBeUndefined();
      expect(data.paceAvailable).toBe(true);
      expect(data.personal?.fullName).toBe(citizen.fullName);
      expect(card.received.some((apdu) => apdu.startsWith('00840000'))).toBe(false);
    },
  );

  it('falls back to BAC when the CAN is refused and the chip allows BAC', async () => {
    const card = new CccdChipSimulator({ citizen, pki, pace: { can: '111111' } });
    const data = await readCccdChip(card, { accessKeys: key });
    expect(data.accessMethod).toBe('bac');
    expect(data.accessKeyIndex).toBe(0);
  });

  it('fails with auth_failed when a PACE-only chip refuses the CAN', async () => {
    const card = new CccdChipSimulator({ citizen, pki, pace: { can: '111111' }, bac: false });
    await expect(readCccdChip(card, { accessKeys: key })).rejects.toMatchObject({ code: 'auth_failed' });
  });

  it('uses an explicit CAN without any BAC key, and BAC only when told', async () => {
    const card = new CccdChipSimulator({ citizen, pki, pace: { can: '246810' } });
    const data = await readCccdChip(card, { accessKeys: [], can: '246810' });
    expect(data.accessMethod).toBe('pace');
    // The holder over 60 whose expiry cannot be derived: the CAN from the QR's ID number suffices.
    const senior = new CccdChipSimulator({ citizen, pki, pace: {}, bac: false });
    const read = await readCccdChip(senior, { accessKeys: [], can: cccdCardAccessNumber(citizen.idNumber) });
    expect(read.personal?.idNumber).toBe(citizen.idNumber);
    const bacOnly = await readCccdChip(card, { accessKeys: key, pace: 'never' });
    expect(bacOnly.accessMethod).toBe('bac');
  });
});
