import { CccdError } from './errors.ts';
import { encodeTlv, parseTlvs, type Tlv } from './tlv.ts';

// Small DER helpers for the ASN.1 inside the SOD and DG13, and for building them in the simulator.

export const OID = {
  signedData: '1.2.840.113549.1.7.2',
  ldsSecurityObject: '2.23.136.1.1.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha224: '1.2.840.10045.4.3.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  mgf1: '1.2.840.113549.1.1.8',
  utf8Charset: '1.0.10646.1.0.8',
  commonName: '2.5.4.3',
  country: '2.5.4.6',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
} as const;

export function decodeOid(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new CccdError('tlv', 'OID rỗng', 'Empty OID');
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

export function encodeOid(oid: string): Buffer {
  const [a = 0, b = 0, ...rest] = oid.split('.').map(Number);
  const out: number[] = [];
  for (const n of [a * 40 + b, ...rest]) {
    const groups = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    out.push(...groups);
  }
  return encodeTlv(0x06, Buffer.from(out));
}

/** Non-negative INTEGER value → number (for small integers: versions, data group numbers). */
export function decodeSmallInteger(tlv: Tlv): number {
  if (tlv.tag !== 0x02 || tlv.value.length === 0 || tlv.value.length > 6) {
    throw new CccdError('tlv', 'Số nguyên ASN.1 không hợp lệ', 'Invalid ASN.1 INTEGER');
  }
  return tlv.value.readUIntBE(0, tlv.value.length);
}

export function encodeInteger(value: number | Uint8Array): Buffer {
  let bytes: Buffer;
  if (typeof value === 'number') {
    const hex = value.toString(16);
    bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  } else {
    bytes = Buffer.from(value);
  }
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return encodeTlv(0x02, bytes);
}

export const seq = (...children: Uint8Array[]) => encodeTlv(0x30, children);
export const set = (...children: Uint8Array[]) => encodeTlv(0x31, children);
export const octets = (value: Uint8Array) => encodeTlv(0x04, value);
export const utf8 = (text: string) => encodeTlv(0x0c, Buffer.from(text, 'utf8'));
export const printable = (text: string) => encodeTlv(0x13, Buffer.from(text, 'ascii'));
export const contextTag = (n: number, ...children: Uint8Array[]) => encodeTlv(0xa0 + n, children);
export const nullValue = () => Buffer.from([0x05, 0x00]);

/** AlgorithmIdentifier { OID, optional parameters }. */
export function algorithmId(oid: string, params?: Uint8Array): Buffer {
  return params ? seq(encodeOid(oid), params) : seq(encodeOid(oid));
}

/** Children of a SEQUENCE / SET, checking the tag. */
export function childrenOf(tlv: Tlv, tag: number, what: string): Tlv[] {
  if (tlv.tag !== tag) {
    throw new CccdError('tlv', `Cấu trúc ASN.1 sai ở ${what}`, `Unexpected ASN.1 structure at ${what}`);
  }
  return parseTlvs(tlv.value);
}

/** Decodes the string types found in DG13 (UTF8String, PrintableString, IA5String, T61String). */
export function decodeString(tlv: Tlv): string | undefined {
  if (tlv.tag === 0x0c || tlv.tag === 0x13 || tlv.tag === 0x16 || tlv.tag === 0x14) {
    return tlv.value.toString('utf8').normalize('NFC');
  }
  return undefined;
}
