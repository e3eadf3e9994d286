import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDg1, parseDg2, parseDg13, parseEfCom } from './datagroups.ts';
import { encodeInteger, encodeOid, OID, printable, seq, set, utf8 } from './der.ts';
import { CccdError } from './errors.ts';
import { identityFromChip, identityFromQr } from './identity.ts';
import { cccdAccessKey, cccdExpiryCandidates, mrzInformation, parseMrz } from './mrz.ts';
import { parseCccdQr } from './qr.ts';
import { readCccdChip } from './reader.ts';
import { CccdChipSimulator, sampleCitizen } from './simulator/chip.ts';
import {
  buildDg1,
  buildDg2,
  buildDg13,
  buildEfCom,
  buildSod,
  cccdMrz,
  placeholderJpeg,
} from './simulator/lds.ts';
import { createTestPki } from './simulator/pki.ts';
import { parseSod, verifyPassiveAuthentication } from './sod.ts';
import { encodeTlv, parseTlvs, readTlv } from './tlv.ts';

const citizen = sampleCitizen();
const pki = createTestPki();

describe('BER-TLV', () => {
  it('reads multi-byte tags and long lengths', () => {
    const value = Buffer.alloc(300, 0xab);
    const tlv = readTlv(encodeTlv(0x5f1f, value));
    expect(tlv.tag).toBe(0x5f1f);
    expect(tlv.value.length).toBe(300);
    expect(encodeTlv(0x5f1f, value).subarray(0, 5).toString('hex')).toBe('5f1f82012c');
  });

  it('refuses truncated and indefinite forms with a typed error', () => {
    for (const hex of ['5f', '61', '6105aabb', '6180', '618500000000', '61820100']) {
      expect(() => parseTlvs(Buffer.from(hex, 'hex'))).toThrow(CccdError);
    }
  });
});

describe('MRZ', () => {
  it('builds the CCCD key from the last 9 digits of the ID number', () => {
    const key = cccdAccessKey({
      idNumber: '001090007064',
      birthDate: '1990-03-15',
      expiryDate: '2030-03-15',
    });
    expect(key).toEqual({ documentNumber: '090007064', birthDate: '900315', expiryDate: '300315' });
    expect(mrzInformation(key)).toMatch(/^090007064\d900315\d300315\d$/);
  });

  it('refuses malformed key material', () => {
    expect(() =>
      cccdAccessKey({ idNumber: '12345', birthDate: '1990-03-15', expiryDate: '2030-03-15' }),
    ).toThrow(CccdError);
    expect(() => mrzInformation({ documentNumber: 'AB', birthDate: '901315', expiryDate: '300315' })).toThrow(
      CccdError,
    );
  });

  it('parses the simulated CCCD MRZ and checks its digits', () => {
    const mrz = cccdMrz(citizen);
    expect(mrz).toHaveLength(90);
    expect(parseMrz(mrz)).toMatchObject({
      format: 'TD1',
      idNumber: citizen.idNumber,
      sex: 'M',
      nationality: 'VNM',
    });
    const broken = `${mrz.slice(0, 14)}${(Number(mrz[14]) + 1) % 10}${mrz.slice(15)}`;
    expect(() => parseMrz(broken)).toThrow(/check digit of document number/);
  });

  it('parses the ICAO TD3 specimen', () => {
    const td3 =
      'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' + 'L898902C36UTO7408122F1204159ZE184226B<<<<<10';
    expect(parseMrz(td3)).toMatchObject({
      documentNumber: 'L898902C3',
      primaryIdentifier: 'ERIKSSON',
      secondaryIdentifier: 'ANNA MARIA',
      sex: 'F',
    });
  });

  it('guesses expiry dates from birth and issue dates by the 25/40/60 rule', () => {
    expect(cccdExpiryCandidates('1990-03-15', '2021-04-20')).toEqual(['2030-03-15', '2050-03-15']);
    // Issued at 23 years 10 months: within 2 years of 25, so valid to 40.
    expect(cccdExpiryCandidates('1997-06-01', '2021-04-01')[0]).toBe('2037-06-01');
    // Issued at 59: no expiry.
    expect(cccdExpiryCandidates('1962-06-01', '2021-04-01')).toEqual([]);
    // Under the 2023 law a child's card runs to 14.
    expect(cccdExpiryCandidates('2016-05-05', '2024-09-01')[0]).toBe('2030-05-05');
    expect(cccdExpiryCandidates('2000-02-29', '2021-01-01')[0]).toBe('2025-02-28');
  });
});

