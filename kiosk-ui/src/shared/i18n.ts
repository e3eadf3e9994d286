/** The language signal and the string lookup: Vietnamese first, English second. */
import type { Lang, LocalizedText } from '@oss/protocol';
import { signal } from '@preact/signals';
import { en } from './strings/en.ts';
import { vi } from './strings/vi.ts';

export type StringKey = keyof typeof vi;
export const TABLES: Record<Lang, Record<StringKey, string>> = { vi, en };

export const lang = signal<Lang>('vi');
if (typeof document !== 'undefined')
  lang.subscribe((l) => {
    document.documentElement.lang = l;
  });

/** `t('common.minutes', { n: 5 })` → "5 phút". Reads `lang`, so components re-render on a switch. */
export function t(key: StringKey, params?: Record<string, string | number>, language: Lang = lang.value) {
  const text = TABLES[language][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Picks the current language from a `{vi, en}` text coming from the server. */
export function loc(text: LocalizedText | undefined | null, language: Lang = lang.value): string {
  if (!text) return '';
  return text[language] || text.vi;
}

export function toggleLang(): void {
  lang.value = lang.value === 'vi' ? 'en' : 'vi';
}

/** Numbers and percentages in the current language's style. */
export function pct(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  return `${Math.round(share * 100)}%`;
}

export function num(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined) return '—';
  return x.toLocaleString(lang.value === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits });
}

/** "4,5 phút" (one decimal), or "—" when there is no figure. */
export function minutesText(x: number | null | undefined): string {
  return x != null ? t('common.minutes', { n: num(x) }) : '—';
}

export function timeOf(iso: string | undefined): string {
  if (!iso) return '—';
  // The server writes local times with the site's offset: show the wall-clock part as written.
  const m = /T(\d{2}:\d{2})/.exec(iso);
  return m ? m[1]! : iso;
}
