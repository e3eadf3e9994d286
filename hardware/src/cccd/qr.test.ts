import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CccdError } from './errors.ts';
import { idNumberHash, maskIdNumber } from './privacy.ts';
import { looksLikeCccdQr, parseCccdQr } from './qr.ts';

// Made-up holders; the ID numbers follow the coding rules (province, century/gender digit, year).
const MALE_1999 = '001099007064||Nguyễn Văn An|15031999|Nam|Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội|20042021';
const FEMALE_2005 =
  '079305012345|025123456|Trần Thị Bích Ngọc|28022005|Nữ|12 Lê Lợi, Bến Nghé, Quận 1, TP. Hồ Chí Minh|01082024||||';

function errorOf(fn: () => unknown): CccdError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CccdError) return err;
    throw err;
  }
  throw new Error('expected a CccdError');
}

describe('parseCccdQr', () => {
  it('reads the 7-field layout with an empty old ID number', () => {
    expect(parseCccdQr(MALE_1999)).toEqual({
      idNumber: '001099007064',
      fullName: 'Nguyễn Văn An',
      birthDate: '1999-03-15',
      gender: 'male',
      address: 'Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội',
      issueDate: '2021-04-20',
      extraFields: [],
    });
  });

  it('reads an 11-field card from the 2023 law and keeps the extra fields', () => {
    // 4th digit 3: female, born in the 2000s; then the year's last two digits, 05.
    const qr = parseCccdQr(FEMALE_2005);
    expect(qr.oldIdNumber).toBe('025123456');
    expect(qr.gender).toBe('female');
    expect(qr.birthDate).toBe('2005-02-28');
    expect(qr.extraFields).toEqual(['', '', '', '']);
  });

  it('decodes raw scanner bytes as UTF-8 and normalises to NFC', () => {
    const decomposed = MALE_1999.normalize('NFD');
    expect(decomposed).not.toBe(MALE_1999);
    const qr = parseCccdQr(new TextEncoder().encode(`\uFEFF${decomposed}\r\n`));
    expect(qr.fullName).toBe('Nguyễn Văn An');
    expect(qr.fullName).toBe(qr.fullName.normalize('NFC'));
  });

  it('refuses bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from('001099007064||Nguy'), Buffer.from([0xc3, 0x28])]);
    expect(errorOf(() => parseCccdQr(bytes)).code).toBe('qr_format');
  });

  it('refuses payloads with too few fields, and the 6-field layout some code documents', () => {
    expect(errorOf(() => parseCccdQr('https://example.com/ticket/A012')).code).toBe('qr_format');
    const sixFields = '001099007064|Nguyễn Văn An|15031999|Nam|Hà Nội|20042021';
    expect(errorOf(() => parseCccdQr(sixFields)).code).toBe('qr_format');
  });

  it.each([
    ['ID number of 11 digits', MALE_1999.replace('001099007064', '00109900706'), 'ID number'],
    ['old ID with letters', MALE_1999.replace('||', '|12345678X|'), 'old ID number'],
    ['impossible birth date', MALE_1999.replace('15031999', '31021999'), 'birth date'],
    ['birth date with slashes', MALE_1999.replace('15031999', '15/03/1999'), 'birth date'],
    ['gender in English', MALE_1999.replace('|Nam|', '|Male|'), 'gender'],
    ['issue before birth', MALE_1999.replace('20042021', '20041998'), 'issue date'],
    ['empty name', MALE_1999.replace('Nguyễn Văn An', ''), 'full name'],
    ['female code with Nam', MALE_1999.replace('001099', '001199'), 'ID number'],
    ['birth year not matching', MALE_1999.replace('15031999', '15031998'), 'ID number'],
  ])('names the bad field: %s', (_case, payload, field) => {
    const err = errorOf(() => parseCccdQr(payload));
    expect(err.code).toBe('qr_field');
    expect(err.text.en).toContain(field);
    expect(err.text.vi).toMatch(/^Mã QR CCCD: /);
    // Personal data never appears in the message.
    expect(err.message).not.toMatch(/\d{6,}|Nguyễn/);
  });

  it('can skip the ID cross-check', () => {
    const payload = MALE_1999.replace('15031999', '15031998');
    expect(parseCccdQr(payload, { crossCheck: false }).birthDate).toBe('1998-03-15');
  });

  it('never throws anything but a CccdError, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 200 }).map((a) => a as Uint8Array),
        ),
        (input) => {
          try {
            parseCccdQr(input);
          } catch (err) {
            expect(err).toBeInstanceOf(CccdError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('spots CCCD payloads among other scans', () => {
    expect(looksLikeCccdQr(MALE_1999)).toBe(true);
    expect(looksLikeCccdQr('A012|https://example.com')).toBe(false);
  });
});

describe('privacy helpers', () => {
  it('masks the ID number as the architecture shows', () => {
    expect(maskIdNumber('001099007064')).toBe('0010****7064');
  });

  it('hashes with a key: same number same hash, other key other hash', () => {
    const key = Buffer.alloc(32, 7);
    const hash = idNumberHash('001099007064', key);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(idNumberHash('001099007064', key)).toBe(hash);
    expect(idNumberHash('001099007064', Buffer.alloc(32, 8))).not.toBe(hash);
    expect(() => idNumberHash('001099007064', Buffer.alloc(4))).toThrow(RangeError);
  });
});
