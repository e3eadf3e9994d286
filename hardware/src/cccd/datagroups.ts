import { cardDateToIso } from './dates.ts';
import { childrenOf, decodeSmallInteger, decodeString } from './der.ts';
import { CccdError } from './errors.ts';
import { type MrzData, parseMrz } from './mrz.ts';
import type { Gender } from './qr.ts';
import { expectTlv, findChild, parseTlvs, requireChild, type Tlv } from './tlv.ts';

function badGroup(what: string, en: string, vi: string): never {
  throw new CccdError('data_group', `${what}: ${vi}`, `${what}: ${en}`);
}

/** Data group tags in EF.COM's tag list (ICAO 9303-10 table 34). */
const TAG_TO_GROUP: Record<number, number> = {
  97: 1,
  117: 2,
  99: 3,
  118: 4,
  101: 5,
  102: 6,
  103: 7,
  104: 8,
  105: 9,
  106: 10,
  107: 11,
  108: 12,
  109: 13,
  110: 14,
  111: 15,
  112: 16,
};

export interface EfCom {
  ldsVersion: string;
  unicodeVersion: string;
  dataGroups: number[];
}

export function parseEfCom(bytes: Uint8Array): EfCom {
  const com = expectTlv(bytes, 0x60, 'EF.COM');
  const lds = findChild(com.value, 0x5f01)?.value.toString('latin1') ?? '';
  const unicode = findChild(com.value, 0x5f36)?.value.toString('latin1') ?? '';
  const tags = requireChild(com.value, 0x5c, 'EF.COM tag list').value;
  const dataGroups = [...tags].map((t) => TAG_TO_GROUP[t]).filter((n): n is number => n !== undefined);
  return { ldsVersion: lds, unicodeVersion: unicode, dataGroups: dataGroups.sort((a, b) => a - b) };
}

/** DG1: tag 61 → 5F1F, the MRZ. */
export function parseDg1(bytes: Uint8Array): MrzData {
  const dg1 = expectTlv(bytes, 0x61, 'DG1');
  const mrz = requireChild(dg1.value, 0x5f1f, 'MRZ').value.toString('latin1');
  return parseMrz(mrz);
}

export interface FaceImage {
  mimeType: 'image/jpeg' | 'image/jp2';
  bytes: Buffer;
}

const IMAGE_MAGIC: Array<[Buffer, FaceImage['mimeType']]> = [
  [Buffer.from('FFD8FF', 'hex'), 'image/jpeg'],
  [Buffer.from('0000000C6A502020', 'hex'), 'image/jp2'],
  [Buffer.from('FF4FFF51', 'hex'), 'image/jp2'],
];

/**
 * DG2: 75 → 7F61 → 7F60 → 5F2E (or 7F2E) biometric data. That block is an ISO 19794-5 record whose
 * header length varies (feature points), so the image is found by sniffing its magic bytes.
 */
export function parseDg2(bytes: Uint8Array): FaceImage {
  const dg2 = expectTlv(bytes, 0x75, 'DG2');
  const group = requireChild(dg2.value, 0x7f61, 'biometric information group');
  const template = requireChild(group.value, 0x7f60, 'biometric information template');
  const data = findChild(template.value, 0x5f2e) ?? findChild(template.value, 0x7f2e);
  if (!data) badGroup('DG2', 'no biometric data block', 'thiếu khối dữ liệu sinh trắc');
  let found: FaceImage | undefined;
  let at = Number.POSITIVE_INFINITY;
  for (const [magic, mimeType] of IMAGE_MAGIC) {
    const index = data.value.indexOf(magic);
    if (index >= 0 && index < at) {
      at = index;
      found = { mimeType, bytes: data.value.subarray(index) };
    }
  }
  if (!found) badGroup('DG2', 'no JPEG or JPEG 2000 image', 'không có ảnh JPEG hay JPEG 2000');
  return found;
}

/** DG13, the Vietnamese personal data. Dates are ISO 'YYYY-MM-DD' when the card's text is a date. */
export interface Dg13Data {
  idNumber?: string;
  fullName?: string;
  birthDate?: string;
  gender?: Gender;
  nationality?: string;
  ethnicity?: string;
  religion?: string;
  placeOfOrigin?: string;
  placeOfResidence?: string;
  identifyingMarks?: string;
  issueDate?: string;
  expiryDate?: string;
  fatherName?: string;
  motherName?: string;
  spouseName?: string;
  /** Every field's text by its number n, as on the card (fields 15/16 are only here). */
  raw: Record<number, string[]>;
}

/** Entries are SEQUENCE { INTEGER n, value… }; some cards put them in a SET, some directly. */
function collectEntries(nodes: Tlv[], into: Record<number, string[]>, depth = 0): void {
  if (depth > 4) return;
  for (const node of nodes) {
    if (node.tag !== 0x30 && node.tag !== 0x31) continue;
    const children = parseTlvs(node.value);
    const [first, ...rest] = children;
    if (node.tag === 0x30 && first?.tag === 0x02 && rest.length > 0) {
      into[decodeSmallInteger(first)] = flattenStrings(rest);
    } else {
      collectEntries(children, into, depth + 1);
    }
  }
}

function flattenStrings(nodes: Tlv[]): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    const text = decodeString(node);
    if (text !== undefined) out.push(text.trim());
    else if (node.tag === 0x30 || node.tag === 0x31) out.push(...flattenStrings(parseTlvs(node.value)));
  }
  return out;
}

function genderOf(text: string | undefined): Gender | undefined {
  const word = text?.toLocaleLowerCase('vi');
  return word === 'nam' ? 'male' : word === 'nữ' ? 'female' : undefined;
}

export function parseDg13(bytes: Uint8Array): Dg13Data {
  const dg13 = expectTlv(bytes, 0x6d, 'DG13');
  const raw: Record<number, string[]> = {};
  const top = parseTlvs(dg13.value);
  const body = top.length === 1 && top[0]!.tag === 0x30 ? childrenOf(top[0]!, 0x30, 'DG13') : top;
  collectEntries(body, raw);
  if (Object.keys(raw).length === 0) badGroup('DG13', 'no fields', 'không có trường nào');
  const text = (n: number) => (raw[n]?.[0] ? raw[n]![0] : undefined);
  const date = (n: number) => {
    const value = text(n);
    return value === undefined ? undefined : cardDateToIso(value);
  };
  const idNumber = text(1);
  if (idNumber !== undefined && !/^\d{12}$/.test(idNumber)) {
    badGroup('DG13', 'ID number is not 12 digits', 'số định danh không có 12 chữ số');
  }
  const entries: Omit<Dg13Data, 'raw'> = {
    idNumber,
    fullName: text(2),
    birthDate: date(3),
    gender: genderOf(text(4)),
    nationality: text(5),
    ethnicity: text(6),
    religion: text(7),
    placeOfOrigin: text(8),
    placeOfResidence: text(9),
    identifyingMarks: text(10),
    issueDate: date(11),
    expiryDate: date(12),
    fatherName: raw[13]?.[0] || undefined,
    motherName: raw[13]?.[1] || undefined,
    spouseName: raw[14]?.[0] || undefined,
  };
  const defined = Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
  return { ...defined, raw };
}
