/**
 * Loads the site configuration file (YAML or JSON), fills schema defaults, validates it, and reports
 * problems by field path and line, in Vietnamese then English:
 * `demo-site.yaml:42 services.3.prefix: Trường "services.3.prefix" không đúng định dạng (mẫu …) / field "services.3.prefix" does not match the pattern …`.
 */
import { readFileSync } from 'node:fs';
import { bilingual, validate } from '@oss/protocol';
import { crossCheck, SiteConfig } from '@oss/queue-server/core';
import { Value } from '@sinclair/typebox/value';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { DEMO_SITE_CONFIG } from '../paths.ts';

export { DEMO_SITE_CONFIG };

export interface ConfigProblem {
  path: string;
  line: number | null;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `Tệp cấu hình không hợp lệ ${file} / invalid site configuration ${file}:\n` +
        problems
          .map((p) => `  ${file}${p.line ? `:${p.line}` : ''} ${p.path || '(tệp / file)'}: ${p.message}`)
          .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export function loadSiteConfig(file: string = DEMO_SITE_CONFIG): SiteConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new ConfigError(file, [
      { path: '', line: null, message: `Không đọc được tệp (${code}) / cannot read the file (${code})` },
    ]);
  }
  return parseSiteConfig(text, file);
}

export function parseSiteConfig(text: string, file = '(inline)'): SiteConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  // A warning (an unknown tag such as `!env`) is refused too: its value would be read as plain text.
  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length > 0) {
    throw new ConfigError(
      file,
      syntax.map((e) => ({
        path: '',
        line: e.linePos?.[0].line ?? null,
        // The parser's own detail exists in English only.
        message: `Lỗi cú pháp YAML / YAML syntax error: ${e.message.split('\n')[0]!}`,
      })),
    );
  }
  const raw = toPlain(doc, file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError(file, [
      {
        path: '',
        line: 1,
        message:
          'Tệp phải gồm các mục dạng khoá: giá trị (site:, services:, …) / ' +
          'the file must hold a mapping (site:, services:, …)',
      },
    ]);
  const withDefaults = Value.Default(SiteConfig, structuredClone(raw));
  const checked = validate(SiteConfig, withDefaults);
  if (!checked.ok) {
    throw new ConfigError(file, [
      {
        path: checked.path,
        line: lineOf(doc, lines, checked.path),
        message: bilingual(checked.text),
      },
    ]);
  }
  const problems = crossCheck(checked.value);
  if (problems.length > 0) {
    throw new ConfigError(
      file,
      problems.map((p) => ({ path: p.path, line: lineOf(doc, lines, p.path), message: p.message })),
    );
  }
  return checked.value;
}

/** Aliases are only resolved here, so a dangling `*name` or an alias bomb surfaces here, not as a parse error. */
function toPlain(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    throw new ConfigError(file, [
      {
        path: '',
        line: null,
        message: `Lỗi tham chiếu YAML (*tên) / YAML alias error: ${(e as Error).message.split('\n')[0]!}`,
      },
    ]);
  }
}

/** The line of the deepest node that exists along `path` (a missing field points at its parent). */
function lineOf(doc: Document, lines: LineCounter, path: string): number | null {
  const keys = path ? path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)) : [];
  for (let n = keys.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return null;
}