describe('data groups', () => {
  it('reads EF.COM', () => {
    expect(parseEfCom(buildEfCom([1, 2, 13, 14]))).toEqual({
      ldsVersion: '0107',
      unicodeVersion: '040000',
      dataGroups: [1, 2, 13, 14],
    });
  });

  it('keys DG13 fields by number, tolerating gaps, PrintableString and ddmmyyyy dates', () => {
    const entry = (n: number, value: Buffer) => seq(encodeInteger(n), value);
    const dg13 = encodeTlv(0x6d, [
      seq(
        encodeInteger(1),
        encodeOid(OID.utf8Charset),
        set(
          entry(1, printable('001090007064')),
          entry(2, utf8('Lê Thị Hoa'.normalize('NFD'))),
          entry(3, utf8('05012001')),
          entry(4, utf8('Nữ')),
          entry(12, utf8('Không thời hạn')),
          entry(16, utf8('B1234567')),
        ),
      ),
    ]);
    const data = parseDg13(dg13);
    expect(data).toMatchObject({
      idNumber: '001090007064',
      fullName: 'Lê Thị Hoa',
      birthDate: '2001-01-05',
      gender: 'female',
    });
    expect(data.expiryDate).toBeUndefined();
    expect(data.raw[12]).toEqual(['Không thời hạn']);
    expect(data.raw[16]).toEqual(['B1234567']);
    expect(data.placeOfOrigin).toBeUndefined();
  });

  it('refuses a DG13 whose ID number is not 12 digits', () => {
    const bad = encodeTlv(0x6d, [seq(encodeInteger(1), set(seq(encodeInteger(1), utf8('12AB'))))]);
    expect(() => parseDg13(bad)).toThrow(CccdError);
  });

  it('finds JPEG 2000 faces too', () => {
    const jp2 = Buffer.concat([Buffer.from('0000000C6A5020200D0A870A', 'hex'), Buffer.alloc(100, 1)]);
    expect(parseDg2(buildDg2(jp2))).toMatchObject({ mimeType: 'image/jp2' });
    expect(parseDg2(buildDg2(jp2)).bytes.equals(jp2)).toBe(true);
    expect(() => parseDg2(buildDg2(Buffer.alloc(50, 7)))).toThrow(/no JPEG/);
  });

  it('never throws anything but a CccdError on random or mutated bytes', () => {
    const valid = [
      buildDg1(citizen),
      buildDg2(placeholderJpeg(300)),
      buildDg13(citizen),
      buildEfCom([1, 13]),
      buildSod(new Map([[1, buildDg1(citizen)]]), pki.documentSigner),
    ];
    const parsers = [parseDg1, parseDg2, parseDg13, parseEfCom, parseSod];
    const mutated = fc
      .tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.nat(), fc.integer({ min: 0, max: 255 }))
      .map(([i, at, byte]) => {
        const copy = Buffer.from(valid[i]!);
        copy[at % copy.length] = byte;
        return copy;
      });
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 120 }).map((a) => Buffer.from(a)),
      mutated,
    );
    fc.assert(
      fc.property(input, (bytes) => {
        for (const parse of parsers) {
          try {
            parse(bytes);
          } catch (err) {
            expect(err).toBeInstanceOf(CccdError);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('passive authentication', () => {
  it('refuses a data group that the SOD does not list', () => {
    const dg1 = buildDg1(citizen);
    const sod = buildSod(new Map([[1, dg1]]), pki.documentSigner);
    expect(() => verifyPassiveAuthentication(sod, new Map([[13, buildDg13(citizen)]]))).toThrow(
      /DG13 is not listed/,
    );
    expect(verifyPassiveAuthentication(sod, new Map([[1, dg1]])).verifiedDataGroups).toEqual([1]);
  });

  it('refuses a SOD signed by a different key than its certificate', () => {
    const other = createTestPki();
    const dg1 = buildDg1(citizen);
    const forged = buildSod(new Map([[1, dg1]]), {
      ...pki.documentSigner,
      privateKey: other.documentSigner.privateKey,
    });
    expect(() => verifyPassiveAuthentication(forged, new Map([[1, dg1]]))).toThrow(
      /signature does not verify/,
    );
  });
});

describe('identity for the kiosk', () => {
  it('keeps only the masked number and a keyed hash, the same from QR and chip', async () => {
    const key = Buffer.alloc(32, 1);
    const qr = parseCccdQr(`${citizen.idNumber}||${citizen.fullName}|15031990|Nam|Hà Nội|20042021`);
    const chip = await readCccdChip(new CccdChipSimulator({ citizen, pki }), {
      accessKeys: cccdAccessKey(citizen),
      trustAnchors: [pki.csca.der],
    });
    const fromQr = identityFromQr(qr, key);
    const fromChip = identityFromChip(chip, key)!;
    expect(fromQr).toMatchObject({ maskedId: '0010****7064', birthDate: '1990-03-15', verified: false });
    expect(fromChip).toMatchObject({ maskedId: '0010****7064', birthDate: '1990-03-15', verified: true });
    expect(fromChip.idHash).toBe(fromQr.idHash);
    expect(JSON.stringify(fromChip)).not.toContain(citizen.idNumber);
  });
});
