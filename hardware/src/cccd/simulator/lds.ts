import { createHash } from 'node:crypto';
import {
  algorithmId,
  contextTag,
  encodeInteger,
  encodeOid,
  nullValue,
  OID,
  octets,
  seq,
  set,
  utf8,
} from '../der.ts';
import { mrzCheckDigit } from '../mrz.ts';
import type { Gender } from '../qr.ts';
import { encodeTlv } from '../tlv.ts';
import { signatureAlgorithm, signWith, type TestSigner } from './pki.ts';

// Builds the files of a CCCD chip (ICAO 9303-10 LDS 1.7 plus the Vietnamese DG13) for the simulator.

/** A made-up citizen as the chip knows them. Dates are ISO 'YYYY-MM-DD'. */
export interface SimulatedCitizen {
  idNumber: string;
  oldIdNumber?: string;
  fullName: string;
  birthDate: string;
  gender: Gender;
  nationality: string;
  ethnicity: string;
  religion: string;
  placeOfOrigin: string;
  placeOfResidence: string;
  identifyingMarks: string;
  issueDate: string;
  expiryDate: string;
  fatherName: string;
  motherName: string;
  spouseName?: string;
}

/** Vietnamese name → MRZ characters: no diacritics, đ → D, spaces → `<`. */
export function toMrzCharacters(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '<');
}

const yymmdd = (iso: string) => iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10);

/** TD1 MRZ of a CCCD: document number = last 9 digits, full number in the optional data. */
export function cccdMrz(citizen: SimulatedCitizen): string {
  const docNumber = citizen.idNumber.slice(3);
  const optional1 = citizen.idNumber.padEnd(15, '<');
  const line1 = `IDVNM${docNumber}${mrzCheckDigit(docNumber)}${optional1}`;
  const birth = yymmdd(citizen.birthDate);
  const expiry = yymmdd(citizen.expiryDate);
  const optional2 = '<'.repeat(11);
  const composite =
    line1.slice(5, 30) + birth + mrzCheckDigit(birth) + expiry + mrzCheckDigit(expiry) + optional2;
  const line2 = `${birth}${mrzCheckDigit(birth)}${citizen.gender === 'male' ? 'M' : 'F'}${expiry}${mrzCheckDigit(expiry)}VNM${optional2}${mrzCheckDigit(composite)}`;
  const [surname = '', ...given] = citizen.fullName.split(/\s+/);
  const line3 = `${toMrzCharacters(surname)}<<${toMrzCharacters(given.join(' '))}`
    .padEnd(30, '<')
    .slice(0, 30);
  return line1 + line2 + line3;
}

export function buildDg1(citizen: SimulatedCitizen): Buffer {
  return encodeTlv(0x61, [encodeTlv(0x5f1f, Buffer.from(cccdMrz(citizen), 'ascii'))]);
}

/** DG2 with one face: an ISO 19794-5 facial record header in front of the image bytes. */
export function buildDg2(image: Uint8Array): Buffer {
  const recordLength = 14 + 20 + 12 + image.length;
  const header = Buffer.alloc(46);
  header.write('FAC\x00010\x00', 0, 'latin1');
  header.writeUInt32BE(recordLength, 8);
  header.writeUInt16BE(1, 12); // one face
  header.writeUInt32BE(20 + 12 + image.length, 14); // facial record data length
  const biometricHeader = encodeTlv(0xa1, [
    encodeTlv(0x80, Buffer.from([0x01, 0x01])),
    encodeTlv(0x81, Buffer.from([0x02])), // biometric type: facial features
    encodeTlv(0x87, Buffer.from([0x01, 0x01])),
    encodeTlv(0x88, Buffer.from([0x00, 0x08])),
  ]);
  const template = encodeTlv(0x7f60, [biometricHeader, encodeTlv(0x5f2e, Buffer.concat([header, image]))]);
  return encodeTlv(0x75, [encodeTlv(0x7f61, [encodeTlv(0x02, Buffer.from([0x01])), template])]);
}

