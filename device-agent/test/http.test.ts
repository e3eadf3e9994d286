/**
 * The agent's local HTTP server on its own (node:http, no Fastify): pages, assets and the way out of
 * the assets folder, JSON bodies checked by schema, errors as `{error: {code, message}}`, a failing
 * handler answered with 500 while the server keeps serving.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SiteCatalog } from '../src/catalog.ts';
import { type HttpOptions, type LocalHttp, startHttp } from '../src/http.ts';
import { silentLogger } from '../src/log.ts';
import { AgentStore } from '../src/store.ts';
import { freePort, tempDir } from './helpers.ts';

describe('local HTTP server', () => {
  const dir = tempDir('oss-agent-http-');
  let http: LocalHttp;
  let store: AgentStore;
  let base: string;
  let options: HttpOptions;
  const received: unknown[] = [];

  beforeAll(async () => {
    const dist = join(dir.path, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'kiosk.html'), '<!doctype html><title>kiosk</title>');
    writeFileSync(join(dist, 'assets', 'kiosk-abc123.js'), 'console.log("kiosk")');
    writeFileSync(join(dir.path, 'secret.txt'), 'not for browsers');
    store = AgentStore.open(join(dir.path, 'data'));
    const catalog = new SiteCatalog(`http://127.0.0.1:${await freePort()}`, store, silentLogger, 500);
    options = {
      host: '127.0.0.1',
      port: 0,
      uiDist: dist,
      kind: 'kiosk',
      agentInfo: () => ({ deviceId: 'k1' }),
      catalog,
      log: silentLogger,
      health: () => ({ online: false }),
      connect: () => ({ onMessage() {}, close() {} }),
      routes: [
        {
          method: 'POST',
          path: '/echo/:name',
          body: Type.Object({ n: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
          handler: ({ params, body }) => {
            received.push(body);
            return { body: { name: params.name, body } };
          },
        },
        {
          method: 'GET',
          path: '/boom',
          handler: () => {
            throw new Error('handler bug');
          },
        },
      ],
    };
    http = await startHttp(options);
    base = `http://127.0.0.1:${http.port}`;
  });
  afterAll(async () => {
    await http.close();
    store.close();
    dir.remove();
  });

  const post = (path: string, body: string, type = 'application/json') =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
  const errorCode = async (response: Response) =>
    ((await response.json()) as { error: { code: string; message: string } }).error.code;

  it('serves the page, the hashed assets with long caching, and JSON routes', async () => {
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<title>kiosk</title>');
    const asset = await fetch(`${base}/assets/kiosk-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log("kiosk")');
    expect(await (await fetch(`${base}/agent.json`)).json()).toEqual({ deviceId: 'k1' });
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok', ui: true, online: false });
    const head = await fetch(`${base}/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  /** A GET sent with the path exactly as written (fetch would resolve `..` first). */
  const rawGet = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port: http.port, path }, (response) => {
        let body = '';
        response.on('data', (c: Buffer) => {
          body += c.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    });

  it('never serves a file outside the assets folder', async () => {
    expect((await rawGet('/assets/kiosk-abc123.js')).status).toBe(200);
    for (const path of [
      '/assets/../secret.txt',
      '/assets/%2e%2e/secret.txt',
      '/assets/..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/assets/',
      '/assets/%zz',
      '/assets/kiosk-abc123.js%00.png',
    ]) {
      const response = await rawGet(path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).not.toContain('not for browsers');
    }
  });

  it('answers unknown paths and methods with a JSON 404', async () => {
    const response = await fetch(`${base}/nope`);
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('not_found');
    expect((await fetch(`${base}/health`, { method: 'POST' })).status).toBe(404);
  });

  it('checks bodies against the route schema and names what is wrong', async () => {
    const good = await post('/echo/a%20b', '{"n": 3}');
    expect(await good.json()).toEqual({ name: 'a b', body: { n: 3 } });
    const cases: [string, string, number, string][] = [
      ['{"n": -1}', 'application/json', 400, 'invalid_request'],
      ['{"n": 1, "x": 2}', 'application/json', 400, 'invalid_request'],
      ['{"n": "1"}', 'application/json', 400, 'invalid_request'],
      ['{"n": 1', 'application/json', 400, 'invalid_json'],
      ['', 'application/json', 400, 'invalid_request'],
      ['n=1', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
      [`{"n": 1, "pad": "${'x'.repeat(70_000)}"}`, 'application/json', 413, 'payload_too_large'],
    ];
    for (const [body, type, status, code] of cases) {
      const response = await post('/echo/x', body, type);
      expect(response.status, body.slice(0, 20)).toBe(status);
      expect(await errorCode(response), body.slice(0, 20)).toBe(code);
    }
    const invalid = await post('/echo/x', '{"n": -1}');
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toMatch(/n/);
    expect(received).toEqual([{ n: 3 }]);
  });

  it('answers a failing handler with 500 and keeps serving', async () => {
    const response = await fetch(`${base}/boom`);
    expect(response.status).toBe(500);
    expect(await errorCode(response)).toBe('internal');
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('proxies /api/* and says when the server is not reachable', async () => {
    const response = await fetch(`${base}/api/tickets/x`);
    expect(response.status).toBe(503);
    expect(await errorCode(response)).toBe('unavailable');
  });

  it('forwards one change to the server, a counter device’s feedback, and only for a counter', async () => {
    const feedback = JSON.stringify({ reasons: ['long-wait'] });
    expect((await post('/api/tickets/t1/feedback', feedback)).status).toBe(404); // a kiosk: no
    const counter = await startHttp({ ...options, kind: 'counter' });
    try {
      const at = (path: string, body: string) =>
        fetch(`http://127.0.0.1:${counter.port}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
      const bad = await at('/api/tickets/t1/feedback', JSON.stringify({ reasons: 'long-wait' }));
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/reasons/);
      // A good body goes to the server (unreachable here: said so).
      const sent = await at('/api/tickets/t1/feedback', feedback);
      expect(sent.status).toBe(503);
      expect(await errorCode(sent)).toBe('unavailable');
      // Nothing else is forwarded.
      expect((await at('/api/actions/counter.next', '{"counterId":"counter-1"}')).status).toBe(404);
      expect((await at('/api/feedback/x', '{}')).status).toBe(404);
    } finally {
      await counter.close();
    }
  });

  it('on a configured address answers to that name and the loopback names, and to no other', async () => {
    const other = await startHttp({ ...options, host: '127.0.0.2' });
    try {
      const status = (host: string) =>
        new Promise<number>((resolve, reject) =>
          request({ host: '127.0.0.2', port: other.port, path: '/agent.json', headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode!);
          })
            .on('error', reject)
            .end(),
        );
      expect(await status(`127.0.0.2:${other.port}`)).toBe(200);
      expect(await status(`localhost:${other.port}`)).toBe(200);
      expect(await status(`127.0.0.3:${other.port}`)).toBe(403);
      expect(await status(`127.0.0.2:${other.port + 1}`)).toBe(403);
    } finally {
      await other.close();
    }
  });
});
