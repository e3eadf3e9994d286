/** Multi-page build of the four apps and the public ticket page into kiosk-ui/dist (served by the queue server). */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const pages = ['kiosk', 'counter', 'display', 'dashboard', 'ticket', 'book', 'province'];

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { dedupe: ['preact', '@preact/signals'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    reportCompressedSize: false,
    rollupOptions: {
      input: Object.fromEntries(pages.map((p) => [p, `${root}${p}.html`])),
    },
  },
  server: {
    // `npm run dev -w kiosk-ui` against a local queue server.
    proxy: { '/api': 'http://127.0.0.1:8080', '/t/': 'http://127.0.0.1:8080' },
  },
});
