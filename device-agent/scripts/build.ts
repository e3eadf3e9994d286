/**
 * Bundles the agent into one ESM file for the Pi: `npx tsx device-agent/scripts/build.ts`
 * → device-agent/dist/agent.mjs, run with `node device-agent/dist/agent.mjs --config …`.
 * Running plain JavaScript instead of TypeScript through tsx saves ~40 MB of RSS (tsx's loader).
 * Native and optional modules stay external (installed in node_modules as usual).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

/**
 * Native modules loaded at their first use instead of at start: `serialport` (+16 MB RSS: the
 * bindings and a dozen @serialport packages) only when a serial printer, scanner or counter display
 * is opened. The hardware code does `new SerialPort(…)`; the stand-in `require`s the real module then
 * and returns the real instance.
 */
const LAZY: Record<string, string> = {
  serialport: 'SerialPort',
};
const lazyNative: Plugin = {
  name: 'lazy-native',
  setup(b) {
    b.onResolve({ filter: /^serialport$/ }, (args) =>
      args.namespace === 'lazy-native'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'lazy-native' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-native' }, (args) => {
      const name = LAZY[args.path]!;
      return {
        contents: `import { createRequire } from 'node:module';
const load = () => createRequire(import.meta.url)(${JSON.stringify(args.path)});
export const ${name} = new Proxy(function () {}, {
  construct: (_t, argv) => new (load().${name})(...argv),
  get: (_t, key) => load().${name}[key],
});`,
        loader: 'js',
      };
    });
  },
};

const HERE = dirname(fileURLToPath(import.meta.url));
const outdir = join(HERE, '..', 'dist');
rmSync(outdir, { recursive: true, force: true });
// Code splitting: what is imported with `import()` (the emotion model, drivers a profile may not
// need) goes to its own chunk in dist/, loaded only when used.
await build({
  entryPoints: { agent: join(HERE, '..', 'src', 'main.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunk-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  // No comments and no blank space: V8 keeps the whole source in memory (3 MB, twice that as a
  // two-byte string when a comment has a non-ASCII character; esbuild escapes them in code).
  // Identifiers are kept so that stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  legalComments: 'none',
  plugins: [lazyNative],
  external: [
    'better-sqlite3',
    '@serialport/*',
    'node-hid',
    'onoff',
    'smartcard',
    'pngjs',
    'qrcode',
    // The emotion model's runtime (tfjs + WASM files, face-api weights) stays in node_modules.
    '@tensorflow/*',
    '@vladmandic/face-api',
    'jpeg-js',
  ],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
// The printer's fonts are found relative to hardware/src/printer/font.ts; from dist/ they are here:
for (const name of readdirSync(outdir)) {
  const file = join(outdir, name);
  const code = readFileSync(file, 'utf8')
    .replaceAll('"../../fonts/', '"../../hardware/fonts/')
    // esbuild leaves non-ASCII in regular expression literals (/[đĐ]/): escaped, the source stays a
    // one-byte string in V8 (half the memory).
    .replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  writeFileSync(file, code);
  process.stdout.write(`wrote ${file} (${(code.length / 1024).toFixed(0)} KiB)\n`);
}
