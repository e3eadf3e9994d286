/**
 * The built apps as the site server and a device agent send them, over real HTTP: brotli or gzip built
 * at build time (what the browser accepts), hashed assets cached for a year, pages and the icon checked
 * again; and in Chromium no page asks for anything that is not there (`/agent.json`, a favicon).
 */
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { type AgentHandle, silentLogger, startAgent } from '@oss/device-agent';
import { agentConfig, enrolDevice } from '@oss/device-agent/testing';
import { tempDir } from '@oss/tests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APPS_DIST,
  ensureBuilt,
  HAVE_CHROMIUM,
  LANDSCAPE,
  launchBrowser,
  type Site,
  startSite,
} from './harness.ts';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET with node:http, which (unlike fetch) leaves the body as sent. */
function raw(url: string, acceptEncoding?: string): Promise<Raw> {
  return new Promise((done, failed) => {
    const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    }).on('error', failed);
  });
}

const decoded = (r: Raw): Buffer =>
  r.headers['content-encoding'] === 'br'
    ? brotliDecompressSync(r.body)
    : r.headers['content-encoding'] === 'gzip'
      ? gunzipSync(r.body)
      : r.body;

/** The display page's own script, a hashed file under /assets/. */
const displayScript = () =>
  readFileSync(join(APPS_DIST, 'display.html'), 'utf8').match(/\/assets\/display-[\w-]+\.js/)![0];

