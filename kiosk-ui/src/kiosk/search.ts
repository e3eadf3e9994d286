/**
 * Procedure search for citizens, as they say things: case and diacritics ignored (đ/Đ → d), so
 * "so do" finds "sổ đỏ"; filler words ("làm", "giấy", "xin", "cho") ignored; every other word must
 * appear in the procedure's everyday name, keywords, name (either language), field or code; the
 * best first (a whole phrase beats scattered words, keywords and names beat the field).
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

/** Words that say nothing of which procedure is meant ("làm giấy khai sinh cho con" is "khai sinh con"), folded. */
const FILLERS = new Set(['lam', 'giay', 'xin', 'cho', 'toi', 'muon', 'cua', 'gi', 'o', 'nhu', 'nao', 'the']);

/** The words of a text that name something: folded, "thủ tục" and fillers dropped (all kept if nothing else is left). */
export function meaningfulWords(text: string): string[] {
  const words = ` ${fold(text)} `
    .replace(/ thu tuc /g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  const kept = words.filter((w) => !FILLERS.has(w));
  return kept.length > 0 ? kept : words;
}

interface Doc {
  words: string[];
  phrase: string;
  weight: number;
}

interface Indexed {
  procedure: ProcedureInfo;
  docs: Doc[];
}

function doc(text: string, weight: number): Doc {
  const words = meaningfulWords(text);
  return { words, phrase: words.join(' '), weight };
}

export function indexProcedures(procedures: ProcedureInfo[]): Indexed[] {
  return procedures.map((p) => ({
    procedure: p,
    docs: [
      ...(p.shortName ? [doc(p.shortName.vi, 6), doc(p.shortName.en, 6)] : []),
      ...(p.keywords ?? []).map((k) => doc(k, 5)),
      doc(p.name.vi, 4),
      doc(p.code, 3),
      doc(p.name.en, 2),
      doc(p.field.vi, 2),
      doc(p.field.en, 2),
    ],
  }));
}

/** How well one procedure answers the words; null when a word is found nowhere in it. */
function score(item: Indexed, words: string[], typing: boolean): number | null {
  const last = words.length - 1;
  const matches = (w: string, i: number, d: string) => d === w || (typing && i === last && d.startsWith(w));
  let total = 0;
  for (const [i, w] of words.entries()) {
    let best = 0;
    for (const d of item.docs)
      for (const dw of d.words)
        if (matches(w, i, dw)) best = Math.max(best, dw === w ? d.weight : d.weight / 2);
    if (best === 0) return null;
    total += best;
  }
  const phrase = words.join(' ');
  let bonus = 0;
  for (const d of item.docs) {
    if (d.phrase === phrase) bonus = Math.max(bonus, 4 * d.weight);
    else if (words.length > 1 && ` ${d.phrase} `.includes(` ${phrase}${typing ? '' : ' '}`))
      bonus = Math.max(bonus, 2 * d.weight);
  }
  return total + bonus;
}

/**
 * Procedures that have every meaningful word of the query, best first. While the last word is being
 * typed it may be the start of a word ("khai s" finds "khai sinh"); the others are whole words, so
 * "so" does not find "social".
 */
export function searchProcedures(index: Indexed[], query: string): ProcedureInfo[] {
  if (!fold(query)) return index.map((i) => i.procedure);
  const words = meaningfulWords(query);
  const typing = !/\s$/.test(query);
  const scored: { p: ProcedureInfo; score: number }[] = [];
  for (const item of index) {
    const s = score(item, words, typing);
    if (s !== null) scored.push({ p: item.procedure, score: s });
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

/** A few everyday names of the procedures, as examples of what a service or field is for. */
export function examplesOf(procedures: ProcedureInfo[], lang: 'vi' | 'en', max = 3): string {
  return procedures
    .flatMap((p) => (p.shortName ? [p.shortName[lang]] : []))
    .slice(0, max)
    .join(', ');
}
