import { describe, expect, it } from 'vitest';
import { TABLES, t } from './i18n.ts';
import { en } from './strings/en.ts';
import { vi } from './strings/vi.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('string tables', () => {
  it('have the same keys in both languages, none empty, same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
    for (const [key, text] of Object.entries(vi)) {
      expect(text.trim(), key).not.toBe('');
      expect(en[key as keyof typeof vi].trim(), key).not.toBe('');
      expect(placeholders(en[key as keyof typeof vi]), key).toEqual(placeholders(text));
    }
  });

  it('the Vietnamese table is really Vietnamese (diacritics present) and written in NFC', () => {
    const all = Object.values(vi).join(' ');
    expect(all.normalize('NFC')).toBe(all);
    expect(Object.values(en).join(' ').normalize('NFC')).toBe(Object.values(en).join(' '));
    expect(vi['kiosk.take']).toBe('Lấy số thứ tự');
    expect(vi['kiosk.find']).toBe('Tra cứu thủ tục');
    const withMarks = Object.values(vi).filter((s) => /[à-ỹđ]/i.test(s)).length;
    expect(withMarks / Object.values(vi).length).toBeGreaterThan(0.8);
  });

  it('speaks to citizens in one register: "quý khách", never "bạn"', () => {
    const kiosk = Object.entries(vi).filter(([key]) => key.startsWith('kiosk.'));
    expect(kiosk.filter(([, text]) => /\bbạn\b/iu.test(text.normalize('NFC')))).toEqual([]);
    expect(vi['kiosk.followHint']).toContain('quý khách');
  });

  it('fills placeholders in the chosen language', () => {
    expect(t('display.call', { number: 'A012', counter: 3 }, 'vi')).toBe('Mời số A012 đến quầy số 3');
    expect(t('display.call', { number: 'A012', counter: 3 }, 'en')).toBe(
      'Number A012, please go to counter 3',
    );
    expect(t('common.minutesRange', { low: 5, high: 10 }, 'vi')).toBe('khoảng 5–10 phút');
    expect(Object.keys(TABLES)).toEqual(['vi', 'en']);
  });
});
