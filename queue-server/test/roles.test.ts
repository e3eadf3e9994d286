/**
 * Every HTTP route against every caller: anonymous, officer, manager, admin, a kiosk and a counter
 * device (HTTP Basic). The routes are read from the running Fastify instance, so a new route without
 * a rule here fails the test. Also: the cross-site (Origin) refusal on every state-changing route,
 * and the sign-in lockout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.ts';
import { enrolDevice, signIn, startTestServer, tempDir } from './helpers.ts';

type Caller = 'anonymous' | 'officer' | 'manager' | 'admin' | 'kiosk' | 'counter';
const CALLERS: Caller[] = ['anonymous', 'officer', 'manager', 'admin', 'kiosk', 'counter'];
const EVERYONE = CALLERS;
const STAFF: Caller[] = ['officer', 'manager', 'admin'];
const MANAGERS: Caller[] = ['manager', 'admin'];

interface Rule {
  allowed: Caller[];
  /** Concrete path for a parametric route. */
  path?: string;
  body?: () => unknown;
  /** A live stream: only the status is read. */
  stream?: boolean;
}

const dir = tempDir('oss-roles-');
let server: RunningServer;
let base: string;
const auth: Record<Caller, Record<string, string>> = {
  anonymous: {},
  officer: {},
  manager: {},
  admin: {},
  kiosk: {},
  counter: {},
};
let ticketId = '';
let n = 0;
const id = () => `roles-${++n}`;

