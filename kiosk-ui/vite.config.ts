/** Multi-page build of the four apps and the public ticket page into kiosk-ui/dist (served by the queue server). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const pages = ['kiosk', 'counter', 'display', 'dashboard', 'ticket', 'book', 'province'];
const TEXT = /\.(js|css|html|svg|json)$/;

/**
 * Each text file also as `.br` and `.gz` beside it, compressed once at build time at the highest
 * levels (the servers send them as they are: no compression per request on a Pi).
 */
function precompress(): Plugin {
  return {
    name: 'oss-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const name of Object.keys(bundle).filter((n) => TEXT.test(n))) {
        const file = join(options.dir!, name);
        const data = readFileSync(file);
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}

/**
 * Each page's stylesheets inlined into its head: on a slow mobile link a linked stylesheet holds the
 * first paint for one more round trip. The queue server admits them by hash in its CSP (pages.ts).
 */
function inlineStyles(): Plugin {
  return {
    name: 'oss-inline-styles',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html, { bundle }) =>
        html.replace(/<link rel="stylesheet"[^>]*? href="\/([^"]+\.css)"[^>]*>/g, (link, name: string) => {
          const asset = bundle?.[name];
          return asset?.type === 'asset' ? `<style>${String(asset.source)}</style>` : link;
        }),
    },
  };
}

/**
 * The scripts of a page with a boot line (kiosk, board) requested only once that line is on screen
 * (its first contentful paint, in the page's inlined styles): an inline loader adds the entry and its
 * preloads then, or after 1 s at the latest. Module scripts never block the parser, but when they
 * arrive before the first paint Chromium runs them first, and on a slow phone the boot line then
 * waits for every chunk. It also asks `/agent.json` (both pages first ask whether an agent serves
 * them: `probeAgent`) beside the scripts; a failed fetch is the prober's to handle (no unhandled
 * rejection meanwhile). Hidden pages (nothing painted) load at once. The queue server admits the
 * loader by hash in its CSP (pages.ts); the device agent's policy allows inline code.
 */
function scriptsAfterFirstPaint(): Plugin {
  const entry = /<script type="module" crossorigin src="([^"]+)"><\/script>\s*/;
  const preload = /<link rel="modulepreload" crossorigin href="([^"]+)">\s*/g;
  return {
    name: 'oss-scripts-after-first-paint',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => {
        // Only pages with a boot line paint anything before their scripts run.
        if (!html.includes('class="boot"')) return html;
        const src = entry.exec(html)?.[1];
        if (!src) throw new Error('scriptsAfterFirstPaint: no module entry found in a page with a boot line');
        const preloads = [...html.matchAll(preload)].map((m) => m[1]!);
        const loader =
          `(()=>{const h=document.head,add=(t,a)=>h.append(Object.assign(document.createElement(t),a,{crossOrigin:''}));` +
          `let loaded=false;const load=()=>{if(loaded)return;loaded=true;const a=fetch('/agent.json',{cache:'no-store'});a.catch(()=>{});window.ossAgentAnswer=a;` +
          `for(const href of ${JSON.stringify(preloads)})add('link',{rel:'modulepreload',href});` +
          `add('script',{type:'module',src:${JSON.stringify(src)}})};` +
          `if(document.visibilityState!=='visible')return load();` +
          `new PerformanceObserver((l,o)=>{if(l.getEntriesByName('first-contentful-paint').length){o.disconnect();load()}})` +
          `.observe({type:'paint',buffered:true});setTimeout(load,1000)})()`;
        return html
          .replace(entry, '')
          .replace(preload, '')
          .replace('</body>', `<script>${loader}</script>\n</body>`);
      },
    },
  };
}

/** One icon for every page at a fixed address (`/favicon.svg`), linked from each page's head. */
function favicon(): Plugin {
  return {
    name: 'oss-favicon',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'link', attrs: { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' }, injectTo: 'head' },
    ],
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'favicon.svg',
        source: readFileSync(join(root, 'favicon.svg')),
      });
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { dedupe: ['preact', '@preact/signals'] },
  plugins: [favicon(), inlineStyles(), scriptsAfterFirstPaint(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    reportCompressedSize: false,
    rollupOptions: {
      input: Object.fromEntries(pages.map((p) => [p, `${root}${p}.html`])),
      // What several pages share in one chunk (Preact, signals, src/shared, the procedure search,
      // protocol's time helpers)
      // rather than one chunk per combination of pages: the kiosk asks for 3 files, not 8, before its
      // first draw. A page gets a few kB it does not use. The QR encoder (21 kB) stays apart.
      output: {
        codeSplitting: {
          groups: [
            {
              name: 'shared',
              test: /modulepreload-polyfill|\/node_modules\/(preact|@preact)\/|\/protocol\/src\/|\/kiosk-ui\/src\/(shared\/(?!qr\.tsx)|kiosk\/search\.ts)/,
            },
          ],
        },
      },
    },
  },
  server: {
    // `npm run dev -w kiosk-ui` against a local queue server.
    proxy: { '/api': 'http://127.0.0.1:8080', '/t/': 'http://127.0.0.1:8080' },
  },
});