describe('static assets, precompressed and cached', () => {
  let site: Site;
  let agent: AgentHandle;
  const dir = tempDir('oss-assets-');

  beforeAll(async () => {
    await ensureBuilt();
    site = await startSite();
    agent = await startAgent(
      agentConfig(site.server, enrolDevice(site.server, ['display-assets', 'display'])),
      {
        simulate: true,
        log: silentLogger,
        port: 0,
        dataDir: dir.path,
      },
    );
  }, 120_000);

  afterAll(async () => {
    await agent?.stop();
    await site?.stop();
    dir.remove();
  });

  const origins = () => [
    ['site server', site.url],
    ['device agent', agent.url],
  ];

  it('pages: brotli, else gzip, else as built; checked again on each load', async () => {
    const built = readFileSync(join(APPS_DIST, 'display.html'));
    for (const [who, origin] of origins()) {
      for (const [accept, encoding] of [
        ['gzip, deflate, br, zstd', 'br'],
        ['gzip, br;q=0', 'gzip'],
        ['identity', undefined],
        [undefined, undefined],
      ] as const) {
        const r = await raw(`${origin}/display`, accept);
        expect(r.status, `${who} ${accept}`).toBe(200);
        expect(r.headers['content-encoding'], `${who} ${accept}`).toBe(encoding);
        expect(r.headers['cache-control'], who).toBe('no-cache');
        expect(String(r.headers.vary), who).toMatch(/accept-encoding/i);
        expect(r.headers['content-type'], who).toMatch(/^text\/html/);
        expect(decoded(r).equals(built), `${who} ${accept}`).toBe(true);
      }
    }
  });

  it('hashed assets: brotli, a year, immutable; a fraction of their size', async () => {
    const script = displayScript();
    const built = readFileSync(join(APPS_DIST, script));
    for (const [who, origin] of origins()) {
      const r = await raw(`${origin}${script}`, 'gzip, deflate, br');
      expect(r.status, who).toBe(200);
      expect(r.headers['content-encoding'], who).toBe('br');
      expect(r.headers['cache-control'], who).toMatch(/max-age=31536000/);
      expect(r.headers['cache-control'], who).toMatch(/immutable/);
      expect(r.body.length, who).toBeLessThan(built.length / 2);
      expect(decoded(r).equals(built), who).toBe(true);
      const plain = await raw(`${origin}${script}`);
      expect(plain.headers['content-encoding'], who).toBeUndefined();
      expect(plain.body.equals(built), who).toBe(true);
    }
  });

  it('a favicon, and /agent.json answered without an error on the site server', async () => {
    for (const [who, origin] of origins()) {
      const icon = await raw(`${origin}/favicon.svg`, 'br');
      expect(icon.status, who).toBe(200);
      expect(icon.headers['content-type'], who).toMatch(/^image\/svg\+xml/);
      expect(decoded(icon).toString()).toContain('<svg');
    }
    const none = await raw(`${site.url}/agent.json`);
    expect(none.status).toBe(204);
    expect(none.headers['cache-control']).toBe('no-store');
    expect((await raw(`${agent.url}/agent.json`)).status).toBe(200);
  });

  it.skipIf(!HAVE_CHROMIUM)(
    'in Chromium, no page of the site server asks for something that is not there',
    async () => {
      const browser = await launchBrowser();
      try {
        for (const path of ['/', '/kiosk', '/counter', '/display', '/dashboard', '/book']) {
          const page = await browser.newPage({ viewport: LANDSCAPE });
          const missing: string[] = [];
          const errors: string[] = [];
          // The staff apps ask who is signed in: 401 is that answer ("nobody"), not something missing.
          const signedOut = (status: number, url: string) => status === 401 && url.endsWith('/api/auth/me');
          page.on('response', (r) => {
            if (r.status() >= 400 && !signedOut(r.status(), r.url()))
              missing.push(`${r.status()} ${new URL(r.url()).pathname}`);
          });
          page.on('console', (m) => {
            if (m.type() === 'error' && !signedOut(401, m.location().url)) errors.push(m.text());
          });
          await page.goto(`${site.url}${path}`, { waitUntil: 'networkidle' });
          // Chromium asks for the icon the page names (or /favicon.ico) after the load.
          await expect.poll(() => page.evaluate(() => document.readyState)).toBe('complete');
          expect(missing, path).toEqual([]);
          expect(errors, path).toEqual([]);
          await page.close();
        }
      } finally {
        await browser.close();
      }
    },
    90_000,
  );

  it.skipIf(!HAVE_CHROMIUM)(
    'kiosk and board: styles inside the page, scripts asked for after the first paint, and the first draw shifts nothing when answers are slow',
    async () => {
      const browser = await launchBrowser();
      try {
        for (const [path, slow] of [
          ['/kiosk', '/agent.json'],
          ['/kiosk', '/api/site'],
          ['/display', '/api/queue'],
        ] as const) {
          for (const viewport of [{ width: 412, height: 823 }, LANDSCAPE]) {
            const page = await browser.newPage({ viewport });
            const stylesheets: string[] = [];
            page.on('request', (r) => r.resourceType() === 'stylesheet' && stylesheets.push(r.url()));
            // A slow answer is when a page drawn too early would shift: the kiosk's "not configured"
            // notice above its buttons or its site's name and address in the header, the board's
            // tiles above its table.
            await page.route(`**${slow}`, async (route) => {
              await new Promise((r) => setTimeout(r, 700));
              await route.continue();
            });
            await page.addInitScript(() => {
              const w = window as unknown as { shifted: number };
              w.shifted = 0;
              new PerformanceObserver((list) => {
                for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[])
                  if (!e.hadRecentInput) w.shifted += e.value;
              }).observe({ type: 'layout-shift', buffered: true });
            });
            await page.goto(`${site.url}${path}`);
            await page.locator('[data-ready=true]').waitFor();
            await page.waitForTimeout(500);
            const shifted = await page.evaluate(() => (window as unknown as { shifted: number }).shifted);
            expect(shifted, `${path} ${viewport.width}`).toBeLessThan(0.01);
            expect(stylesheets, path).toEqual([]);
            // The boot line is painted before any script is even requested (a slow phone shows it at once).
            const { painted, firstScript } = await page.evaluate(() => ({
              painted: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
              firstScript: Math.min(
                ...performance
                  .getEntriesByType('resource')
                  .filter((e) => /\/assets\/.+\.js$/.test(e.name))
                  .map((e) => e.startTime),
              ),
            }));
            expect(firstScript, `${path} ${viewport.width}`).toBeGreaterThan(painted);
            await page.close();
          }
        }
      } finally {
        await browser.close();
      }
    },
    90_000,
  );
});
