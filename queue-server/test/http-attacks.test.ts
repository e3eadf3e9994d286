/**
 * Attacks on the HTTP side (issue 13), each through real HTTP (and MQTT for the shared schema)
 * against a real server: the sign-in lockout race, telling usernames apart by time, the lockout
 * map's growth, missing security headers, a `null` or malformed Origin, impossible birth dates,
 * half-English validation errors, and an officer acting on another officer's counter.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResponseEnvelope } from '@oss/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sessions } from '../src/http/auth.ts';
import { createLogger } from '../src/log.ts';
import { APPS_DIST } from '../src/paths.ts';
import type { RunningServer } from '../src/server.ts';
import {
  connectDevice,
  type DeviceClient,
  enrolDevice,
  signIn,
  startTestServer,
  tempDir,
} from './helpers.ts';

/** Every line the server logs, to check what the request log leaves out. */
const logLines: string[] = [];
const dir = tempDir('oss-http-attacks-');
let server: RunningServer;
let base: string;
let kioskAuth: string;
let kiosk: DeviceClient;

type ErrorBody = { error: { code: string; message: string; text: { vi: string; en: string } } };

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const login = (username: string, password: string) => post('/api/auth/login', { username, password });
const count = (table: 'events' | 'tickets') =>
  (server.service.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

beforeAll(async () => {
  server = await startTestServer(
    dir.path,
    {},
    { log: createLogger('test', 'debug', (l) => logLines.push(l)) },
  );
  base = `http://127.0.0.1:${server.httpPort}`;
  const tablet = enrolDevice(server, ['tablet-1', 'kiosk']);
  kioskAuth = `Basic ${Buffer.from(`${tablet.username}:${tablet.password}`).toString('base64')}`;
  kiosk = await connectDevice(server.mqttUrl, 'demo', enrolDevice(server, ['kiosk-1', 'kiosk']));
}, 60_000);

afterAll(async () => {
  await kiosk?.close();
  await server?.stop();
  dir.remove();
});

describe('staff sign-in', () => {
  it('49 wrong passwords sent at once: at most 5 are tried, the rest are locked out', async () => {
    const answers = await Promise.all(Array.from({ length: 49 }, () => login('officer5', 'wrong')));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBe(5);
    expect(statuses.filter((s) => s === 429).length).toBe(44);
    // Still locked for the right password.
    expect((await login('officer5', 'demo-officer')).status).toBe(429);
  }, 60_000);

  it('an unknown username takes about as long as a wrong password for a real one', async () => {
    const timed = async (username: string) => {
      const start = performance.now();
      expect((await login(username, 'wrong-password')).status).toBe(401);
      return performance.now() - start;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    // Interleaved, so that both see the same load; fewer than 5 tries per name (no lockout).
    for (let i = 0; i < 3; i++) {
      known.push(await timed('officer4'));
      unknown.push(await timed(`nobody-${i}`));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1]!;
    // Without the dummy hash: ~2 ms against 50–450 ms. Loosely: the same order of magnitude.
    expect(median(unknown)).toBeGreaterThan(median(known) / 5);
  }, 60_000);

  it('the failure map is bounded and forgets expired entries', async () => {
    let now = Date.now();
    const sessions = new Sessions(server.service.store, () => now, 6);
    for (let i = 0; i < 10; i++) {
      await expect(sessions.signIn(`flood-${i}`, 'x')).rejects.toMatchObject({ code: 'unauthorized' });
      expect(sessions.tracked).toBeLessThanOrEqual(6);
    }
    expect(sessions.tracked).toBe(6);
    now += 5 * 60_000 + 1;
    await expect(sessions.signIn('after', 'x')).rejects.toMatchObject({ code: 'unauthorized' });
    expect(sessions.tracked).toBe(1);
  }, 60_000);
});

describe('security headers', () => {
  const expectHeaders = (res: Response, what: string) => {
    const h = Object.fromEntries(
      ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy'].map(
        (name) => [name, res.headers.get(name)],
      ),
    );
    expect({ what, ...h }).toMatchObject({
      what,
      'content-security-policy': expect.stringMatching(/default-src 'self'.*frame-ancestors 'none'/),
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    expect(h['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
  };

  it('every kind of answer carries them: pages, API, errors, assets, live streams', async () => {
    const paths = ['/', '/kiosk', '/counter', '/display', '/dashboard', '/t/nope', '/api/queue', '/nope'];
    for (const path of paths) {
      const res = await fetch(`${base}${path}`);
      await res.text();
      expectHeaders(res, path);
    }
    const asset = /\/assets\/[\w.-]+\.js/.exec(await (await fetch(`${base}/kiosk`)).text())?.[0];
    if (asset) expectHeaders(await fetch(`${base}${asset}`), asset);
    expectHeaders(await post('/api/actions/ticket.issue', { serviceId: 1 }), 'a 400');
    const abort = new AbortController();
    const stream = await fetch(`${base}/api/events`, { signal: abort.signal });
    expectHeaders(stream, 'SSE');
    abort.abort();
  });

  it('keeps other origins’ windows apart from every page but the kiosk’s and the board’s', async () => {
    const coop = async (path: string) => {
      const res = await fetch(`${base}${path}`);
      await res.text();
      return [path, res.headers.get('cross-origin-opener-policy')];
    };
    for (const path of ['/', '/counter', '/dashboard', '/book', '/t/nope', '/api/queue', '/nope'])
      expect(await coop(path)).toEqual([path, 'same-origin']);
    // Device pages in their own full-screen browser: the policy only cost each load a new context.
    for (const path of ['/kiosk', '/display']) expect(await coop(path)).toEqual([path, null]);
  });

  it("the status page's inline script and style are admitted by hash", async () => {
    const res = await fetch(`${base}/`);
    const csp = res.headers.get('content-security-policy')!;
    const html = await res.text();
    const { createHash } = await import('node:crypto');
    for (const [tag, directive] of [
      ['script', 'script-src'],
      ['style', 'style-src'],
    ] as const) {
      const inline = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html)![1]!;
      const hash = createHash('sha256').update(inline).digest('base64');
      expect(new RegExp(`${directive} [^;]*'sha256-${hash.replace(/[+/]/g, '\\$&')}'`).test(csp)).toBe(true);
    }
  });

  it("a built page's inlined stylesheets and script loader are admitted by hash, and nothing else inline", async () => {
    const { createHash } = await import('node:crypto');
    const built = existsSync(join(APPS_DIST, 'kiosk.html'));
    for (const path of ['/kiosk', '/display', '/t/nope']) {
      const res = await fetch(`${base}${path}`);
      const csp = res.headers.get('content-security-policy')!;
      const html = await res.text();
      const hashes = (tag: string) =>
        [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map(
          (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
        );
      const [styles, scripts] = [hashes('style'), hashes('script')];
      // Without a build there is no page to inline into (`npm install` builds the apps); the ticket
      // page has no boot line, so no loader.
      if (built) expect(styles.length, path).toBeGreaterThan(0);
      if (built) expect(scripts.length, path).toBe(path === '/t/nope' ? 0 : 1);
      const sources = (directive: string) =>
        new RegExp(`${directive} ([^;]*)`).exec(csp)![1]!.split(' ').sort();
      expect(sources('style-src'), path).toEqual(["'self'", ...styles].sort());
      expect(sources('script-src'), path).toEqual(["'self'", ...scripts].sort());
    }
  });
});

describe('Origin', () => {
  it.each(['null', 'not a url', 'http://[bad', 'http://127.0.0.1:1'])(
    'a state change with Origin %s is refused with 403, never 500',
    async (origin) => {
      const before = count('events');
      const res = await post(
        '/api/actions/ticket.issue',
        { serviceId: 'land' },
        { authorization: kioskAuth, origin },
      );
      expect(res.status).toBe(403);
      const body = (await res.json()) as ErrorBody;
      expect(body.error).toMatchObject({
        code: 'forbidden',
        text: { vi: 'Yêu cầu từ trang khác bị từ chối', en: 'Cross-site request refused' },
      });
      expect(count('events')).toBe(before);
    },
  );
});

describe('birth dates', () => {
  it.each(['1800-01-01', '2099-02-30', '1950-13-45', '1950-02-29', '1899-12-31'])(
    'HTTP refuses %s with invalid_request and issues nothing',
    async (birthDate) => {
      const before = count('tickets');
      const res = await post(
        '/api/actions/ticket.issue',
        { serviceId: 'land', citizen: { birthDate } },
        { authorization: kioskAuth },
      );
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as ErrorBody;
      expect(error.code).toBe('invalid_request');
      expect(error.text.vi).toContain('citizen.birthDate');
      expect(error.text.en).toContain('not a valid birth date');
      expect(count('tickets')).toBe(before);
    },
  );

  it('a date in the future is refused; a real one still gives elderly priority', async () => {
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const future = await post(
      '/api/actions/ticket.issue',
      { serviceId: 'land', citizen: { birthDate: tomorrow } },
      { authorization: kioskAuth },
    );
    expect(future.status).toBe(400);
    const real = await post(
      '/api/actions/ticket.issue',
      { serviceId: 'land', citizen: { birthDate: '1952-02-29' } },
      { authorization: kioskAuth },
    );
    expect(((await real.json()) as { ticket: { priority: string } }).ticket.priority).toBe('elderly');
  });

  it('MQTT refuses 1950-13-45 too: no elderly ticket', async () => {
    const before = count('tickets');
    const r: ResponseEnvelope = await kiosk.request('ticket.issue', {
      serviceId: 'land',
      citizen: { birthDate: '1950-13-45' },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(count('tickets')).toBe(before);
  });
});

describe('validation messages', () => {
  const refusal = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await post('/api/actions/ticket.issue', body, { authorization: kioskAuth, ...headers });
    expect(res.status).toBe(400);
    return ((await res.json()) as ErrorBody).error;
  };

  it('an unknown field is named, in Vietnamese and in English', async () => {
    const error = await refusal({ serviceId: 'land', colour: 'red' });
    expect(error).toEqual({
      code: 'invalid_request',
      message: 'Trường không được hỗ trợ "colour"',
      text: { vi: 'Trường không được hỗ trợ "colour"', en: 'unknown field "colour"' },
    });
  });

  it.each([
    [{ serviceId: 5 }, 'Trường "serviceId" phải có kiểu string', 'field "serviceId" must be of type string'],
    [{}, 'Thiếu trường "serviceId"', 'missing field "serviceId"'],
    [
      { serviceId: '' },
      'Trường "serviceId" phải dài ít nhất 1 ký tự',
      'field "serviceId" must be at least 1',
    ],
    [
      { serviceId: 'land', lang: 'fr' },
      'Trường "lang" phải là một trong: "vi", "en"',
      'must be one of: "vi", "en"',
    ],
    [
      { serviceId: 'land', citizen: { idNumber: '12' } },
      'Trường "citizen.idNumber" không đúng định dạng (mẫu ^\\d{12}$)',
      'does not match the pattern ^\\d{12}$',
    ],
  ])('%j: a Vietnamese message with no English in it', async (body, vi, en) => {
    const error = await refusal(body);
    expect(error.text.vi).toBe(vi);
    expect(error.message).toBe(vi);
    expect(error.text.en).toContain(en);
    expect(error.text.vi).not.toMatch(/\b(must|field|body|property|NOT)\b/);
  });

  it('the message is in the language asked for: the body’s lang, else Accept-Language', async () => {
    expect((await refusal({ serviceId: 'land', lang: 'en', colour: 1 })).message).toBe(
      'unknown field "colour"',
    );
    expect((await refusal({ serviceId: 'land', colour: 1 }, { 'accept-language': 'en-GB' })).message).toBe(
      'unknown field "colour"',
    );
    const notJson = await fetch(`${base}/api/actions/ticket.issue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: kioskAuth },
      body: '{"serviceId":',
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as ErrorBody).error.text.vi).toBe('Nội dung không phải JSON hợp lệ');
  });
});

describe('an officer acts only at the counter they are signed in at', () => {
  let officer1: string;
  let officer2: string;
  let manager: string;
  const act = (cookie: string, counterId: string) =>
    post('/api/actions/counter.next', { counterId }, { cookie });

  beforeAll(async () => {
    officer1 = await signIn(base, 'officer1', 'demo-officer');
    officer2 = await signIn(base, 'officer2', 'demo-officer');
    manager = await signIn(base, 'manager', 'demo-manager');
    expect((await post('/api/counters/counter-1/sign-in', {}, { cookie: officer1 })).status).toBe(200);
    for (let i = 0; i < 3; i++)
      await post('/api/actions/ticket.issue', { serviceId: 'civil-status' }, { authorization: kioskAuth });
  }, 60_000);

  it('officer1 at counter-1 cannot call for counter-2; nothing changes', async () => {
    const before = count('events');
    const res = await act(officer1, 'counter-2');
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({
      code: 'forbidden',
      text: { en: 'An officer may act only at the counter they are signed in at' },
    });
    expect(count('events')).toBe(before);
    expect((await act(officer1, 'counter-1')).status).toBe(200);
  });

  it('another officer cannot act at counter-1, sign it out, open or close it without signing in there', async () => {
    for (const command of ['sign-out', 'close', 'open'])
      expect((await post(`/api/counters/counter-1/${command}`, {}, { cookie: officer2 })).status).toBe(403);
    expect(server.service.core.state.counters.get('counter-1')!.officerId).toBe('officer1');
    expect((await act(officer2, 'counter-1')).status).toBe(403);
  });

  it('signing in at a taken counter ends the other session, visibly in the audit (issue 15)', async () => {
    expect((await post('/api/counters/counter-1/sign-in', {}, { cookie: officer2 })).status).toBe(200);
    expect((await act(officer1, 'counter-1')).status).toBe(403);
    const rows = server.service.store.db
      .prepare("SELECT detail FROM audit WHERE actor = 'officer2' AND action = 'counter.sign-in'")
      .all() as { detail: string }[];
    expect(rows.map((r) => JSON.parse(r.detail))).toContainEqual(
      expect.objectContaining({ counterId: 'counter-1', tookOverFrom: 'officer1' }),
    );
    expect((await post('/api/counters/counter-1/sign-in', {}, { cookie: officer1 })).status).toBe(200);
  });

  it('a manager may act on any counter, and the audit says it was an override', async () => {
    expect((await act(manager, 'counter-1')).status).toBe(200);
    const rows = server.service.store.db
      .prepare("SELECT detail FROM audit WHERE actor = 'manager' AND action = 'counter.next'")
      .all() as { detail: string }[];
    expect(rows.map((r) => JSON.parse(r.detail))).toContainEqual(
      expect.objectContaining({ counterId: 'counter-1', override: true, counterOfficer: 'officer1' }),
    );
  });
});

describe('request log', () => {
  it('one line per answer with the route pattern: no ticket id, query, body or password', async () => {
    await (await fetch(`${base}/t/SECRET-TICKET-ID?code=123456`)).text();
    await (await login('officer6', 'the-wrong-secret')).text();
    const lines = logLines.filter((l) => /"msg":"http/.test(l));
    expect(lines.some((l) => l.includes('"route":"/t/:ticketId"') && l.includes('"status":200'))).toBe(true);
    expect(lines.some((l) => l.includes('"route":"/api/auth/login"') && l.includes('"status":401'))).toBe(
      true,
    );
    expect(logLines.join('\n')).not.toMatch(/SECRET-TICKET-ID|123456|the-wrong-secret/);
  });
});
