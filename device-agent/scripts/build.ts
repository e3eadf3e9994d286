/**
 * Bundles the agent into one ESM file for the Pi: `npx tsx device-agent/scripts/build.ts`
 * → device-agent/dist/agent.mjs, run with `node device-agent/dist/agent.mjs --config …`.
 * Running plain JavaScript instead of TypeScript through tsx saves ~40 MB of RSS (tsx's loader).
 * Native and optional modules stay external (installed in node_modules as usual).
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const outdir = join(HERE, '..', 'dist');
const outfile = join(outdir, 'agent.mjs');
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
  legalComments: 'none',
  external: [
    'better-sqlite3',
    'serialport',
    '@serialport/*',
    '@resvg/resvg-js',
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
  const code = readFileSync(file, 'utf8').replaceAll('"../../fonts/', '"../../hardware/fonts/');
  writeFileSync(file, code);
  process.stdout.write(`wrote ${file} (${(code.length / 1024).toFixed(0)} KiB)\n`);
}
