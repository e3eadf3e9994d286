/** Test tools shared by the packages' tests: temporary folders, ports, waiting, fuzzing. */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';

export function tempDir(prefix = 'oss-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Waits until something listens on `port` (or, with `open` false, until nothing does). */
export async function waitForPort(port: number, open = true): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      }).once('error', () => resolve(false));
    });
    if (listening === open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} did not ${open ? 'open' : 'close'}`);
}

/** Polls `check` every 10 ms until it gives a truthy value. */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

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

/** A "billion laughs" YAML text: 8 levels of 10 aliases each, 10⁸ nodes once expanded. */
export function yamlAliasBomb(): string {
  const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++)
    lines.push(
      `l${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n');
}
