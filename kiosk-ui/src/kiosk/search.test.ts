import { describe, expect, it } from 'vitest';
import type { ProcedureInfo } from '../shared/api.ts';
import { fieldsOf, fold, indexProcedures, searchProcedures } from './search.ts';

const p = (id: string, vi: string, en: string, field = 'Hộ tịch', code = '1.000001'): ProcedureInfo => ({
  id,
  code,
  name: { vi, en },
  field: { vi: field, en: field === 'Hộ tịch' ? 'Civil status' : 'Land' },
  serviceId: 'civil-status',
  requiredPapers: [],
  fee: { vi: '', en: '' },
  processingTime: { vi: '', en: '' },
  legalBasis: [],
});

const procedures = [
  p('marriage', 'Đăng ký kết hôn', 'Marriage registration'),
  p('birth', 'Đăng ký khai sinh', 'Birth registration'),
  p('death', 'Đăng ký khai tử', 'Death registration'),
  p('land', 'Đăng ký đất đai lần đầu', 'First land registration', 'Đất đai', '1.012345'),
];
const index = indexProcedures(procedures);

describe('procedure search', () => {
  it('folds case, diacritics and đ/Đ', () => {
    expect(fold('Đăng Ký KHAI SINH')).toBe('dang ky khai sinh');
    expect(fold('  Đất   đai, lần đầu ')).toBe('dat dai lan dau');
    expect(fold('Người cao tuổi')).toBe('nguoi cao tuoi');
  });

  it('finds words typed without accents, best match first', () => {
    expect(searchProcedures(index, 'dang ky khai sinh').map((x) => x.id)).toEqual(['birth']);
    expect(searchProcedures(index, 'khai sinh')[0]!.id).toBe('birth');
    expect(searchProcedures(index, 'DANG KY').map((x) => x.id)).toHaveLength(4);
    expect(searchProcedures(index, 'dat dai').map((x) => x.id)).toEqual(['land']);
  });

  it('finds with accents, in English, by field and by code; nothing for unrelated words', () => {
    expect(searchProcedures(index, 'kết hôn')[0]!.id).toBe('marriage');
    expect(searchProcedures(index, 'birth')[0]!.id).toBe('birth');
    expect(searchProcedures(index, '1.012345')[0]!.id).toBe('land');
    expect(searchProcedures(index, 'ho tich khai tu').map((x) => x.id)).toEqual(['death']);
    expect(searchProcedures(index, 'ly hon')).toEqual([]);
  });

  it('an empty query lists everything; fields are distinct', () => {
    expect(searchProcedures(index, '   ')).toHaveLength(4);
    expect(fieldsOf(procedures).map((f) => f.key)).toEqual(['ho tich', 'dat dai']);
  });
});
