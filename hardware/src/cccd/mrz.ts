import { CccdError } from './errors.ts';

/** What BAC needs from the MRZ: document number and two dates as YYMMDD. */
export interface BacAccessKey {
  documentNumber: string;
  birthDate: string;
  expiryDate: string;
}

function mrzValue(ch: string): number {
  if (ch >= '0' && ch <= '9') return ch.charCodeAt(0) - 48;
  if (ch >= 'A' && ch <= 'Z') return ch.charCodeAt(0) - 55;
  if (ch === '<') return 0;
  throw new CccdError('access_key', 'Ký tự MRZ không hợp lệ', 'Invalid MRZ character');
}

/** ICAO 9303-3 check digit: weights 7-3-1, A–Z = 10–35, `<` = 0, sum mod 10. */
export function mrzCheckDigit(field: string): number {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < field.length; i++) sum += mrzValue(field[i]!) * weights[i % 3]!;
  return sum % 10;
}

const YYMMDD = /^\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;

/** The MRZ information hashed into K_seed: number + check, birth + check, expiry + check. */
export function mrzInformation(key: BacAccessKey): string {
  const number = key.documentNumber.toUpperCase();
  if (!/^[0-9A-Z<]{1,9}$/.test(number)) {
    throw new CccdError('access_key', 'Số giấy tờ không hợp lệ', 'Invalid document number');
  }
  for (const [name, value] of [
    ['birth', key.birthDate],
    ['expiry', key.expiryDate],
  ] as const) {
    if (!YYMMDD.test(value)) {
      throw new CccdError(
        'access_key',
        `Ngày ${name === 'birth' ? 'sinh' : 'hết hạn'} phải có dạng YYMMDD`,
        `The ${name} date must be YYMMDD`,
      );
    }
  }
  const padded = number.padEnd(9, '<');
  return (
    padded +
    mrzCheckDigit(padded) +
    key.birthDate +
    mrzCheckDigit(key.birthDate) +
    key.expiryDate +
    mrzCheckDigit(key.expiryDate)
  );
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' → 'YYMMDD'. */
export function isoToYymmdd(iso: string): string {
  const m = ISO_DATE.exec(iso);
  if (!m) throw new CccdError('access_key', 'Ngày phải có dạng YYYY-MM-DD', 'Dates must be YYYY-MM-DD');
  return m[1]!.slice(2) + m[2]! + m[3]!;
}

/**
 * The BAC key of a CCCD. Its MRZ document number is the LAST 9 digits of the 12-digit ID number
 * (the full number sits in the MRZ optional data).
 */
export function cccdAccessKey(input: {
  idNumber: string;
  birthDate: string;
  expiryDate: string;
}): BacAccessKey {
  if (!/^\d{12}$/.test(input.idNumber)) {
    throw new CccdError('access_key', 'Số định danh phải có 12 chữ số', 'The ID number must be 12 digits');
  }
  return {
    documentNumber: input.idNumber.slice(3),
    birthDate: isoToYymmdd(input.birthDate),
    expiryDate: isoToYymmdd(input.expiryDate),
  };
}

function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  // 29 February birthdays fall on 28 February in common years.
  const day = m === 2 && d === 29 && !isLeap(y + years) ? 28 : d;
  return `${String(y + years).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * Likely expiry dates of a CCCD when only the QR (birth and issue dates) is known. The card is
 * valid until the holder's 25th, 40th or 60th birthday (also the 14th for cards issued under the
 * 2023 Identity Law, from 1 July 2024); a card issued within 2 years before one of these ages
 * lasts to the next one. Returned in the order worth trying (the rule's answer first, the
 * neighbouring milestone as a fallback). Empty when the card has no expiry (from 60 on): the MRZ
 * value for such cards is not documented, so the caller must ask for it.
 */
export function cccdExpiryCandidates(birthDate: string, issueDate: string): string[] {
  if (!ISO_DATE.test(birthDate) || !ISO_DATE.test(issueDate)) {
    throw new CccdError('access_key', 'Ngày phải có dạng YYYY-MM-DD', 'Dates must be YYYY-MM-DD');
  }
  const ages = issueDate >= '2024-07-01' ? [14, 25, 40, 60] : [25, 40, 60];
  const ahead = ages.map((age) => addYears(birthDate, age)).filter((date) => date > issueDate);
  const [first, second] = ahead;
  if (!first) return [];
  const withinTwoYears = first <= addYears(issueDate, 2);
  if (!withinTwoYears) return second ? [first, second] : [first];
  // Issued within 2 years of the 60th birthday: the card never expires.
  return second ? [second, first] : [];
}

export interface MrzData {
  format: 'TD1' | 'TD3';
  documentCode: string;
  issuingState: string;
  documentNumber: string;
  /** TD1 optional data; on a CCCD it starts with the full 12-digit ID number. */
  optionalData: string;
  /** The 12-digit ID number when the optional data carries it. */
  idNumber?: string;
  birthDate: string;
  sex: 'M' | 'F' | 'X';
  expiryDate: string;
  nationality: string;
  /** Name in MRZ characters (no diacritics): surname, then given names. */
  primaryIdentifier: string;
  secondaryIdentifier: string;
}

function badMrz(en: string): never {
  throw new CccdError('data_group', `MRZ không hợp lệ: ${en}`, `Invalid MRZ: ${en}`);
}

function checked(value: string, digit: string, what: string): string {
  if (!/^\d$/.test(digit) || mrzCheckDigit(value) !== Number(digit)) badMrz(`check digit of ${what}`);
  return value;
}

function parseName(field: string): { primaryIdentifier: string; secondaryIdentifier: string } {
  const clean = (s: string) => s.replace(/<+/g, ' ').trim();
  const split = field.indexOf('<<');
  if (split < 0) return { primaryIdentifier: clean(field), secondaryIdentifier: '' };
  return {
    primaryIdentifier: clean(field.slice(0, split)),
    secondaryIdentifier: clean(field.slice(split + 2)),
  };
}

function parseSex(ch: string): 'M' | 'F' | 'X' {
  if (ch === 'M' || ch === 'F') return ch;
  if (ch === '<' || ch === 'X') return 'X';
  return badMrz('sex');
}

/** Parses a TD1 (ID card, 3 × 30) or TD3 (passport, 2 × 44) MRZ and verifies its check digits. */
export function parseMrz(text: string): MrzData {
  const mrz = text.replace(/[\r\n]/g, '');
  if (!/^[0-9A-Z<]+$/.test(mrz)) badMrz('characters outside 0-9 A-Z <');
  if (mrz.length === 90) {
    const documentNumber = checked(mrz.slice(5, 14), mrz[14]!, 'document number');
    const optionalData = mrz.slice(15, 30);
    const birthDate = checked(mrz.slice(30, 36), mrz[36]!, 'birth date');
    const expiryDate = checked(mrz.slice(38, 44), mrz[44]!, 'expiry date');
    const composite = mrz.slice(5, 30) + mrz.slice(30, 37) + mrz.slice(38, 45) + mrz.slice(48, 59);
    checked(composite, mrz[59]!, 'the whole MRZ');
    const idNumber = /^\d{12}/.exec(optionalData)?.[0];
    return {
      format: 'TD1',
      documentCode: mrz.slice(0, 2).replace(/</g, ''),
      issuingState: mrz.slice(2, 5),
      documentNumber: documentNumber.replace(/<+$/, ''),
      optionalData: optionalData.replace(/<+$/, ''),
      ...(idNumber ? { idNumber } : {}),
      birthDate,
      sex: parseSex(mrz[37]!),
      expiryDate,
      nationality: mrz.slice(45, 48),
      ...parseName(mrz.slice(60, 90)),
    };
  }
  if (mrz.length === 88) {
    const line2 = mrz.slice(44);
    const documentNumber = checked(line2.slice(0, 9), line2[9]!, 'document number');
    const birthDate = checked(line2.slice(13, 19), line2[19]!, 'birth date');
    const expiryDate = checked(line2.slice(21, 27), line2[27]!, 'expiry date');
    const composite = line2.slice(0, 10) + line2.slice(13, 20) + line2.slice(21, 43);
    checked(composite, line2[43]!, 'the whole MRZ');
    return {
      format: 'TD3',
      documentCode: mrz.slice(0, 2).replace(/</g, ''),
      issuingState: mrz.slice(2, 5),
      documentNumber: documentNumber.replace(/<+$/, ''),
      optionalData: line2.slice(28, 42).replace(/<+$/, ''),
      birthDate,
      sex: parseSex(line2[20]!),
      expiryDate,
      nationality: line2.slice(10, 13),
      ...parseName(mrz.slice(5, 44)),
    };
  }
  return badMrz(`unexpected length ${mrz.length}`);
}

/**
 * BAC keys to try for a card whose QR was scanned: its ID number and birth date, with each likely
 * expiry date. Throws when no expiry can be derived (holders from 60 on): ask for the date on the card.
 */
export function accessKeysFromQr(qr: {
  idNumber: string;
  birthDate: string;
  issueDate: string;
}): BacAccessKey[] {
  const candidates = cccdExpiryCandidates(qr.birthDate, qr.issueDate);
  if (candidates.length === 0) {
    throw new CccdError(
      'access_key',
      'Không suy ra được ngày hết hạn của thẻ: hãy nhập ngày hết hạn in trên thẻ',
      'Cannot derive the card expiry date: enter the expiry date printed on the card',
    );
  }
  return candidates.map((expiryDate) =>
    cccdAccessKey({ idNumber: qr.idNumber, birthDate: qr.birthDate, expiryDate }),
  );
}

/** The CCCD's card access number (CAN) for PACE, by convention the ID number's last 6 digits. */
export function cccdCardAccessNumber(idNumber: string): string {
  if (!/^\d{12}$/.test(idNumber)) {
    throw new CccdError('access_key', 'Số định danh phải có 12 chữ số', 'The ID number must be 12 digits');
  }
  return idNumber.slice(-6);
}
