/**
 * The board's announcements over real HTTP: only the configured files are served, with their type
 * and a cache lifetime; every other path (the site file beside them, `..`, encoded `..`, absolute
 * paths) is 404 and sends nothing of the file. `/api/site` lists them without file paths.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SITE_CONFIG } from '../src/config/load.ts';
import type { RunningServer } from '../src/server.ts';
import { startTestServer, tempDir } from './helpers.ts';

const dir = tempDir('oss-announcements-');
let server: RunningServer;
let base: string;
const SECRET = 'site-secret-7f3a';
const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9"><text y="5">Giờ làm việc</text></svg>';

beforeAll(async () => {
  const site = join(dir.path, 'site');
  mkdirSync(join(site, 'media'), { recursive: true });
  writeFileSync(join(site, 'media', 'giờ làm việc.svg'), SVG);
  writeFileSync(join(site, 'media', 'loop.webm'), Buffer.alloc(2048, 7));
  // Beside the configured files, not configured: never served.
  writeFileSync(join(site, 'media', 'other.png'), SECRET);
  writeFileSync(join(dir.path, 'secret.png'), SECRET);
  const file = join(site, 'site.yaml');
  writeFileSync(
    file,
    `${readFileSync(DEMO_SITE_CONFIG, 'utf8').replace(/^announcements:[\s\S]*?\n\n/m, '')}
announcements:
  - file: media/giờ làm việc.svg
    kind: image
    title: { vi: Giờ làm việc, en: Opening hours }
  - file: media/loop.webm
    kind: video
    seconds: 20
    title: { vi: Hướng dẫn, en: Guidance }
`,
  );
  server = await startTestServer(join(dir.path, 'data'), { OSS_SITE_CONFIG: file });
  base = `http://127.0.0.1:${server.httpPort}`;
});

afterAll(async () => {
  await server?.stop();
  dir.remove();
});

describe('announcements over HTTP', () => {
  it('/api/site lists them in order, by address, without the files’ paths', async () => {
    const site = (await (await fetch(`${base}/api/site`)).json()) as { announcements: unknown[] };
    expect(site.announcements).toEqual([
      {
        url: `/media/media/${encodeURIComponent('giờ làm việc.svg')}`,
        kind: 'image',
        seconds: 10,
        title: { vi: 'Giờ làm việc', en: 'Opening hours' },
      },
      {
        url: '/media/media/loop.webm',
        kind: 'video',
        seconds: 20,
        title: { vi: 'Hướng dẫn', en: 'Guidance' },
      },
    ]);
  });

  it('serves a configured file with its type, cached and checked again (304)', async () => {
    const url = `${base}/media/media/${encodeURIComponent('giờ làm việc.svg')}`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe(SVG);
    // Raw: fetch adds `Cache-Control: no-cache` to a conditional request, which asks for the file again.
    const again = await rawGet(url.slice(base.length), { 'if-none-match': res.headers.get('etag')! });
    expect(again.status).toBe(304);
    const video = await fetch(`${base}/media/media/loop.webm`, { headers: { range: 'bytes=0-99' } });
    expect(video.status).toBe(206);
    expect(video.headers.get('content-type')).toBe('video/webm');
    expect((await video.arrayBuffer()).byteLength).toBe(100);
  });

  it('serves nothing else: the folder’s other files, the site file, .. in any spelling, absolute paths', async () => {
    const attacks = [
      '/media/media/other.png',
      '/media/site.yaml',
      '/media/media/../site.yaml',
      '/media/media/%2e%2e/site.yaml',
      '/media/media%2f..%2fsite.yaml',
      '/media/..%2f..%2fsecret.png',
      '/media/%2e%2e/%2e%2e/secret.png',
      '/media/..%5c..%5csecret.png',
      `/media/${encodeURIComponent(join(dir.path, 'secret.png'))}`,
      `/media/${join(dir.path, 'secret.png')}`,
      '/media/media/loop.webm%00.png',
      '/media/',
    ];
    for (const path of attacks) {
      // A raw request: fetch would tidy `..` away before sending.
      const res = await rawGet(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body).not.toContain(SECRET);
      expect(res.body).not.toContain('routingPolicy');
    }
  });
});

/** GET with the path sent exactly as written. */
async function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.httpPort, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
