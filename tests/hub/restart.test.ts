/**
 * Delivery across kill -9: of the hub process (PGlite under it) while its site keeps working, and of
 * the site process while the hub runs. Afterwards the hub holds every site event exactly once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { enrolSite, HubStore, openDatabase, setStaff } from '@oss/hub';
import type { RunningServer } from '@oss/queue-server';
import { enroll, REPO_ROOT, readEnv } from '@oss/queue-server';
import { type ServerProcess, signIn, spawnServer } from '@oss/queue-server/testing';
import { freePort, tempDir, waitFor } from '@oss/tests';
import { afterEach, describe, expect, it } from 'vitest';
import {
  enrolAt,
  getJson,
  hubEnv,
  inProcess,
  lastSeq,
  prepareHubDir,
  type SiteHandle,
  serveCitizens,
  siteEvents,
  startTestHub,
  startTestServer,
} from './harness.ts';

const SLOW = 400_000;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `npm run hub` as a child process, healthy. */
async function spawnHub(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'hub/src/main.ts')], {
    env: { ...process.env, ...env, OSS_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error('the hub exited');
      return fetch(`http://127.0.0.1:${env.OSS_HUB_HTTP_PORT}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
    },
    'the hub to start',
    300_000,
  );
  return child;
}

function killed(child: ChildProcess): Promise<unknown> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  return exited;
}

interface Feed {
  sites: { id: string; feedSeq: number; today: { issued: number } }[];
}

describe('feed delivery across kill -9', () => {
  it(
    'of the hub: the site keeps working, and after the restart the hub has every event once',
    async () => {
      const hubDir = tempDir('oss-hub-kill-');
      const siteDir = tempDir('oss-site-');
      cleanups.push(hubDir.remove, siteDir.remove);
      const env = {
        OSS_HUB_DATA_DIR: hubDir.path,
        OSS_HUB_HTTP_PORT: String(await freePort()),
        OSS_HUB_MQTT_PORT: String(await freePort()),
        OSS_HUB_HTTP_HOST: '127.0.0.1',
      };
      // Enrol the site and a manager before the hub holds its embedded database.
      await prepareHubDir(hubDir.path);
      const db = await openDatabase({ url: null, dataDir: hubDir.path });
      const store = new HubStore(db);
      const creds = await enrolSite(store, hubEnv(hubDir.path, env), 'demo', Date.now());
      const manager = await setStaff(store, 'province', 'manager', Date.now());
      await db.close();

      let hub = await spawnHub(env);
      cleanups.push(() => killed(hub));
      const server: RunningServer = await startTestServer(siteDir.path, {
        OSS_HUB_URL: creds.hubUrl,
        OSS_HUB_USERNAME: creds.username,
        OSS_HUB_PASSWORD: creds.password,
      });
      cleanups.push(() => server.stop());
      const baseUrl = `http://127.0.0.1:${env.OSS_HUB_HTTP_PORT}`;
      let cookie = await signIn(baseUrl, manager.username, manager.password);
      const hubSeq = async () =>
        (await getJson<Feed>(`${baseUrl}/api/sites`, cookie)).body.sites.find((s) => s.id === 'demo')
          ?.feedSeq;

      await serveCitizens(inProcess(server), 3, 'a');
      await waitFor(
        async () => (await hubSeq()) === lastSeq(siteDir.path),
        'the first events at the hub',
        60_000,
      );

      await killed(hub);
      const during = await serveCitizens(inProcess(server), 3, 'b'); // the hub is gone; the site is not
      expect(during).toHaveLength(3);

      hub = await spawnHub(env);
      cookie = await signIn(baseUrl, manager.username, manager.password);
      await waitFor(
        async () => (await hubSeq()) === lastSeq(siteDir.path),
        'the events after the restart',
        120_000,
      );
      const sites = await getJson<Feed>(`${baseUrl}/api/sites`, cookie);
      expect(sites.body.sites[0]!.today.issued).toBe(6);
      await killed(hub);

      const after = await openDatabase({ url: null, dataDir: hubDir.path });
      const held = await after.query<{ seq: number; type: string }>(
        "SELECT seq, type FROM events WHERE site = 'demo' ORDER BY seq",
      );
      const tickets = await after.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM tickets WHERE site = 'demo'",
      );
      await after.close();
      expect(held).toEqual(siteEvents(siteDir.path));
      expect(tickets[0]!.n).toBe(6);
    },
    SLOW,
  );

  it(
    'of the site: it resumes from its cursor after the restart, and nothing is doubled',
    async () => {
      const hubDir = tempDir('oss-hub-');
      const siteDir = tempDir('oss-site-kill-');
      cleanups.push(hubDir.remove, siteDir.remove);
      const hub = await startTestHub(hubDir.path);
      cleanups.push(() => hub.stop());
      const { siteEnv } = await enrolAt(hub, 'demo');
      const env = {
        ...siteEnv,
        OSS_DATA_DIR: siteDir.path,
        OSS_HTTP_PORT: String(await freePort()),
        OSS_MQTT_PORT: String(await freePort()),
        OSS_LOG_LEVEL: 'warn',
      };
      const handle: SiteHandle = {
        mqttUrl: `mqtt://127.0.0.1:${env.OSS_MQTT_PORT}`,
        site: 'demo',
        enrol: (args) => enroll(args, readEnv(env)),
        dataDir: siteDir.path,
      };
      let site: ServerProcess = await spawnServer(env);
      cleanups.push(() => killed(site.child));
      const held = async () => (await hub.store.findSite('demo'))?.last_seq;

      await serveCitizens(handle, 3, 'a');
      await waitFor(
        async () => (await held()) === lastSeq(siteDir.path),
        'the first events at the hub',
        60_000,
      );
      const storedBefore = hub.ingest.counters.stored;

      await killed(site.child);
      site = await spawnServer(env);
      await serveCitizens(handle, 3, 'b');
      await waitFor(
        async () => (await held()) === lastSeq(siteDir.path),
        'the events after the restart',
        60_000,
      );

      const rows = await hub.store.db.query<{ seq: number; type: string }>(
        "SELECT seq, type FROM events WHERE site = 'demo' ORDER BY seq",
      );
      expect(rows).toEqual(siteEvents(siteDir.path));
      // The restarted site sent only what the hub lacked: each event was stored once.
      expect(hub.ingest.counters.stored).toBe(rows.length);
      expect(hub.ingest.counters.stored).toBeGreaterThan(storedBefore);
    },
    SLOW,
  );
});
