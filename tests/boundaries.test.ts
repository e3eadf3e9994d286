/**
 * The package boundaries docs/README.md describes, checked on every file: a workspace is used
 * through its declared entry points, every import is declared, every entry point exists, and no
 * module is loaded from inside its own import chain.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cycles,
  declared,
  type ImportSite,
  importsOf,
  packageName,
  readWorkspaces,
  resolveImport,
  sourceFiles,
  workspaceOf,
} from './src/boundaries.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { root, workspaces } = readWorkspaces(ROOT);
const files = sourceFiles(ROOT);
const sites = files.flatMap((f) => importsOf(ROOT, f));
const where = (s: ImportSite) => `${s.file}:${s.line} ${s.specifier}`;

/** Test code may use the monorepo's shared tools (vitest, fast-check…) from the root manifest. */
const isTestCode = (file: string) => /\.test\.tsx?$|(^|\/)(test|bench)\//.test(file);

describe('package boundaries', () => {
  it('no file imports another workspace by a relative path', () => {
    const crossings = sites.filter((s) => {
      if (!s.specifier.startsWith('.')) return false;
      const own = workspaceOf(workspaces, s.file);
      const target = resolveImport(ROOT, workspaces, s)!;
      return own !== null && !target.startsWith(`${own.dir}/`);
    });
    expect(crossings.map(where)).toEqual([]);
  });

  it('every import of a workspace or npm package is declared in its package.json', () => {
    const rootTools = declared(root);
    const undeclared = sites.filter((s) => {
      const name = packageName(s.specifier);
      if (!name) return false;
      const own = workspaceOf(workspaces, s.file);
      if (!own) return !rootTools.has(name);
      if (name === own.name || declared(own.manifest).has(name)) return false;
      return !(isTestCode(s.file) && rootTools.has(name));
    });
    expect(undeclared.map(where)).toEqual([]);
  });

  it('every workspace import names an exported entry point', () => {
    const unexported = sites.filter((s) => {
      const name = packageName(s.specifier);
      return workspaces.some((w) => w.name === name) && resolveImport(ROOT, workspaces, s) === null;
    });
    expect(unexported.map(where)).toEqual([]);
  });

  it('every exports target exists', () => {
    const missing = workspaces.flatMap((w) =>
      Object.entries(w.manifest.exports ?? {})
        .filter(([, target]) => !existsSync(join(ROOT, w.dir, target)))
        .map(([subpath, target]) => `${w.name} "${subpath}" → ${target}`),
    );
    expect(missing).toEqual([]);
  });

  it('no import cycle among the modules loaded at start', () => {
    const graph = new Map<string, Set<string>>();
    for (const s of sites) {
      if (!s.loadsAtStart) continue;
      const target = resolveImport(ROOT, workspaces, s);
      if (!target || !files.includes(target)) continue;
      graph.set(s.file, (graph.get(s.file) ?? new Set()).add(target));
    }
    expect(cycles(graph)).toEqual([]);
  });

  it('the checks see the tree: imports across workspaces are found and resolved', () => {
    const agentImportsProtocol = sites.find(
      (s) => s.file.startsWith('device-agent/src/') && s.specifier === '@oss/protocol',
    );
    expect(agentImportsProtocol && resolveImport(ROOT, workspaces, agentImportsProtocol)).toBe(
      'protocol/src/index.ts',
    );
    expect(
      cycles(
        new Map([
          ['a', new Set(['b'])],
          ['b', new Set(['c'])],
          ['c', new Set(['a'])],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
  });
});
