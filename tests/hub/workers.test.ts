/**
 * Production shape: a real Mosquitto with the hub's ACL, a real PostgreSQL, and two ingest workers
 * sharing the sites through a shared subscription. One worker is killed with kill -9 mid-stream, then
 * the broker is restarted; the other worker carries on and nothing is lost or doubled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hubMosquittoAcl, type RunningHub } from '@oss/hub';
import { hasPostgres, startPostgres, type TestPostgres } from '@oss/hub/testing';
import type { RunningServer } from '@oss/queue-server';
import { REPO_ROOT } from '@oss/queue-server';
import { hasMosquitto, type TestMosquitto, testMosquitto } from '@oss/queue-server/testing';
import { freePort, tempDir, waitFor } from '@oss/tests';
import { afterAll, describe, expect, it } from 'vitest';
import {
  enrolOnPostgres,
  inProcess,
  lastSeq,
  serveCitizens,
  siteEvents,
  startTestHub,
  startTestServer,
} from './harness.ts';

const dir = tempDir('oss-hub-workers-');
const siteDir = tempDir('oss-site-');
let pg: TestPostgres | null = null;
let mosquitto: TestMosquitto | null = null;
let workerB: RunningHub | null = null;
let workerA: ChildProcess | null = null;
let server: RunningServer | null = null;

afterAll(async () => {
  await server?.stop();
  if (workerA && workerA.exitCode === null && workerA.signalCode === null) workerA.kill('SIGKILL');
  await workerB?.stop();
  await mosquitto?.stop();
  await pg?.stop();
  pg?.remove();
  dir.remove();
  siteDir.remove();
});

describe.skipIf(!hasMosquitto || !hasPostgres)('two ingest workers behind Mosquitto', () => {
  it('share the feeds; a worker killed with kill -9, or the broker restarted, loses nothing', async () => {
    pg = await startPostgres();
    // Enrol the site in the hub database, and give the same secret to Mosquitto.
    const { env, hubPassword, creds } = await enrolOnPostgres(pg.url, dir.path);
    mosquitto = await testMosquitto(join(dir.path));
    writeFileSync(join(dir.path, 'acl'), hubMosquittoAcl());
    await mosquitto.addUser('_hub', hubPassword);
    await mosquitto.addUser('demo', creds.password);
    await mosquitto.start();
    const shared = { ...env, OSS_HUB_MQTT_URL: mosquitto.url };

    // Worker A: `npm run hub` as a process; worker B: in this process.
    const portA = await freePort();
    workerA = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'hub/src/main.ts')], {
      env: {
        ...process.env,
        ...shared,
        OSS_HUB_HTTP_PORT: String(portA),
        OSS_HUB_HTTP_HOST: '127.0.0.1',
        OSS_HUB_DATA_DIR: join(dir.path, 'a'),
        OSS_LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    workerB = await startTestHub(join(dir.path, 'b'), shared);
    const store = workerB.store;
    const held = async () => (await store.findSite('demo'))?.last_seq;

    server = await startTestServer(siteDir.path, {
      OSS_HUB_URL: mosquitto.url,
      OSS_HUB_USERNAME: creds.username,
      OSS_HUB_PASSWORD: creds.password,
    });
    await waitFor(async () => (await held()) === lastSeq(siteDir.path), 'the first day.started', 120_000);
    // Once worker A is healthy (subscribed), the batches are spread over both workers.
    await waitFor(
      () =>
        fetch(`http://127.0.0.1:${portA}/api/health`).then(
          (r) => r.ok,
          () => false,
        ),
      'worker A',
      180_000,
    );
    await serveCitizens(inProcess(server), 8, 'a');
    await waitFor(
      async () => (await held()) === lastSeq(siteDir.path),
      'the first tickets at the hub',
      60_000,
    );
    const byB = workerB.ingest.counters.batches;
    const total = (
      await store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE site = 'demo'")
    )[0]!.n;
    expect(byB).toBeGreaterThan(0);
    expect(byB).toBeLessThan(total); // worker A took some

    const exited = new Promise((r) => workerA!.once('exit', r));
    workerA.kill('SIGKILL');
    await exited;
    await serveCitizens(inProcess(server), 5, 'b');
    await waitFor(async () => (await held()) === lastSeq(siteDir.path), 'the tickets after the kill', 90_000);

    // The broker goes down (queued messages lost: no persistence) while the site keeps working.
    await mosquitto.stop();
    await serveCitizens(inProcess(server), 3, 'c');
    await mosquitto.start();
    await waitFor(
      async () => (await held()) === lastSeq(siteDir.path),
      'the tickets after the broker',
      90_000,
    );

    const rows = await store.db.query<{ seq: number; type: string }>(
      "SELECT seq, type FROM events WHERE site = 'demo' ORDER BY seq",
    );
    expect(rows).toEqual(siteEvents(siteDir.path));
    const tickets = await store.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM tickets WHERE site = 'demo'",
    );
    expect(tickets[0]!.n).toBe(16);
  }, 400_000);
});
