/**
 * A hub worker killed with kill -9 in the middle of a batch: two `npm run hub` processes share three
 * sites through Mosquitto (a real PostgreSQL behind them). The test holds a lock on `tickets` in
 * PostgreSQL, so the workers' batch transactions stop after writing their events and before
 * committing; worker A is killed there. Its transaction rolls back, the sites re-send what was never
 * acked, worker B stores it; after A restarts, every event is at the hub once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { openDatabase } from '@oss/hub';
import { LightSite } from '@oss/hub/light-site';
import { hasPostgres } from '@oss/hub/testing';
import { REPO_ROOT } from '@oss/queue-server';
import { hasMosquitto } from '@oss/queue-server/testing';
import { freePort, tempDir, waitFor } from '@oss/tests';
import { afterAll, describe, expect, it } from 'vitest';
import { type Creds, hubEnroll, hubMosquitto, teardown, testPostgres } from './mosquitto-hub.ts';

const dir = tempDir('oss-hub-worker-kill-');
const cleanup = teardown(dir);
afterAll(cleanup.run);

const SITES = ['xa-a', 'xa-b', 'xa-c'];

function killed(child: ChildProcess): Promise<unknown> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  return exited;
}

describe.skipIf(!hasMosquitto || !hasPostgres)('a hub worker killed in the middle of a batch', () => {
  it('loses and doubles nothing: the sites re-send, the other worker stores it', async () => {
    const pg = await testPostgres(cleanup);
    const port = await freePort();
    const cli = {
      OSS_HUB_DATABASE_URL: pg.url,
      OSS_HUB_MQTT_URL: `mqtt://127.0.0.1:${port}`,
      OSS_HUB_MOSQUITTO_PASSWD: join(dir.path, 'passwd'),
      OSS_HUB_DATA_DIR: join(dir.path, 'cli'),
    };
    const hubUser = JSON.parse(await hubEnroll(['--hub-user'], cli)) as Creds;
    const creds: Creds[] = [];
    for (const site of SITES) creds.push(JSON.parse(await hubEnroll([site], cli)) as Creds);
    const broker = cleanup.add(await hubMosquitto(dir.path, cli, port), (b) => b.stop());
    await broker.start();

    // Each worker is `npm run hub`, named in PostgreSQL (application_name) to see where it waits.
    const workers = new Map<string, { child: ChildProcess; port: number }>();
    const startWorker = async (name: string) => {
      const httpPort = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'hub/src/main.ts')], {
        env: {
          ...process.env,
          ...cli,
          OSS_HUB_MQTT_USERNAME: hubUser.username,
          OSS_HUB_MQTT_PASSWORD: hubUser.password,
          OSS_HUB_HTTP_PORT: String(httpPort),
          OSS_HUB_HTTP_HOST: '127.0.0.1',
          OSS_HUB_DATA_DIR: join(dir.path, name),
          OSS_LOG_LEVEL: 'warn',
          PGAPPNAME: `oss-hub-worker-${name}`,
        },
        stdio: 'ignore',
      });
      cleanup.add(child, killed);
      workers.set(name, { child, port: httpPort });
      await waitFor(
        () =>
          fetch(`http://127.0.0.1:${httpPort}/api/health`).then(
            (r) => r.ok,
            () => false,
          ),
        `worker ${name}`,
        180_000,
      );
    };
    await Promise.all([startWorker('a'), startWorker('b')]);

    const db = cleanup.add(await openDatabase({ url: pg.url, dataDir: dir.path }), (d) => d.close());
    const sites = SITES.map((site, i) => {
      const feed = new LightSite({ site, url: cli.OSS_HUB_MQTT_URL, ...creds[i]! });
      feed.start();
      return cleanup.add(feed, (s) => s.stop());
    });
    let visits = 0;
    const visitAll = (n: number) => {
      for (let k = 0; k < n; k++) for (const s of sites) s.visit(Date.now() - (n - k) * 60_000);
      visits += n;
    };
    const allHeld = async () => {
      const rows = await db.query<{ id: string; last_seq: number }>('SELECT id, last_seq FROM sites');
      return sites.every((s, i) => rows.find((r) => r.id === SITES[i])?.last_seq === s.lastSeq);
    };
    visitAll(3);
    await waitFor(allHeld, 'the first visits at the hub', 90_000);

    // Hold the workers' batches open: they write their events, then wait for `tickets`.
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => {
      locked = r;
    });
    const holding = db.transaction(async (tx) => {
      await tx.query('LOCK TABLE tickets IN SHARE MODE');
      locked();
      await released;
    });
    await isLocked;
    visitAll(150); // a backlog: batches of 500 events from every site
    const midBatch = async () =>
      db.query<{ app: string; wrote: boolean }>(
        `SELECT a.application_name AS app,
           bool_or(c.relname LIKE 'events%' AND l.mode = 'RowExclusiveLock' AND l.granted) AS wrote
         FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid JOIN pg_class c ON c.oid = l.relation
         WHERE a.wait_event_type = 'Lock' AND a.application_name LIKE 'oss-hub-worker-%'
         GROUP BY a.application_name`,
      );
    // Both workers are in the middle of a batch (the sites are shared): events written, not committed.
    await waitFor(
      async () => {
        const rows = await midBatch();
        return ['a', 'b'].every((w) => rows.some((r) => r.app === `oss-hub-worker-${w}` && r.wrote));
      },
      'both workers holding a batch open',
      90_000,
    );
    await killed(workers.get('a')!.child);
    release();
    await holding;

    await waitFor(allHeld, 'every event after the kill', 120_000);
    // A's open transaction was rolled back with its connection.
    await waitFor(
      async () =>
        (await db.query("SELECT 1 FROM pg_stat_activity WHERE application_name = 'oss-hub-worker-a'"))
          .length === 0,
      'worker A’s session gone',
      30_000,
    );

    // Worker A comes back and takes its share again.
    await startWorker('a');
    visitAll(5);
    await waitFor(allHeld, 'the visits after the restart', 90_000);

    for (const [i, site] of SITES.entries()) {
      const [events] = await db.query<{ n: number; distinct: number; max: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT seq)::int AS distinct, max(seq)::int AS max
         FROM events WHERE site = $1`,
        [site],
      );
      expect(events).toEqual({ n: sites[i]!.lastSeq, distinct: sites[i]!.lastSeq, max: sites[i]!.lastSeq });
      const [tickets] = await db.query<{ n: number; rated: number }>(
        `SELECT count(*)::int AS n, count(rating)::int AS rated FROM tickets WHERE site = $1`,
        [site],
      );
      expect(tickets).toEqual({ n: visits, rated: visits });
      const [ratings] = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM ratings WHERE site = $1',
        [site],
      );
      expect(ratings!.n).toBe(visits);
    }
  }, 600_000);
});
