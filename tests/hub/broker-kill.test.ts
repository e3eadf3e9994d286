/**
 * kill -9 of the hub's Mosquitto (persistence on, `hubMosquittoConf`) while a site is serving
 * citizens and its feed has batches in flight: the site keeps working, and after Mosquitto restarts
 * the hub holds every site event exactly once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hubMosquittoAcl, hubMosquittoConf, type RunningHub } from '@oss/hub';
import { hasPostgres, startPostgres, type TestPostgres } from '@oss/hub/testing';
import type { RunningServer } from '@oss/queue-server';
import { hasMosquitto, run, waitForPort } from '@oss/queue-server/testing';
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

const dir = tempDir('oss-hub-broker-kill-');
const siteDir = tempDir('oss-site-');
let pg: TestPostgres | null = null;
let mosquitto: ChildProcess | null = null;
let hub: RunningHub | null = null;
let server: RunningServer | null = null;

function killed(child: ChildProcess | null): Promise<unknown> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  return exited;
}

afterAll(async () => {
  await server?.stop();
  await hub?.stop();
  await killed(mosquitto);
  await pg?.stop();
  pg?.remove();
  dir.remove();
  siteDir.remove();
});

describe.skipIf(!hasMosquitto || !hasPostgres)('kill -9 of the hub’s Mosquitto', () => {
  it('loses and doubles nothing; the site serves citizens while the broker is down', async () => {
    pg = await startPostgres();
    // Enrol the site in the hub database, and give the same secret to Mosquitto.
    const { env, hubPassword, creds } = await enrolOnPostgres(pg.url, dir.path);

    // Run as root, Mosquitto drops to its own user: it must read the files and write its store.
    const port = await freePort();
    const files = { passwordFile: join(dir.path, 'passwd'), aclFile: join(dir.path, 'acl') };
    const persistenceDir = join(dir.path, 'store');
    mkdirSync(persistenceDir);
    chmodSync(dir.path, 0o755);
    chmodSync(persistenceDir, 0o777);
    writeFileSync(files.passwordFile, '');
    writeFileSync(files.aclFile, hubMosquittoAcl());
    const conf = join(dir.path, 'mosquitto.conf');
    writeFileSync(conf, hubMosquittoConf({ port, ...files, persistenceDir }));
    await run('mosquitto_passwd', ['-b', files.passwordFile, '_hub', hubPassword]);
    await run('mosquitto_passwd', ['-b', files.passwordFile, 'demo', creds.password]);
    for (const f of [files.passwordFile, files.aclFile, conf]) chmodSync(f, 0o644);
    const startMosquitto = async () => {
      mosquitto = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
      await waitForPort(port);
    };
    await startMosquitto();
    const url = `mqtt://127.0.0.1:${port}`;

    hub = await startTestHub(join(dir.path, 'hub'), { ...env, OSS_HUB_MQTT_URL: url });
    const store = hub.store;
    const held = async () => (await store.findSite('demo'))?.last_seq;
    server = await startTestServer(siteDir.path, {
      OSS_HUB_URL: url,
      OSS_HUB_USERNAME: creds.username,
      OSS_HUB_PASSWORD: creds.password,
    });
    const site = inProcess(server);
    await serveCitizens(site, 4, 'a');
    await waitFor(async () => (await held()) === lastSeq(siteDir.path), 'the first tickets', 120_000);

    // Citizens keep coming while the broker is killed under the feed, and while it is down.
    const serving = serveCitizens(site, 6, 'b');
    await new Promise((r) => setTimeout(r, 200));
    await killed(mosquitto);
    await serving;
    await serveCitizens(site, 3, 'c');
    expect(await held()).toBeLessThan(lastSeq(siteDir.path));
    await startMosquitto();
    await waitFor(
      async () => (await held()) === lastSeq(siteDir.path),
      'the tickets after the restart',
      120_000,
    );

    const rows = await store.db.query<{ seq: number; type: string }>(
      "SELECT seq, type FROM events WHERE site = 'demo' ORDER BY seq",
    );
    expect(rows).toEqual(siteEvents(siteDir.path));
    const tickets = await store.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM tickets WHERE site = 'demo'",
    );
    expect(tickets[0]!.n).toBe(13);
  }, 400_000);
});
