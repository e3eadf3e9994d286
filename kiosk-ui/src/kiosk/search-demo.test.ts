/** The demo site's procedures found by what citizens type (issue 18's list), with or without accents. */
import { fileURLToPath } from 'node:url';
import { loadSiteConfig } from '@oss/queue-server';
import { describe, expect, it } from 'vitest';
import { examplesOf, indexProcedures, searchProcedures } from './search.ts';

const config = loadSiteConfig(
  fileURLToPath(new URL('../../../queue-server/config/demo-site.yaml', import.meta.url)),
);
const index = indexProcedures(config.procedures);
const ids = (query: string) => searchProcedures(index, query).map((p) => p.id);

describe('search over the demo site', () => {
  it.each([
    ['giay khai sinh', 'birth-registration'],
    ['lam giay khai sinh', 'birth-registration'],
    ['khai sinh cho con', 'birth-registration'],
    ['Làm giấy khai sinh cho con ', 'birth-registration'],
    ['sao y', 'certified-copy'],
    ['sao y can cuoc', 'certified-copy'],
    ['can cuoc', 'certified-copy'],
    ['cmnd', 'certified-copy'],
    ['ho khau', 'certified-copy'],
    ['xin phep xay nha', 'construction-permit-house'],
    ['giay phep xay dung', 'construction-permit-house'],
    ['ket hon', 'marriage-registration'],
    ['giấy xác nhận độc thân', 'marital-status-certificate'],
    ['doi ten', 'civil-status-amendment'],
    ['mo quan', 'household-business-registration'],
    ['tro cap', 'monthly-social-allowance'],
    ['khuyet tat', 'disability-certification'],
    ['dang ky khai sinh', 'birth-registration'],
    ['khai s', 'birth-registration'],
  ])('"%s" finds %s first', (query, id) => {
    expect(ids(query)[0]).toBe(id);
  });

  it('"sổ đỏ"/"sổ hồng" find the two land-title procedures first, not the disability one', () => {
    for (const q of ['so do', 'sổ đỏ', 'so hong', 'lam so do']) {
      expect(ids(q).slice(0, 2).sort(), q).toEqual(['land-change-registration', 'land-first-registration']);
      expect(ids(q), q).not.toContain('disability-certification');
    }
  });

  it('"công chứng" finds the three certification procedures first, not only land', () => {
    expect(ids('cong chung').slice(0, 3).sort()).toEqual([
      'certified-copy',
      'contract-certification',
      'signature-certification',
    ]);
  });

  it('a word found nowhere finds nothing (the screen then offers the fields)', () => {
    expect(ids('ho chieu')).toEqual([]);
    expect(ids('xyz')).toEqual([]);
  });

  it('every procedure has an everyday name in both languages and keywords', () => {
    for (const p of config.procedures) {
      expect(p.shortName?.vi, p.id).toBeTruthy();
      expect(p.shortName?.en, p.id).toBeTruthy();
      expect(p.keywords?.length, p.id).toBeGreaterThan(2);
    }
    const civil = config.procedures.filter((p) => p.serviceId === 'civil-status');
    expect(examplesOf(civil, 'vi')).toBe('khai sinh, kết hôn, khai tử');
  });
});