/** Bytes shaped like a JPEG (SOI, JFIF APP0, filler, EOI); not decodable, which the reader never needs. */
export function placeholderJpeg(size = 12_000): Buffer {
  const out = Buffer.alloc(Math.max(size, 24));
  Buffer.from('FFD8FFE000104A46494600010100000100010000', 'hex').copy(out);
  for (let i = 20; i < out.length - 2; i++) out[i] = (i * 31 + 7) & 0xff;
  out[out.length - 2] = 0xff;
  out[out.length - 1] = 0xd9;
  return out;
}

const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/**
 * DG13: 6D → SEQUENCE { version, OID UTF-8, entries }. `layout: 'set'` puts the entries in a SET
 * (as documented); 'flat' lists them directly in the SEQUENCE (as some readers report). Fields
 * the card does not hold are left out, so numbers have gaps.
 */
export function buildDg13(citizen: SimulatedCitizen, layout: 'set' | 'flat' = 'set'): Buffer {
  const entry = (n: number, ...values: Buffer[]) => seq(encodeInteger(n), ...values);
  const entries: Buffer[] = [
    entry(1, utf8(citizen.idNumber)),
    entry(2, utf8(citizen.fullName)),
    entry(3, utf8(ddmmyyyy(citizen.birthDate))),
    entry(4, utf8(citizen.gender === 'male' ? 'Nam' : 'Nữ')),
    entry(5, utf8(citizen.nationality)),
    entry(6, utf8(citizen.ethnicity)),
    entry(7, utf8(citizen.religion)),
    entry(8, utf8(citizen.placeOfOrigin)),
    entry(9, utf8(citizen.placeOfResidence)),
    entry(10, utf8(citizen.identifyingMarks)),
    entry(11, utf8(ddmmyyyy(citizen.issueDate))),
    entry(12, utf8(ddmmyyyy(citizen.expiryDate))),
    entry(13, seq(utf8(citizen.fatherName), utf8(citizen.motherName))),
  ];
  if (citizen.spouseName) entries.push(entry(14, seq(utf8(citizen.spouseName))));
  if (citizen.oldIdNumber) entries.push(entry(15, utf8(citizen.oldIdNumber)));
  const head = [encodeInteger(1), encodeOid(OID.utf8Charset)];
  const body = layout === 'set' ? seq(...head, set(...entries)) : seq(...head, ...entries);
  return encodeTlv(0x6d, [body]);
}

const GROUP_TAGS: Record<number, number> = { 1: 0x61, 2: 0x75, 13: 0x6d, 14: 0x6e, 15: 0x6f };

export function buildEfCom(groups: readonly number[]): Buffer {
  return encodeTlv(0x60, [
    encodeTlv(0x5f01, Buffer.from('0107', 'latin1')),
    encodeTlv(0x5f36, Buffer.from('040000', 'latin1')),
    encodeTlv(0x5c, Buffer.from(groups.map((n) => GROUP_TAGS[n] ?? 0x60 + n))),
  ]);
}

/** EF.SOD: CMS SignedData over the SHA-256 hashes of the data groups, signed by `signer`. */
export function buildSod(groups: ReadonlyMap<number, Uint8Array>, signer: TestSigner): Buffer {
  const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
  const hashes = [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([n, bytes]) => seq(encodeInteger(n), octets(sha256(bytes))));
  const content = seq(encodeInteger(0), algorithmId(OID.sha256, nullValue()), seq(...hashes));
  const attributes = [
    seq(encodeOid(OID.contentType), set(encodeOid(OID.ldsSecurityObject))),
    seq(encodeOid(OID.messageDigest), set(octets(sha256(content)))),
  ];
  const signature = signWith(signer.scheme, signer.privateKey, set(...attributes));
  const signerInfo = seq(
    encodeInteger(1),
    seq(signer.issuerName, signer.serial),
    algorithmId(OID.sha256, nullValue()),
    contextTag(0, ...attributes),
    signatureAlgorithm(signer.scheme),
    octets(signature),
  );
  const signedData = seq(
    encodeInteger(3),
    set(algorithmId(OID.sha256, nullValue())),
    seq(encodeOid(OID.ldsSecurityObject), contextTag(0, octets(content))),
    contextTag(0, signer.der),
    set(signerInfo),
  );
  return encodeTlv(0x77, [seq(encodeOid(OID.signedData), contextTag(0, signedData))]);
}
