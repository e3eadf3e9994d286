/**
 * The workspace boundaries read off the source: every import of every file, which workspace it is
 * in, what it resolves to. `tests/boundaries.test.ts` turns the rules of docs/README.md into checks.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

export interface Workspace {
  name: string;
  dir: string;
  manifest: Manifest;
}

interface Manifest {
  name: string;
  workspaces?: string[];
  exports?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface ImportSite {
  file: string;
  line: number;
  specifier: string;
  /** False for `import type`, type-only exports and `import()`: nothing loaded when the file loads. */
  loadsAtStart: boolean;
}

const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
const BUILTINS = new Set(builtinModules);

export function readWorkspaces(root: string): { root: Manifest; workspaces: Workspace[] } {
  const rootManifest = readManifest(root);
  const workspaces = (rootManifest.workspaces ?? []).map((dir) => ({
    dir,
    manifest: readManifest(join(root, dir)),
    name: readManifest(join(root, dir)).name,
  }));
  return { root: rootManifest, workspaces };
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** The tracked source files, relative to the root. */
export function sourceFiles(root: string): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => SOURCE.test(f) && existsSync(join(root, f)));
}

export function importsOf(root: string, file: string): ImportSite[] {
  const text = readFileSync(join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const sites: ImportSite[] = [];
  const add = (node: ts.Node, literal: ts.Expression, loadsAtStart: boolean) => {
    if (!ts.isStringLiteralLike(literal)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    sites.push({ file, line, specifier: literal.text, loadsAtStart });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, !isTypeOnlyImport(node));
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier)
      add(node, node.moduleSpecifier, !isTypeOnlyExport(node));
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node, node.arguments[0]!, false);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      add(node, node.argument.literal, false);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return sites;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return (
    !clause.name &&
    named !== undefined &&
    ts.isNamedImports(named) &&
    named.elements.length > 0 &&
    named.elements.every((e) => e.isTypeOnly)
  );
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return (
    clause !== undefined &&
    ts.isNamedExports(clause) &&
    clause.elements.length > 0 &&
    clause.elements.every((e) => e.isTypeOnly)
  );
}

/** The workspace a file belongs to, or null for files at the root. */
export function workspaceOf(workspaces: Workspace[], file: string): Workspace | null {
  return workspaces.find((w) => file.startsWith(`${w.dir}/`)) ?? null;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; null for relative paths and builtins. */
export function packageName(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return null;
  if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]!)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The packages a manifest declares, in any of its dependency lists. */
export function declared(manifest: Manifest): Set<string> {
  return new Set(
    [
      manifest.dependencies,
      manifest.devDependencies,
      manifest.optionalDependencies,
      manifest.peerDependencies,
    ].flatMap((deps) => Object.keys(deps ?? {})),
  );
}

/** The repository file a relative or workspace import resolves to; null for npm packages. */
export function resolveImport(root: string, workspaces: Workspace[], site: ImportSite): string | null {
  if (site.specifier.startsWith('.')) return withExtension(join(dirname(site.file), site.specifier), root);
  const name = packageName(site.specifier);
  const target = workspaces.find((w) => w.name === name);
  if (!target || !name) return null;
  const subpath = `.${site.specifier.slice(name.length)}`;
  const entry = target.manifest.exports?.[subpath];
  return entry ? withExtension(join(target.dir, entry), root) : null;
}

function withExtension(path: string, root: string): string {
  const candidates = [path, `${path}.ts`, `${path}.tsx`, join(path, 'index.ts')];
  return candidates.find((c) => existsSync(resolve(root, c))) ?? path;
}

/** The cycles of a directed graph (Tarjan's strongly connected components of more than one file). */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return found;
}
