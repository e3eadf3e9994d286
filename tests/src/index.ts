/** Test tools shared by the packages' tests. */
import fc from 'fast-check';

export interface LineEdit {
  at: number;
  edit: 'cut' | 'dup' | 'garble' | 'indent';
  junk: string;
}

/** 1–5 random edits of a file's lines, for fuzzing loaders with nearly valid files. */
export const lineEdits: fc.Arbitrary<LineEdit[]> = fc.array(
  fc.record({
    at: fc.nat(),
    edit: fc.constantFrom('cut', 'dup', 'garble', 'indent'),
    junk: fc.string({ maxLength: 12 }),
  }),
  { minLength: 1, maxLength: 5 },
);

/** The text with each line edit applied: cut, duplicated, cut to 8 characters plus junk, or indented. */
export function applyLineEdits(text: string, edits: readonly LineEdit[]): string {
  const lines = text.split('\n');
  for (const { at, edit, junk } of edits) {
    const i = at % lines.length;
    if (edit === 'cut') lines.splice(i, 1);
    else if (edit === 'dup') lines.splice(i, 0, lines[i]!);
    else if (edit === 'garble') lines[i] = `${lines[i]!.slice(0, 8)}${junk}`;
    else lines[i] = ` ${lines[i]}`;
  }
  return lines.join('\n');
}
