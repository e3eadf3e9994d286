/**
 * `/api/health` tells the truth about storage and the broker link: a write lock held by another
 * connection gives 503 quickly (not after the queue's 5 s busy timeout), and so does a gateway cut off
 * from a real Mosquitto; both come back to 200 when the cause is gone.
 */
import { join } from 'node:path';
import { SERVER_USERNAME } from '@oss/protocol';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { databasePath } from '../src/storage/store.ts';
import { startTestServer, tempDir } from './helpers.ts';
import { hasMosquitto, testMosquitto } from './mosquitto.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

interface Health {
  status: string;
  database: boolean;
  broker: boolean;
  gateway: boolean;
}

async function health(port: number): Promise<{ status: number; body: Health; ms: number }> {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/api/health`);
  return { status: res.status, body: (await res.json()) as Health, ms: performance.now() - started };
}

/** Polls until the health answer has `status` (the gateway notices a lost broker within seconds). */
async function healthBecomes(port: number, status: number): Promise<Health> {
  for (let i = 0; i < 150; i++) {
    const h = await health(port);
    if (h.status === status) return h.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`health never answered ${status}`);
}

describe('/api/health', () => {
  it('answers 503 at once while another connection holds the write lock, 200 after', async () => {
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    const server = await startTestServer(dir.path);
    cleanup.push(() => server.stop());
    expect(await health(server.httpPort)).toMatchObject({
      status: 200,
      body: { status: 'ok', database: true, broker: true, gateway: true },
    });

    const other = new BetterSqlite3(databasePath(dir.path));
    cleanup.push(() => {
      other.close();
    });
    other.exec('BEGIN IMMEDIATE');
    // A probe runs at most once a second (the answer is public): within two seconds one sees the lock.
    const answers: Awaited<ReturnType<typeof health>>[] = [];
    for (let i = 0; i < 20 && answers.at(-1)?.status !== 503; i++) {
      answers.push(await health(server.httpPort));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(answers.at(-1)).toMatchObject({
      status: 503,
      body: { status: 'degraded', database: false, gateway: true },
    });
    // The probe waits 250 ms for the lock; generous room for a loaded machine, far below 5 s.
    for (const a of answers) expect(a.ms).toBeLessThan(2000);
    other.exec('ROLLBACK');
    expect((await healthBecomes(server.httpPort, 200)).database).toBe(true);
  }, 60_000);

  it.skipIf(!hasMosquitto)(
    'answers 503 while the gateway has lost its broker, 200 when it is back',
    async () => {
      const dir = tempDir('oss-health-');
      cleanup.push(() => dir.remove());
      const broker = await testMosquitto(dir.path);
      cleanup.push(() => broker.stop());
      await broker.addUser(SERVER_USERNAME, 'server-secret-for-test');
      await broker.start();
      const server = await startTestServer(join(dir.path, 'data'), {
        OSS_MQTT_URL: broker.url,
        OSS_MQTT_USERNAME: SERVER_USERNAME,
        OSS_MQTT_PASSWORD: 'server-secret-for-test',
      });
      cleanup.push(() => server.stop());
      expect((await health(server.httpPort)).status).toBe(200);

      await broker.stop();
      expect(await healthBecomes(server.httpPort, 503)).toMatchObject({
        status: 'degraded',
        database: true,
        broker: false,
        gateway: false,
      });
      await broker.start();
      expect(await healthBecomes(server.httpPort, 200)).toMatchObject({ gateway: true, broker: true });
    },
    60_000,
  );
});