/** The rule for each route (method + path as Fastify prints it). */
const RULES: Record<string, Rule> = {
  'GET /': { allowed: EVERYONE },
  'GET /agent.json': { allowed: EVERYONE },
  'GET /favicon.svg': { allowed: EVERYONE },
  'GET /*': { allowed: EVERYONE, path: '/no-such-page' },
  'GET /kiosk': { allowed: EVERYONE },
  'GET /counter': { allowed: EVERYONE },
  'GET /display': { allowed: EVERYONE },
  'GET /dashboard': { allowed: EVERYONE },
  'GET /book': { allowed: EVERYONE },
  'GET /t/:ticketId': { allowed: EVERYONE, path: '/t/TICKET' },
  'GET /api/health': { allowed: EVERYONE },
  'GET /api/site': { allowed: EVERYONE },
  'GET /api/services': { allowed: EVERYONE },
  'GET /api/procedures': { allowed: EVERYONE },
  'GET /api/counters': { allowed: EVERYONE },
  'GET /api/queue': { allowed: EVERYONE },
  'GET /api/calls': { allowed: EVERYONE },
  'GET /api/tickets/:id': { allowed: EVERYONE, path: '/api/tickets/TICKET' },
  'GET /api/tickets/:id/events': { allowed: EVERYONE, path: '/api/tickets/TICKET/events', stream: true },
  'GET /api/events': { allowed: EVERYONE, stream: true },
  'POST /api/auth/login': {
    allowed: EVERYONE,
    body: () => ({ username: 'officer2', password: 'demo-officer' }),
  },
  'GET /api/auth/me': { allowed: STAFF },
  'GET /api/appointments/slots': {
    allowed: EVERYONE,
    path: '/api/appointments/slots?serviceId=land&day=2026-12-07',
  },
  'POST /api/appointments': {
    allowed: EVERYONE,
    body: () => ({ serviceId: 'land', start: '2020-01-06T08:00:00+07:00' }),
  },
  'DELETE /api/appointments/:id': { allowed: EVERYONE, path: '/api/appointments/nope?code=AAAAAA' },
  'GET /api/appointments/by-code/:code': { allowed: EVERYONE, path: '/api/appointments/by-code/AAAAAA' },
  'GET /api/appointments': { allowed: STAFF },
  'GET /api/appointments/capacity-check': { allowed: MANAGERS },
  'GET /api/dossiers/:code': { allowed: EVERYONE, path: '/api/dossiers/H29-000001' },
  'GET /api/feedback/reasons': { allowed: EVERYONE },
  'POST /api/tickets/:id/feedback': {
    allowed: EVERYONE,
    path: '/api/tickets/TICKET/feedback',
    body: () => ({ reasons: ['other'] }),
  },
  'GET /api/feedback': { allowed: MANAGERS },
  'PATCH /api/feedback/:id': {
    allowed: MANAGERS,
    path: '/api/feedback/nope',
    body: () => ({ status: 'new' }),
  },
  'GET /api/feedback.csv': { allowed: MANAGERS, path: '/api/feedback.csv?month=2026-12' },
  'POST /api/counters/:counterId/sign-in': { allowed: STAFF, path: '/api/counters/COUNTER/sign-in' },
  'POST /api/counters/:counterId/sign-out': { allowed: STAFF, path: '/api/counters/COUNTER/sign-out' },
  'POST /api/counters/:counterId/open': { allowed: STAFF, path: '/api/counters/COUNTER/open' },
  'POST /api/counters/:counterId/close': { allowed: STAFF, path: '/api/counters/COUNTER/close' },
  'GET /api/counters/:counterId/console': { allowed: STAFF, path: '/api/counters/COUNTER/console' },
  'PUT /api/counters/:counterId/services': {
    allowed: MANAGERS,
    path: '/api/counters/counter-5/services',
    body: () => ({ serviceIds: ['land'] }),
  },
  'GET /api/kpis': { allowed: MANAGERS },
  'GET /api/advice': { allowed: MANAGERS },
  'GET /api/devices': { allowed: MANAGERS },
  'GET /api/reports/tickets.csv': { allowed: MANAGERS },
  'GET /api/reports': { allowed: MANAGERS, path: '/api/reports?period=year&year=2026' },
  'GET /api/stats/hourly': { allowed: MANAGERS },
  'GET /api/events/staff': { allowed: MANAGERS, stream: true },
  'GET /api/staff': { allowed: ['admin'] },
  'POST /api/staff': {
    allowed: ['admin'],
    body: () => ({
      username: 'new-officer',
      displayName: 'Cán bộ mới',
      role: 'officer',
      password: 'a-long-password-1',
    }),
  },
  'POST /api/actions/ticket.issue': {
    allowed: ['kiosk', ...STAFF],
    body: () => ({ id: id(), serviceId: 'land' }),
  },
  'POST /api/actions/lease.request': {
    allowed: ['kiosk'],
    body: () => ({ id: id(), serviceId: 'land', size: 5 }),
  },
  'POST /api/actions/ticket.merge': {
    allowed: ['kiosk'],
    body: () => ({
      id: id(),
      ticketId: `merged-ticket-${n}-abcdefgh`,
      serviceId: 'land',
      seq: 900 + n,
      issuedAt: new Date().toISOString(),
    }),
  },
  'POST /api/actions/ticket.void': {
    allowed: ['kiosk'],
    body: () => ({ id: id(), requestId: id() }),
  },
  'POST /api/actions/counter.next': {
    allowed: ['counter', ...STAFF],
    body: () => ({ id: id(), counterId: 'counter-3' }),
  },
  'POST /api/actions/counter.recall': {
    allowed: ['counter', ...STAFF],
    body: () => ({ id: id(), counterId: 'counter-3' }),
  },
  'POST /api/actions/counter.start': {
    allowed: ['counter', ...STAFF],
    body: () => ({ id: id(), counterId: 'counter-3', ticketId }),
  },
  'POST /api/actions/counter.finish': {
    allowed: ['counter', ...STAFF],
    body: () => ({ id: id(), counterId: 'counter-3', ticketId }),
  },
  'POST /api/actions/counter.transfer': {
    allowed: ['counter', ...STAFF],
    body: () => ({ id: id(), counterId: 'counter-3', ticketId, toServiceId: 'land' }),
  },
  'POST /api/actions/rating.submit': {
    allowed: ['counter', ...STAFF],
    body: () => ({ id: id(), counterId: 'counter-3', score: 5 }),
  },
  'POST /api/actions/emotion.submit': {
    allowed: ['counter'],
    body: () => ({
      id: id(),
      counterId: 'counter-3',
      ticketId,
      satisfaction: 0.8,
      confidence: 0.9,
      frames: 10,
      facesFound: 8,
      model: 'test',
    }),
  },
  // Last: it ends the caller's session.
  'POST /api/auth/logout': { allowed: EVERYONE },
};

