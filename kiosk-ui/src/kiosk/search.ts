/**
 * Procedure search for citizens: ignores case and diacritics (đ/Đ → d), so "dang ky khai sinh" finds
 * "Đăng ký khai sinh", and every typed word must appear (in either language, the field or the code).
 */
import type { ProcedureInfo } from '../shared/api.ts';

/** Lower case, no diacritics, đ → d, punctuation → spaces, single spaces. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, ' ')
    .trim();
}

interface Indexed {
  procedure: ProcedureInfo;
  name: string;
  all: string;
}

export function indexProcedures(procedures: ProcedureInfo[]): Indexed[] {
  return procedures.map((p) => ({
    procedure: p,
    name: fold(p.name.vi),
    all: ` ${fold([p.name.vi, p.name.en, p.field.vi, p.field.en, p.code].join(' '))} `,
  }));
}

/**
 * Procedures where every word of the query starts a word of the procedure (so "khai s" already finds
 * "khai sinh", but "tu" does not match inside "status"), best first: name start, whole words in the name.
 */
export function searchProcedures(index: Indexed[], query: string): ProcedureInfo[] {
  const q = fold(query);
  if (!q) return index.map((i) => i.procedure);
  const words = q.split(' ');
  const scored: { p: ProcedureInfo; score: number }[] = [];
  for (const item of index) {
    if (!words.every((w) => item.all.includes(` ${w}`))) continue;
    let score = 0;
    if (item.name.startsWith(q)) score += 100;
    else if (item.name.includes(q)) score += 50;
    const nameWords = ` ${item.name} `;
    for (const w of words) {
      if (nameWords.includes(` ${w} `)) score += 5;
      else if (item.name.includes(w)) score += 2;
      if (item.all.includes(` ${w} `)) score += 1;
    }
    scored.push({ p: item.procedure, score });
  }
  return scored
    .sort((a, b) => b.score - a.score || a.p.name.vi.localeCompare(b.p.name.vi, 'vi'))
    .map((s) => s.p);
}

/** Distinct fields in first-seen order, keyed by their folded Vietnamese name. */
export function fieldsOf(procedures: ProcedureInfo[]): { key: string; name: ProcedureInfo['field'] }[] {
  const seen = new Map<string, ProcedureInfo['field']>();
  for (const p of procedures) {
    const key = fold(p.field.vi);
    if (!seen.has(key)) seen.set(key, p.field);
  }
  return [...seen].map(([key, name]) => ({ key, name }));
}
