/**
 * An acknowledged request survives `kill -9`: a real server process takes tickets and calls over MQTT
 * while it is killed; after a restart every acknowledged ticket and call is there, exactly once.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { enroll } from '../src/cli/enroll.ts';
import { readEnv } from '../src/env.ts';
import { databasePath } from '../src/storage/store.ts';
import { connectDevice, freePort, okResult, tempDir } from './helpers.ts';
import { type ServerProcess, spawnServer } from './process.ts';

const dir = tempDir('oss-kill-');
let server: ServerProcess | null = null;

afterAll(async () => {
  server?.child.kill('SIGKILL');
  dir.remove();
});

describe('durability', () => {
  it('keeps every acknowledged ticket and call across kill -9', async () => {
    const env = {
      OSS_DATA_DIR: dir.path,
      OSS_HTTP_PORT: String(await freePort()),
      OSS_MQTT_PORT: String(await freePort()),
      OSS_LOG_LEVEL: 'warn',
    };
    server = await spawnServer(env);
    const serverEnv = readEnv(env);
    const kioskCreds = enroll(['kiosk-1', 'kiosk'], serverEnv);
    const counterCreds = enroll(['counter-1', 'counter', '--counter', 'counter-1'], serverEnv);
    const url = kioskCreds.mqttUrl;
    const kiosk = await connectDevice(url, 'demo', kioskCreds);
    const counter = await connectDevice(url, 'demo', counterCreds);

    const acknowledgedTickets = new Map<string, string>(); // id → number
    const acknowledgedCalls = new Set<string>();
    let stop = false;
    // About 100 requests a second from the kiosk, and the counter calling as fast as it is answered.
    const issuing = (async () => {
      let n = 0;
      while (!stop) {
        n++;
        kiosk
          .request('ticket.issue', { id: `t-${n}`, serviceId: 'civil-status' })
          .then((r) => {
            if (r.ok) {
              const t = r.result.ticket as { id: string; number: string };
              acknowledgedTickets.set(t.id, t.number);
            }
          })
          .catch(() => {});
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const calling = (async () => {
      let n = 0;
      while (!stop) {
        const r = await counter
          .request('counter.next', { id: `c-${++n}`, counterId: 'counter-1' })
          .catch(() => null);
        const t = r?.ok ? (r.result.ticket as { id: string } | null) : null;
        if (t) acknowledgedCalls.add(t.id);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    while (acknowledgedTickets.size < 150) await new Promise((r) => setTimeout(r, 20));
    server.child.kill('SIGKILL');
    const exit = await server.exited;
    stop = true;
    await Promise.all([issuing, calling]);
    expect(exit.signal).toBe('SIGKILL');
    await Promise.all([kiosk.close(), counter.close()]);

    // The database file alone holds everything acknowledged.
    const db = new Database(databasePath(dir.path), { readonly: true });
    const rows = db.prepare('SELECT id, number, status, counter_id FROM tickets').all() as {
      id: string;
      number: string;
      status: string;
      counter_id: string | null;
    }[];
    db.close();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const [id, number] of acknowledgedTickets) expect(byId.get(id)?.number, id).toBe(number);
    for (const id of acknowledgedCalls) expect(byId.get(id)?.counter_id, id).toBe('counter-1');
    expect(new Set(rows.map((r) => r.number)).size).toBe(rows.length);

    // And the restarted server rebuilds the same state from it.
    server = await spawnServer(env);
    for (const [id, number] of [...acknowledgedTickets].slice(-20)) {
      const res = await fetch(`${server.baseUrl}/api/tickets/${id}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { ticket: { number: string } }).ticket.number).toBe(number);
    }
    const queue = (await (await fetch(`${server.baseUrl}/api/queue`)).json()) as {
      services: { serviceId: string; waiting: number }[];
    };
    const waiting = rows.filter((r) => r.status === 'waiting').length;
    expect(queue.services.find((s) => s.serviceId === 'civil-status')!.waiting).toBe(waiting);
    // A next ticket continues the numbering: no duplicate after the crash.
    const again = await connectDevice(url, 'demo', kioskCreds);
    const r = await again.request('ticket.issue', { serviceId: 'civil-status' });
    await again.close();
    expect(r.ok).toBe(true);
    const newNumber = okResult<{ ticket: { number: string } }>(r).ticket.number;
    expect(rows.map((x) => x.number)).not.toContain(newNumber);

    // SIGTERM: stop cleanly with exit code 0.
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    server = null;
  }, 120_000);
});