/** Parses `printRoutes({ commonPrefix: false })` into "METHOD /full/path" keys (HEAD left out). */
function routesOf(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+) \(([^)]+)\)/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (depth > 0 ? stack[depth - 1]! : '') + m[2]!;
    stack[depth] = path;
    for (const method of m[3]!.split(', '))
      if (method !== 'HEAD') out.push(`${method} ${path.startsWith('/') ? path : `/${path}`}`);
  }
  return out;
}

/**
 * The counter each caller uses in `COUNTER` paths. The officer works at counter-3 (signed in again
 * before each of its calls there, since officers act only where they are signed in); managers use
 * other counters so as not to take counter-3 from the officer.
 */
const COUNTER: Record<Caller, string> = {
  anonymous: 'counter-3',
  officer: 'counter-3',
  manager: 'counter-6',
  admin: 'counter-7',
  kiosk: 'counter-3',
  counter: 'counter-3',
};

function pathOf(key: string, caller: Caller): string {
  const pattern = RULES[key]!.path ?? key.split(' ')[1]!;
  return pattern.replace('TICKET', ticketId).replace('COUNTER', COUNTER[caller]);
}

async function call(caller: Caller, key: string, headers: Record<string, string> = {}) {
  const rule = RULES[key]!;
  const method = key.split(' ')[0]!;
  const path = pathOf(key, caller);
  const body = method === 'GET' ? undefined : JSON.stringify(rule.body ? rule.body() : {});
  if (caller === 'officer' && `${path}${body}`.includes('counter-3'))
    await fetch(`${base}/api/counters/counter-3/sign-in`, {
      method: 'POST',
      headers: { ...auth.officer, 'content-type': 'application/json' },
      body: '{}',
    });
  const abort = new AbortController();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...auth[caller],
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body ? { body } : {}),
    signal: abort.signal,
  });
  if (rule.stream) abort.abort();
  else await res.text();
  return res.status;
}

