/**
 * Telex input for the on-screen keyboard: aa→â, aw→ă, ee→ê, oo→ô, ow→ơ, uw→ư (uow→ươ, w alone → ư),
 * dd→đ; tones s (sắc), f (huyền), r (hỏi), x (ngã), j (nặng) placed on the right vowel; z removes the tone.
 * Typing a mark a second time undoes it and types the letter (as in common IMEs).
 * Tone placement follows the traditional rule ("hòa", "thủy"): a vowel with a hat/horn takes the tone
 * (ơ in ươ); otherwise the last vowel of a cluster followed by a consonant, the middle one of three,
 * the first one of two; u after q and i after g (before another vowel) belong to the consonant.
 */

/** Each vowel's six forms: no tone, sắc, huyền, hỏi, ngã, nặng. */
const FORMS = [
  'aáàảãạ',
  'ăắằẳẵặ',
  'âấầẩẫậ',
  'eéèẻẽẹ',
  'êếềểễệ',
  'iíìỉĩị',
  'oóòỏõọ',
  'ôốồổỗộ',
  'ơớờởỡợ',
  'uúùủũụ',
  'ưứừửữự',
  'yýỳỷỹỵ',
];
const BASES = FORMS.map((f) => f[0]!);
const SHAPED = new Set(['ă', 'â', 'ê', 'ô', 'ơ', 'ư']);
const TONE_KEYS: Record<string, number> = { s: 1, f: 2, r: 3, x: 4, j: 5 };

interface Vowel {
  base: string;
  tone: number;
  upper: boolean;
}

function vowelOf(ch: string): Vowel | null {
  const lower = ch.toLowerCase();
  for (const forms of FORMS) {
    const tone = forms.indexOf(lower);
    if (tone >= 0) return { base: forms[0]!, tone, upper: ch !== lower };
  }
  return null;
}

function make(base: string, tone: number, upper: boolean): string {
  const ch = FORMS[BASES.indexOf(base)]![tone]!;
  return upper ? ch.toUpperCase() : ch;
}

/** Index of the vowel that carries the tone in `word`, or -1 when it has no vowel. */
export function tonePosition(word: string): number {
  const chars = [...word];
  const isVowel = chars.map((c, i) => {
    const v = vowelOf(c);
    if (!v) return false;
    const prev = chars[i - 1]?.toLowerCase();
    const nextIsVowel = i + 1 < chars.length && vowelOf(chars[i + 1]!) !== null;
    if (v.base === 'u' && prev === 'q') return false;
    if (v.base === 'i' && prev === 'g' && i === 1 && nextIsVowel) return false;
    return true;
  });
  const start = isVowel.indexOf(true);
  if (start < 0) return -1;
  let end = start;
  while (end + 1 < chars.length && isVowel[end + 1]) end++;
  const cluster: number[] = [];
  for (let i = start; i <= end; i++) cluster.push(i);
  const shaped = cluster.filter((i) => SHAPED.has(vowelOf(chars[i]!)!.base));
  if (shaped.length) return shaped.at(-1)!;
  if (cluster.length === 1) return start;
  if (end < chars.length - 1) return end;
  if (cluster.length >= 3) return start + 1;
  return start;
}

function toneOf(chars: string[]): number {
  for (const c of chars) {
    const v = vowelOf(c);
    if (v?.tone) return v.tone;
  }
  return 0;
}

function withTone(chars: string[], tone: number): string {
  const plain = chars.map((c) => {
    const v = vowelOf(c);
    return v ? make(v.base, 0, v.upper) : c;
  });
  if (tone) {
    const at = tonePosition(plain.join(''));
    if (at >= 0) {
      const v = vowelOf(plain[at]!)!;
      plain[at] = make(v.base, tone, v.upper);
    }
  }
  return plain.join('');
}

/** Reshapes the last vowel of `from` bases into `to` (keeping its tone); null when there is none. */
function reshape(chars: string[], from: string[], to: string): string[] | null {
  for (let i = chars.length - 1; i >= 0; i--) {
    const v = vowelOf(chars[i]!);
    if (v && from.includes(v.base)) {
      const next = [...chars];
      next[i] = make(to, 0, v.upper);
      return next;
    }
  }
  return null;
}

/** Appends a letter; a tone already typed moves to where it belongs in the longer word (hòa + n → hoàn). */
function append(chars: string[], key: string, tone: number): string {
  return tone ? withTone([...chars, key], tone) : chars.join('') + key;
}

/** The word after typing `key` at its end. */
export function telexWord(word: string, key: string): string {
  const k = key.toLowerCase();
  const chars = [...word];
  const tone = toneOf(chars);
  const hasVowel = chars.some((c) => vowelOf(c));

  if (k === 'z') return hasVowel && tone ? withTone(chars, 0) : word + key;
  if (k in TONE_KEYS) {
    if (!hasVowel) return word + key;
    const wanted = TONE_KEYS[k]!;
    if (tone === wanted) return withTone(chars, 0) + key;
    return withTone(chars, wanted);
  }
  if (k === 'd') {
    const i = chars.findLastIndex((c) => c === 'd' || c === 'D');
    if (i >= 0) {
      chars[i] = chars[i] === 'd' ? 'đ' : 'Đ';
      return chars.join('');
    }
    const j = chars.findLastIndex((c) => c === 'đ' || c === 'Đ');
    if (j >= 0) {
      chars[j] = chars[j] === 'đ' ? 'd' : 'D';
      return chars.join('') + key;
    }
    return word + key;
  }
  if (k === 'a' || k === 'e' || k === 'o') {
    const hat = { a: 'â', e: 'ê', o: 'ô' }[k];
    const shaped = reshape(chars, [k, k === 'a' ? 'ă' : k === 'o' ? 'ơ' : k], hat);
    if (shaped) return withTone(shaped, tone);
    const undone = reshape(chars, [hat], k);
    if (undone) return withTone(undone, tone) + key;
    return append(chars, key, tone);
  }
  if (k === 'w') {
    // uo → ươ
    for (let i = chars.length - 2; i >= 0; i--) {
      const a = vowelOf(chars[i]!);
      const b = vowelOf(chars[i + 1]!);
      if (a && b && a.base === 'u' && (b.base === 'o' || b.base === 'ơ')) {
        const next = [...chars];
        next[i] = make('ư', 0, a.upper);
        next[i + 1] = make('ơ', 0, b.upper);
        return withTone(next, tone);
      }
    }
    for (let i = chars.length - 1; i >= 0; i--) {
      const v = vowelOf(chars[i]!);
      if (!v) continue;
      const to = { a: 'ă', o: 'ơ', u: 'ư', â: 'ă', ô: 'ơ' }[v.base];
      if (to) {
        const next = [...chars];
        next[i] = make(to, 0, v.upper);
        return withTone(next, tone);
      }
      const back = { ă: 'a', ơ: 'o', ư: 'u' }[v.base];
      if (back) {
        const next = [...chars];
        next[i] = make(back, 0, v.upper);
        return withTone(next, tone) + key;
      }
    }
    return append(chars, key === 'W' ? 'Ư' : 'ư', tone);
  }
  return append(chars, key, tone);
}

/** The text after typing `key` at its end: Telex applies to the last word only. */
export function telexType(text: string, key: string): string {
  if (key === ' ') return text + ' ';
  const m = /[^\s]*$/.exec(text)!;
  const head = text.slice(0, m.index);
  return head + telexWord(m[0], key);
}

/** Backspace: removes the last character. */
export function backspace(text: string): string {
  return [...text].slice(0, -1).join('');
}
