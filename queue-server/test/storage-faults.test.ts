/**
 * Storage faults: a full disk (SQLite's SQLITE_FULL, reached here through `max_page_count`) and a
 * read-only database (SQLITE_READONLY, through `query_only`; chmod does not stop root, who runs CI).
 * Requests are refused cleanly with `unavailable`, nothing is half-applied, `/api/health` answers 503,
 * and service resumes by itself when the cause is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.ts';
import {
  connectDevice,
  type DeviceClient,
  enrolDevice,
  okResult,
  startTestServer,
  tempDir,
} from './helpers.ts';

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let kiosk: DeviceClient;

const issue = () => kiosk.request('ticket.issue', { serviceId: 'civil-status' });
const stored = () =>
  (server.service.store.db.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number }).n;

async function healthBecomes(status: number): Promise<unknown> {
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`http://127.0.0.1:${server.httpPort}/api/health`);
    if (res.status === status) return res.json();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`health never answered ${status}`);
}

beforeAll(async () => {
  dir = tempDir();
  server = await startTestServer(dir.path);
  kiosk = await connectDevice(server.mqttUrl, 'demo', enrolDevice(server, ['kiosk-1', 'kiosk']));
});

afterAll(async () => {
  await kiosk?.close();
  await server?.stop();
  dir?.remove();
});

describe.each([
  {
    fault: 'disk full',
    cause: () => {
      const pages = server.service.store.db.pragma('page_count', { simple: true }) as number;
      server.service.store.db.pragma(`max_page_count = ${pages}`);
    },
    cure: () => server.service.store.db.pragma('max_page_count = 4294967294'),
  },
  {
    fault: 'read-only database',
    cause: () => server.service.store.db.pragma('query_only = ON'),
    cure: () => server.service.store.db.pragma('query_only = OFF'),
  },
])('$fault', ({ cause, cure }) => {
  it('refuses new work cleanly and recovers when the cause is gone', async () => {
    const first = okResult<{ ticket: { number: string } }>(await issue()).ticket.number;
    const before = { stored: stored(), inMemory: server.service.core.state.tickets.size };
    cause();
    // Fill the database to the limit: some requests may still fit in free pages, then all are refused.
    let refused = null;
    for (let i = 0; i < 200 && !refused; i++) {
      const r = await issue();
      if (!r.ok) refused = r;
    }
    expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    // Health says so: its probe really writes (at most once a second).
    expect(await healthBecomes(503)).toMatchObject({ status: 'degraded', database: false });
    const accepted = stored() - before.stored;
    // Memory holds exactly what the database holds: nothing half-applied.
    expect(server.service.core.state.tickets.size).toBe(before.inMemory + accepted);
    cure();
    const after = okResult<{ ticket: { number: string } }>(await issue()).ticket.number;
    // Numbering continues from what was stored: no gap from the refused request, no duplicate.
    expect(Number(after.slice(1))).toBe(Number(first.slice(1)) + accepted + 1);
    expect(await healthBecomes(200)).toMatchObject({ status: 'ok', database: true });
  });
});