beforeAll(async () => {
  server = await startTestServer(dir.path);
  base = `http://127.0.0.1:${server.httpPort}`;
  const basic = (c: { username: string; password: string }) => ({
    authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`,
  });
  auth.kiosk = basic(enrolDevice(server, ['kiosk-1', 'kiosk']));
  auth.counter = basic(enrolDevice(server, ['counter-3', 'counter']));
  auth.officer = { cookie: await signIn(base, 'officer1', 'demo-officer') };
  auth.manager = { cookie: await signIn(base, 'manager', 'demo-manager') };
  auth.admin = { cookie: await signIn(base, 'admin', 'demo-admin') };
  const res = await fetch(`${base}/api/actions/ticket.issue`, {
    method: 'POST',
    headers: { ...auth.kiosk, 'content-type': 'application/json' },
    body: JSON.stringify({ serviceId: 'land' }),
  });
  ticketId = ((await res.json()) as { ticket: { id: string } }).ticket.id;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  dir.remove();
});

describe('roles on every route', () => {
  it('every route of the server has a rule, and every rule a route', () => {
    const routes = routesOf(server.http.printRoutes({ commonPrefix: false }));
    expect(routes.length).toBeGreaterThan(40);
    expect([...routes].sort()).toEqual(Object.keys(RULES).sort());
  });

  it('each caller gets in exactly where its role allows', async () => {
    const wrong: string[] = [];
    for (const key of Object.keys(RULES))
      for (const caller of CALLERS) {
        const status = await call(caller, key);
        const allowed = RULES[key]!.allowed.includes(caller);
        const refused = status === 401 || status === 403;
        if (allowed === refused) wrong.push(`${caller} ${key} → ${status}`);
      }
    expect(wrong).toEqual([]);
  }, 480_000);

  it('wrong device credentials are refused everywhere, even on public routes', async () => {
    const bad = { authorization: `Basic ${Buffer.from('kiosk-1:not-the-secret').toString('base64')}` };
    expect((await fetch(`${base}/api/services`, { headers: bad })).status).toBe(401);
    expect(
      (
        await fetch(`${base}/api/actions/ticket.issue`, {
          method: 'POST',
          headers: { ...bad, 'content-type': 'application/json' },
          body: '{"serviceId":"land"}',
        })
      ).status,
    ).toBe(401);
  });
});

describe('audit', () => {
  it('staff actions and enrolments are in the audit table; priority claims in ticket.issued events', async () => {
    const rows = server.service.store.db.prepare('SELECT actor, action, detail FROM audit').all() as {
      actor: string;
      action: string;
      detail: string;
    }[];
    const has = (actor: string, action: string) => rows.some((r) => r.actor === actor && r.action === action);
    expect(has('cli', 'device.enrol')).toBe(true);
    expect(has('admin', 'sign-in')).toBe(true);
    expect(has('officer1', 'counter.sign-in')).toBe(true);
    expect(has('manager', 'counter.set-services')).toBe(true);
    expect(has('admin', 'staff.upsert')).toBe(true);
    expect(has('officer1', 'counter.next')).toBe(true);
    expect(rows.every((r) => !r.detail.includes('password'))).toBe(true);
    // A declared priority claim is recorded with its basis.
    const res = await fetch(`${base}/api/actions/ticket.issue`, {
      method: 'POST',
      headers: { ...auth.kiosk, 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId: 'land', priority: 'disabled' }),
    });
    const { ticket } = (await res.json()) as { ticket: { id: string } };
    const event = server.service.store.db
      .prepare("SELECT data FROM events WHERE type = 'ticket.issued' AND ticket_id = ?")
      .get(ticket.id) as { data: string };
    expect(JSON.parse(event.data)).toMatchObject({
      priority: 'disabled',
      priorityBasis: 'declared',
      deviceId: 'kiosk-1',
    });
  });
});

describe('cross-site requests (CSRF)', () => {
  it('every state-changing route refuses another Origin, for any caller', async () => {
    const keys = Object.keys(RULES).filter((k) => !k.startsWith('GET '));
    expect(keys.length).toBeGreaterThan(15);
    for (const key of keys) {
      const caller: Caller = key.includes('/api/actions/') ? 'kiosk' : 'admin';
      const method = key.split(' ')[0]!;
      const res = await fetch(`${base}${pathOf(key, caller)}`, {
        method,
        headers: { ...auth[caller], 'content-type': 'application/json', origin: 'https://evil.example' },
        body: JSON.stringify(RULES[key]!.body?.() ?? {}),
      });
      const body = (await res.json()) as { error: { code: string; text: { vi: string; en: string } } };
      expect({ key, status: res.status, code: body.error.code, en: body.error.text.en }).toEqual({
        key,
        status: 403,
        code: 'forbidden',
        en: 'Cross-site request refused',
      });
    }
    // The same Origin passes (here: a ticket issued by the kiosk).
    const same = await fetch(`${base}/api/actions/ticket.issue`, {
      method: 'POST',
      headers: { ...auth.kiosk, 'content-type': 'application/json', origin: base },
      body: '{"serviceId":"land"}',
    });
    expect(same.status).toBe(200);
  });
});

describe('staff sign-in', () => {
  it('locks an account for 5 minutes after 5 wrong passwords, even with the right one', async () => {
    const login = (password: string) =>
      fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'officer8', password }),
      });
    for (let i = 0; i < 5; i++) expect((await login('wrong')).status).toBe(401);
    const locked = await login('demo-officer');
    expect(locked.status).toBe(429);
    expect(JSON.stringify(await locked.json())).toContain('5 phút');
    // Another account is not affected.
    expect(await signIn(base, 'officer7', 'demo-officer')).toMatch(/^oss_session=/);
  });

  it('the session cookie is HttpOnly and SameSite=Strict', async () => {
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'officer6', password: 'demo-officer' }),
    });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });
});
