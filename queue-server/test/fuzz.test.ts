/**
 * Property-based fuzzing of every MQTT action and every HTTP route with random and malformed
 * payloads: the server never crashes, every request is answered, and a refused request changes nothing.
 */
import { ACTION_NAMES, RequestSchemas } from '@oss/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.ts';
import {
  connectDevice,
  type DeviceClient,
  enrolDevice,
  signIn,
  startTestServer,
  tempDir,
} from './helpers.ts';

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let base: string;
let kiosk: DeviceClient;
let counter: DeviceClient;
let cookie: string;

const eventCount = () =>
  (server.service.store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

beforeAll(async () => {
  dir = tempDir();
  server = await startTestServer(dir.path);
  base = `http://127.0.0.1:${server.httpPort}`;
  kiosk = await connectDevice(server.mqttUrl, 'demo', enrolDevice(server, ['fuzz-kiosk', 'kiosk']), {
    timeoutMs: 5000,
  });
  counter = await connectDevice(server.mqttUrl, 'demo', enrolDevice(server, ['counter-1', 'counter']), {
    timeoutMs: 5000,
  });
  cookie = await signIn(base, 'manager', 'demo-manager');
});

afterAll(async () => {
  await kiosk?.close();
  await counter?.close();
  await server?.stop();
  dir?.remove();
});

/** Values that a field should never accept: wrong types, huge, odd unicode, nested junk. */
const junk = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant('x'.repeat(300)),
  fc.array(fc.anything(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.anything(), { maxKeys: 3 }),
);

/** A request that is structurally wrong: each field of the action's schema replaced or dropped. */
function malformed(action: (typeof ACTION_NAMES)[number]) {
  const fields = Object.keys(RequestSchemas[action].properties).filter((f) => f !== 'id');
  return fc.record({
    drop: fc.subarray(fields),
    replace: fc.dictionary(fc.constantFrom(...fields, 'unexpected'), junk, { minKeys: 1, maxKeys: 3 }),
  });
}

describe('fuzzing MQTT actions', () => {
  it.each(ACTION_NAMES)('%s: malformed params are refused and change nothing', async (action) => {
    const device =
      action.startsWith('counter.') || action === 'rating.submit' || action === 'emotion.submit'
        ? counter
        : kiosk;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(malformed(action), async ({ drop, replace }) => {
        const id = `${action}-${++n}`;
        const payload: Record<string, unknown> = {
          id,
          serviceId: 'land',
          counterId: 'counter-1',
          ticketId: 'x',
          score: 3,
        };
        for (const f of drop) delete payload[f];
        Object.assign(payload, replace);
        const before = eventCount();
        const response = await device.requestRaw(action, JSON.stringify(payload), id);
        if (!response.ok) expect(eventCount()).toBe(before);
        expect(typeof response.ok).toBe('boolean');
      }),
      { numRuns: 40 },
    );
  });

  it('random bytes and random JSON on request topics are answered with invalid_request, id null', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
        ),
        async (payload) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(payload.toString('utf8'));
          } catch {
            parsed = undefined;
          }
          const rawId = (parsed as { id?: unknown } | null)?.id;
          const validId = typeof rawId === 'string' && rawId.length >= 1 && rawId.length <= 64 ? rawId : null;
          const before = eventCount();
          const response = await kiosk.requestRaw('ticket.issue', payload, validId);
          expect(response.ok).toBe(false);
          if (!response.ok)
            expect(response.error.code).toMatch(/invalid_request|unknown_service|conflict|forbidden/);
          expect(eventCount()).toBe(before);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('fuzzing HTTP routes', () => {
  it('every route answers random bodies, params and queries with JSON errors or success, never 5xx', async () => {
    const routes = server.http.routeList.filter((r) => r.url.startsWith('/api/'));
    expect(routes.length).toBeGreaterThan(25);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(fc.jsonValue(), fc.string({ maxLength: 200 })),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        fc.boolean(),
        async (route, body, param, signedIn) => {
          if (route.url.includes('/events')) return; // streams are covered elsewhere
          const url = route.url.replace(/:[a-zA-Z]+/g, encodeURIComponent(param) || 'x');
          const before = eventCount();
          const res = await fetch(`${base}${url}?day=${encodeURIComponent(param)}`, {
            method: route.method,
            headers: { 'content-type': 'application/json', ...(signedIn ? { cookie } : {}) },
            ...(route.method === 'GET'
              ? {}
              : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
          });
          expect(res.status, `${route.method} ${url}`).toBeLessThan(500);
          const text = await res.text();
          if (res.status >= 400) {
            expect(JSON.parse(text).error.code).toBeTypeOf('string');
            expect(eventCount()).toBe(before);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });
});
