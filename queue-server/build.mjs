// Bundles the site server into one ESM file run by plain Node (no TypeScript loader in production):
// workspace code is bundled, npm packages stay in node_modules. `npm start` runs this first (~0.5 s).
import { build } from 'esbuild';

const outdir = process.argv[2] ?? 'queue-server/dist';

await build({
  entryPoints: { main: 'queue-server/src/main.ts' },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'npm-packages-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('@oss/') ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
