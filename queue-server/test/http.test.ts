/** The HTTP API over real HTTP against a real server and database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.ts';
import { enrolDevice, signIn, startTestServer, tempDir } from './helpers.ts';

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let base: string;
let officer: string;
let manager: string;
let kioskAuth: string;

const json = (body: unknown, cookie?: string, extra: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...extra },
  body: JSON.stringify(body),
});
const get = (path: string, cookie?: string) => fetch(`${base}${path}`, cookie ? { headers: { cookie } } : {});

beforeAll(async () => {
  dir = tempDir();
  server = await startTestServer(dir.path);
  base = `http://127.0.0.1:${server.httpPort}`;
  officer = await signIn(base, 'officer1', 'demo-officer');
  manager = await signIn(base, 'manager', 'demo-manager');
  const kiosk = enrolDevice(server, ['tablet-1', 'kiosk']);
  kioskAuth = `Basic ${Buffer.from(`${kiosk.username}:${kiosk.password}`).toString('base64')}`;
});

afterAll(async () => {
  await server?.stop();
  dir?.remove();
});

describe('the HTTP contract (protocol/src/http.ts)', () => {
  it('every JSON route declares the schema of its success answer; streams and CSV files are the exceptions', () => {
    const routes = server.http.routeList.filter((r) => r.url.startsWith('/api/'));
    expect(routes.length).toBeGreaterThan(30);
    const plain = routes.filter((r) => !r.url.includes('/events') && !r.url.endsWith('.csv'));
    const missing = plain.filter((r) => !r.answers.some((code) => code.startsWith('2')));
    expect(missing.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('an admin’s staff list carries the contract’s four fields, never a password hash', async () => {
    const admin = await signIn(base, 'admin', 'demo-admin');
    const res = await get('/api/staff', admin);
    expect(res.status).toBe(200);
    const { staff } = (await res.json()) as { staff: Record<string, unknown>[] };
    expect(staff.length).toBeGreaterThan(0);
    for (const s of staff)
      expect(Object.keys(s).sort()).toEqual(['created_at', 'display_name', 'role', 'username']);
  });
});

describe('public routes (PROTOCOL.md §4)', () => {
  it('health, services, counters, queue (readable cross-origin)', async () => {
    expect((await get('/api/services')).headers.get('access-control-allow-origin')).toBe('*');
    expect(await (await get('/api/health')).json()).toMatchObject({ status: 'ok' });
    const services = (await (await get('/api/services')).json()) as {
      services: { id: string; prefix: string; name: { vi: string; en: string } }[];
    };
    expect(services.services.length).toBeGreaterThanOrEqual(6);
    expect(services.services[0]).toMatchObject({ id: 'civil-status', prefix: 'A', name: { vi: 'Hộ tịch' } });
    const counters = (await (await get('/api/counters')).json()) as {
      counters: { id: string; serviceIds: string[] }[];
    };
    expect(counters.counters).toHaveLength(8);
    expect(counters.counters.every((c) => c.serviceIds.length > 0)).toBe(true);
    const queue = (await (await get('/api/queue')).json()) as { at: string; services: unknown[] };
    expect(queue.services).toHaveLength(services.services.length);
  });

  it('the ticket view has no personal data and 404s for an unknown id', async () => {
    const res = await fetch(
      `${base}/api/actions/ticket.issue`,
      json(
        { serviceId: 'civil-status', citizen: { birthDate: '1940-02-03', idNumber: '079040001234' } },
        undefined,
        {
          authorization: kioskAuth,
        },
      ),
    );
    expect(res.status).toBe(200);
    const { ticket } = (await res.json()) as { ticket: { id: string; priority: string } };
    expect(ticket.priority).toBe('elderly');
    const view = await (await get(`/api/tickets/${ticket.id}`)).text();
    expect(view).not.toMatch(/079040001234|1940-02-03|citizen/);
    expect(JSON.parse(view).ticket).toMatchObject({ id: ticket.id, status: 'waiting' });
    const missing = await get('/api/tickets/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('staff', () => {
  it('refuses wrong passwords and locks out after repeated failures', async () => {
    const bad = await fetch(`${base}/api/auth/login`, json({ username: 'officer2', password: 'nope' }));
    expect(bad.status).toBe(401);
    for (let i = 0; i < 5; i++)
      await fetch(`${base}/api/auth/login`, json({ username: 'officer3', password: 'nope' }));
    const locked = await fetch(
      `${base}/api/auth/login`,
      json({ username: 'officer3', password: 'demo-officer' }),
    );
    expect(locked.status).toBe(429);
  });

  it('an officer runs a counter through the console routes', async () => {
    const issue = await fetch(
      `${base}/api/actions/ticket.issue`,
      json({ serviceId: 'land', procedureId: 'land-first-registration' }, officer),
    );
    const issued = (await issue.json()) as { ticket?: { id: string }; error?: unknown };
    // The procedure id may differ in the demo data: fall back to a plain ticket.
    const ticketId =
      issued.ticket?.id ??
      (
        (await (
          await fetch(`${base}/api/actions/ticket.issue`, json({ serviceId: 'land' }, officer))
        ).json()) as { ticket: { id: string } }
      ).ticket.id;
    expect((await fetch(`${base}/api/counters/counter-4/sign-in`, json({}, officer))).status).toBe(200);
    const next = await fetch(`${base}/api/actions/counter.next`, json({ counterId: 'counter-4' }, officer));
    expect(((await next.json()) as { ticket: { id: string } }).ticket.id).toBe(ticketId);
    const view = (await (await get('/api/counters/counter-4/console', officer)).json()) as {
      counter: { officerId: string };
      current: { id: string; status: string; procedure: { name: { vi: string }; requiredPapers: unknown[] } };
      waiting: unknown[];
    };
    expect(view.counter.officerId).toBe('officer1');
    expect(view.current).toMatchObject({ id: ticketId, status: 'called' });
    expect(view.current.procedure.requiredPapers.length).toBeGreaterThan(0);
    const finish = await fetch(
      `${base}/api/actions/counter.finish`,
      json({ counterId: 'counter-4', ticketId }, officer),
    );
    expect(finish.status).toBe(200);
    const again = await fetch(
      `${base}/api/actions/counter.finish`,
      json({ counterId: 'counter-4', ticketId }, officer),
    );
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'conflict' } });
  });

  it('roles decide: officers cannot read KPIs or devices; managers can; nobody unsigned can act', async () => {
    expect((await get('/api/kpis', officer)).status).toBe(403);
    expect((await get('/api/devices', officer)).status).toBe(403);
    expect((await get('/api/kpis')).status).toBe(401);
    const kpis = (await (await get('/api/kpis', manager)).json()) as {
      issued: number;
      officers: { officerId: string; displayName: string }[];
    };
    expect(kpis.issued).toBeGreaterThanOrEqual(2);
    expect(kpis.officers.find((o) => o.officerId === 'officer1')?.displayName).toBe('Cán bộ quầy 1');
    expect((await fetch(`${base}/api/actions/counter.next`, json({ counterId: 'counter-1' }))).status).toBe(
      401,
    );
    expect(
      (
        await fetch(
          `${base}/api/actions/counter.next`,
          json({ counterId: 'counter-1' }, undefined, { authorization: kioskAuth }),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await fetch(
          `${base}/api/staff`,
          json({ username: 'x1', displayName: 'X', role: 'admin', password: 'long-enough-1' }, manager),
        )
      ).status,
    ).toBe(403);
  });

  it('exports today’s tickets as CSV for managers', async () => {
    const res = await get('/api/reports/tickets.csv', manager);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a BOM so spreadsheet programs read UTF-8
    const lines = bytes.toString('utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^day,number,original_service_id,/);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.join('\n')).not.toMatch(/079040001234/);
  });

  it('hourly figures count today’s arrivals; advice is a list', async () => {
    const stats = (await (await get('/api/stats/hourly', manager)).json()) as {
      hours: { hour: number; arrivals: number }[];
      typical: unknown[];
    };
    expect(stats.hours).toHaveLength(24);
    const kpis = (await (await get('/api/kpis', manager)).json()) as { issued: number };
    expect(stats.hours.reduce((a, h) => a + h.arrivals, 0)).toBe(kpis.issued);
    expect((await get('/api/stats/hourly?day=not-a-day', manager)).status).toBe(400);
    const advice = (await (await get('/api/advice', manager)).json()) as { advice: unknown[] };
    expect(Array.isArray(advice.advice)).toBe(true);
    expect((await get('/api/advice', officer)).status).toBe(403);
  });

  it('session cookies are HttpOnly and SameSite=Strict, and Secure behind HTTPS', async () => {
    const login = () =>
      fetch(`${base}/api/auth/login`, json({ username: 'officer5', password: 'demo-officer' })).then(
        (r) => r.headers.get('set-cookie') ?? '',
      );
    expect(await login()).toMatch(/HttpOnly/i);
    expect(await login()).toMatch(/SameSite=Strict/i);
    expect(await login()).not.toMatch(/Secure/);
    const secureDir = tempDir();
    const secure = await startTestServer(secureDir.path, { OSS_SECURE_COOKIES: 'true' });
    const res = await fetch(
      `http://127.0.0.1:${secure.httpPort}/api/auth/login`,
      json({ username: 'officer5', password: 'demo-officer' }),
    );
    expect(res.headers.get('set-cookie')).toMatch(/Secure/);
    await secure.stop();
    secureDir.remove();
  });

  it('managers move a counter to other services', async () => {
    const res = await fetch(`${base}/api/counters/counter-1/services`, {
      ...json({ serviceIds: ['land', 'civil-status'] }, manager),
      method: 'PUT',
    });
    expect(res.status).toBe(200);
    const counters = (await (await get('/api/counters')).json()) as {
      counters: { id: string; serviceIds: string[] }[];
    };
    expect(counters.counters.find((c) => c.id === 'counter-1')!.serviceIds).toEqual(['land', 'civil-status']);
  });
});

describe('bad HTTP input changes nothing', () => {
  const eventCount = () =>
    (server.service.store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  const cases: [string, string, RequestInit, number, string][] = [
    [
      'not JSON',
      '/api/actions/ticket.issue',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' },
      400,
      'invalid_request',
    ],
    [
      'missing field',
      '/api/actions/ticket.issue',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' },
      400,
      'invalid_request',
    ],
    [
      'unknown field',
      '/api/actions/counter.next',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"counterId":"counter-1","x":1}',
      },
      400,
      'invalid_request',
    ],
    [
      'wrong type',
      '/api/actions/rating.submit',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"counterId":"counter-1","score":"5"}',
      },
      400,
      'invalid_request',
    ],
    [
      // An officer acts only where signed in: an unknown counter is simply not theirs.
      'unknown counter',
      '/api/actions/counter.next',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"counterId":"counter-99"}' },
      403,
      'forbidden',
    ],
    [
      'unknown service',
      '/api/actions/ticket.issue',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"serviceId":"nope"}' },
      404,
      'unknown_service',
    ],
    [
      'oversized body',
      '/api/actions/ticket.issue',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ serviceId: 'x'.repeat(100_000) }),
      },
      413,
      'invalid_request',
    ],
    [
      'cross-site',
      '/api/actions/counter.next',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
        body: '{"counterId":"counter-1"}',
      },
      403,
      'forbidden',
    ],
  ];
  it.each(cases)('%s', async (_name, path, init, status, code) => {
    const before = eventCount();
    const headers = { ...(init.headers as Record<string, string>), cookie: officer };
    const res = await fetch(`${base}${path}`, { ...init, headers });
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(3);
    expect(eventCount()).toBe(before);
  });

  it('a wrong device password over HTTP Basic is refused', async () => {
    const res = await fetch(
      `${base}/api/actions/ticket.issue`,
      json({ serviceId: 'land' }, undefined, {
        authorization: `Basic ${Buffer.from('tablet-1:wrong').toString('base64')}`,
      }),
    );
    expect(res.status).toBe(401);
  });
});

describe('live feed', () => {
  it('streams the queue and calls over SSE without ticket ids', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil(/event: queue/);
    await fetch(`${base}/api/actions/ticket.issue`, json({ serviceId: 'business' }, officer));
    await fetch(`${base}/api/counters/counter-6/sign-in`, json({}, officer));
    await fetch(`${base}/api/actions/counter.next`, json({ counterId: 'counter-6' }, officer));
    await readUntil(/event: call\ndata: .*\n/);
    const call = JSON.parse(/event: call\ndata: (.*)\n/.exec(text)![1]!);
    expect(call).toMatchObject({ counterId: 'counter-6', recall: false });
    expect(call.ticketId).toBeUndefined();
    controller.abort();
  });
});
