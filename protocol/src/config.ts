/**
 * The one strict YAML loader of the project's files (the site configuration, the agent's
 * configuration, the provisioning inventory) and their one error shape: each problem with its field
 * path, its line in the file and a text in Vietnamese then English. `@oss/protocol/config`, apart
 * from the main entry, so the browser apps never bundle `yaml`.
 */
import { readFileSync } from 'node:fs';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { bilingual, type LocalizedText } from './messages.ts';

export interface ConfigProblem {
  /** Dotted field path (`services.3.prefix`); '' for the whole file. */
  path: string;
  line: number | null;
  /** Vietnamese, then English: `… / …`. */
  message: string;
}

/** What kind of file failed, as the first line of the error names it. */
export interface FileKind {
  vi: string;
  en: string;
}

/**
 * `Tệp cấu hình không hợp lệ site.yaml / invalid site configuration site.yaml:` then one line per
 * problem, `  site.yaml:42 services.3.prefix: … / …`.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly kind: FileKind,
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    const named = file ? ` ${file}` : '';
    super(
      `${kind.vi} không hợp lệ${named} / invalid ${kind.en}${named}:\n` +
        problems
          .map((p) => {
            const where = `${file}${p.line ? `:${p.line}` : ''}`;
            return `  ${where ? `${where} ` : ''}${p.path || '(tệp / file)'}: ${p.message}`;
          })
          .join('\n'),
    );
  }

  /** The first problem's field ('' for the whole file). */
  get field(): string {
    return this.problems[0]?.path ?? '';
  }

  /** The same problems, found in `file`: each gets the line of its field. */
  locate(file: string, lineOf: (path: string) => number | null): ConfigError {
    return new ConfigError(
      this.kind,
      file,
      this.problems.map((p) => ({ ...p, line: p.line ?? lineOf(p.path) })),
    );
  }
}

/** One problem with one field, before the file is known (`locate` adds it and the line). */
export function configError(kind: FileKind, path: string, text: LocalizedText): ConfigError {
  return new ConfigError(kind, '', [{ path, line: null, message: bilingual(text) }]);
}

export interface YamlDocument {
  /** The plain value (aliases resolved); JSON is YAML. */
  value: unknown;
  /** The line of the deepest node that exists along a dotted path. */
  lineOf(path: string): number | null;
}

/** Reads and parses a YAML or JSON file; every failure is a ConfigError of `kind`. */
export function readYamlFile(kind: FileKind, file: string): YamlDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw fileProblem(kind, file, null, {
      vi: `Không đọc được tệp (${code})`,
      en: `cannot read the file (${code})`,
    });
  }
  return parseYaml(kind, text, file);
}

/**
 * Strict: duplicate keys, and warnings such as an unknown tag (`!env`, whose value would be read as
 * plain text), are errors. Aliases are resolved with a cap, so an alias bomb is an error too.
 */
export function parseYaml(kind: FileKind, text: string, file = '(inline)'): YamlDocument {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length > 0)
    throw new ConfigError(
      kind,
      file,
      syntax.map((e) => ({
        path: '',
        line: e.linePos?.[0].line ?? null,
        // The parser's own detail exists in English only.
        message: `Lỗi cú pháp YAML / YAML syntax error: ${e.message.split('\n')[0]!}`,
      })),
    );
  let value: unknown;
  try {
    // A dangling `*name` or an alias bomb surfaces here, not as a parse error.
    value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    throw fileProblem(kind, file, null, {
      vi: 'Lỗi tham chiếu YAML (*tên)',
      en: `YAML alias error: ${(e as Error).message.split('\n')[0]!}`,
    });
  }
  return { value, lineOf: (path) => lineOf(doc, lines, path) };
}

function fileProblem(kind: FileKind, file: string, line: number | null, text: LocalizedText): ConfigError {
  return new ConfigError(kind, file, [{ path: '', line, message: bilingual(text) }]);
}

/**
 * The line of the deepest node that exists along `path` (a missing field points at its parent). A
 * list item may be named by its `id` (`devices.kiosk-1.hardware`) as well as by its index.
 */
function lineOf(doc: Document, lines: LineCounter, path: string): number | null {
  const keys: (string | number)[] = [];
  for (const key of path ? path.split('.') : []) {
    const list = doc.getIn(keys);
    const index = Array.isArray((list as { items?: unknown })?.items)
      ? itemIndex((list as { items: unknown[] }).items, key)
      : null;
    keys.push(index ?? key);
  }
  for (let n = keys.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  return null;
}

function itemIndex(items: unknown[], key: string): number | null {
  if (/^\d+$/.test(key)) return Number(key);
  const i = items.findIndex((item) => (item as { get?: (k: string) => unknown })?.get?.('id') === key);
  return i >= 0 ? i : null;
}
