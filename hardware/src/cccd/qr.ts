import { asBuffer } from './bytes.ts';
import { cardDateToIso } from './dates.ts';
import { CccdError } from './errors.ts';

export type Gender = 'male' | 'female';

/** The QR printed on a CCCD, field by field. Dates are ISO 'YYYY-MM-DD'. */
export interface CccdQrData {
  idNumber: string;
  /** The old 9- (or 12-) digit CMND number; absent when the holder never had one. */
  oldIdNumber?: string;
  fullName: string;
  birthDate: string;
  gender: Gender;
  address: string;
  issueDate: string;
  /** Trailing fields of cards issued under the 2023 Identity Law, kept as read. */
  extraFields: string[];
}

export interface QrParseOptions {
  /** Check the ID number's century/gender digit and birth year against the other fields (default true). */
  crossCheck?: boolean;
}

const FIELD_NAMES: Record<string, { vi: string; en: string }> = {
  idNumber: { vi: 'số định danh', en: 'ID number' },
  oldIdNumber: { vi: 'số CMND cũ', en: 'old ID number' },
  fullName: { vi: 'họ và tên', en: 'full name' },
  birthDate: { vi: 'ngày sinh', en: 'birth date' },
  gender: { vi: 'giới tính', en: 'gender' },
  address: { vi: 'nơi thường trú', en: 'address' },
  issueDate: { vi: 'ngày cấp', en: 'issue date' },
};

/** A field error names the field, never its value (the value is personal data). */
function badField(field: keyof typeof FIELD_NAMES & string, vi: string, en: string): never {
  const name = FIELD_NAMES[field]!;
  throw new CccdError('qr_field', `Mã QR CCCD: ${name.vi} ${vi}`, `CCCD QR: ${name.en} ${en}`);
}

function decode(input: string | Uint8Array): string {
  if (typeof input === 'string') return input;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(asBuffer(input));
  } catch (err) {
    throw new CccdError('qr_format', 'Mã QR không phải văn bản UTF-8', 'The QR payload is not UTF-8 text', {
      cause: err,
    });
  }
}

function date(field: 'birthDate' | 'issueDate', text: string): string {
  if (!/^\d{8}$/.test(text)) badField(field, 'phải có dạng ngàythángnăm (8 chữ số)', 'must be ddmmyyyy');
  const iso = cardDateToIso(text);
  if (!iso) badField(field, 'không phải ngày có thật', 'is not a real date');
  return iso;
}

/** The century and gender coded in the 4th digit of the ID number (Circular 07/2016/TT-BCA). */
export function centuryAndGender(idNumber: string): { century: number; gender: Gender } {
  const code = Number(idNumber[3]);
  return { century: 1900 + Math.floor(code / 2) * 100, gender: code % 2 === 0 ? 'male' : 'female' };
}

/**
 * Parses the card's QR payload: `id|oldId|name|ddmmyyyy|Nam/Nữ|address|ddmmyyyy[|…]`, from text
 * or from the scanner's raw bytes (decoded as UTF-8). Text is normalised to NFC.
 */
export function parseCccdQr(input: string | Uint8Array, options: QrParseOptions = {}): CccdQrData {
  const text = decode(input)
    .replace(/^\uFEFF/, '')
    .replace(/[\r\n]+$/, '')
    .normalize('NFC');
  if (/[\u0000-\u001f\u007f]/.test(text)) {
    throw new CccdError(
      'qr_format',
      'Mã QR chứa ký tự điều khiển',
      'The QR payload contains control characters',
    );
  }
  const fields = text.split('|');
  if (fields.length < 7) {
    throw new CccdError(
      'qr_format',
      `Mã QR không phải của CCCD: cần ít nhất 7 trường, có ${fields.length}`,
      `Not a CCCD QR: expected at least 7 fields, found ${fields.length}`,
    );
  }
  const [idNumber, oldId, rawName, rawBirth, rawGender, rawAddress, rawIssue] = fields.map((f) =>
    f.trim(),
  ) as [string, string, string, string, string, string, string];
  if (!/^\d{12}$/.test(idNumber)) badField('idNumber', 'phải có đúng 12 chữ số', 'must be exactly 12 digits');
  if (oldId !== '' && !/^(\d{9}|\d{12})$/.test(oldId)) {
    badField('oldIdNumber', 'phải có 9 hoặc 12 chữ số', 'must be 9 or 12 digits');
  }
  const fullName = rawName.replace(/\s+/g, ' ');
  if (fullName === '' || fullName.length > 100 || /\d/.test(fullName)) {
    badField('fullName', 'trống hoặc không hợp lệ', 'is empty or invalid');
  }
  const birthDate = date('birthDate', rawBirth);
  const genderWord = rawGender.toLocaleLowerCase('vi');
  const gender: Gender | undefined =
    genderWord === 'nam' ? 'male' : genderWord === 'nữ' ? 'female' : undefined;
  if (!gender) badField('gender', 'phải là "Nam" hoặc "Nữ"', 'must be "Nam" or "Nữ"');
  const issueDate = date('issueDate', rawIssue);
  if (issueDate < birthDate) badField('issueDate', 'trước ngày sinh', 'is before the birth date');
  if (options.crossCheck !== false) {
    const coded = centuryAndGender(idNumber);
    const yearOk =
      coded.century === Math.floor(Number(birthDate.slice(0, 4)) / 100) * 100 &&
      idNumber.slice(4, 6) === birthDate.slice(2, 4);
    if (!yearOk || coded.gender !== gender) {
      badField(
        'idNumber',
        'không khớp với ngày sinh hoặc giới tính',
        'does not match the birth date or gender',
      );
    }
  }
  return {
    idNumber,
    ...(oldId ? { oldIdNumber: oldId } : {}),
    fullName,
    birthDate,
    gender,
    address: rawAddress.replace(/\s+/g, ' '),
    issueDate,
    extraFields: fields.slice(7),
  };
}

/** Cheap test for "this scan looks like a CCCD QR", to route scans without throwing. */
export function looksLikeCccdQr(text: string): boolean {
  return /^\d{12}\|(\d{9}|\d{12})?\|[^|]+\|\d{8}\|/.test(text.replace(/^\uFEFF/, ''));
}
