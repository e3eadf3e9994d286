/** A real hub and real site servers for the feed's end-to-end tests. */
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  embeddedPath,
  enrolSite,
  type HubDb,
  type HubEnv,
  type HubOptions,
  HubStore,
  openDatabase,
  type RunningHub,
  readHubEnv,
  setStaff,
  startHub,
} from '@oss/hub';
import { hasPostgres, startPostgres, type TestPostgres } from '@oss/hub/testing';
import type { Ticket } from '@oss/protocol';
import type { RunningServer } from '@oss/queue-server';
import { databasePath, silentLogger } from '@oss/queue-server';
import { connectDevice, enrolDevice, okResult, signIn, startTestServer } from '@oss/queue-server/testing';
import { tempDir } from '@oss/tests';
import Database from 'better-sqlite3';
import { afterAll, describe, it } from 'vitest';

export { startTestServer };

/** A 12-digit CCCD number and a birth date that must never reach the hub. */
export const CCCD = '079150017064';
export const BIRTH_DATE = '1950-04-17';

export function hubEnv(dataDir: string, extra: Record<string, string> = {}): HubEnv {
  return readHubEnv({
    OSS_HUB_DATA_DIR: dataDir,
    OSS_HUB_HTTP_PORT: '0',
    OSS_HUB_MQTT_PORT: '0',
    OSS_HUB_HTTP_HOST: '127.0.0.1',
    ...extra,
  });
}

/**
 * An embedded database made once per test file and copied for each hub: PGlite's initdb takes most of
 * a minute on a loaded machine.
 */
let template: Promise<string> | null = null;
function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = tempDir('oss-hub-template-');
    process.once('exit', dir.remove);
    const db = await openDatabase({ url: null, dataDir: dir.path });
    await db.close();
    return embeddedPath(dir.path);
  })();
  return template;
}

/** Gives a new hub folder its embedded database, from the template. */
export async function prepareHubDir(dataDir: string): Promise<void> {
  if (!existsSync(embeddedPath(dataDir)))
    cpSync(await pgliteTemplate(), embeddedPath(dataDir), { recursive: true });
}

export async function startTestHub(
  dataDir: string,
  extra: Record<string, string> = {},
  options: HubOptions = {},
): Promise<RunningHub> {
  const env = hubEnv(dataDir, extra);
  if (!env.databaseUrl) await prepareHubDir(dataDir);
  return startHub(env, { log: silentLogger, ...options });
}

/** Enrols `site` at the hub; the environment a site server needs to feed it. */
export async function enrolAt(hub: RunningHub, site: string, mqttUrl = hub.mqttUrl) {
  const creds = await enrolSite(hub.store, hub.env, site, Date.now());
  return {
    creds,
    siteEnv: { OSS_HUB_URL: mqttUrl, OSS_HUB_USERNAME: creds.username, OSS_HUB_PASSWORD: creds.password },
  };
}

/**
 * For hub workers on a real PostgreSQL behind an external broker: their environment, and `site`
 * enrolled in the database (the broker's password file needs the same secret).
 */
export async function enrolOnPostgres(pgUrl: string, dataDir: string, site = 'demo') {
  const hubPassword = 'hub-secret-for-tests';
  const env = {
    OSS_HUB_DATABASE_URL: pgUrl,
    OSS_HUB_MQTT_USERNAME: '_hub',
    OSS_HUB_MQTT_PASSWORD: hubPassword,
  };
  const db = await openDatabase({ url: pgUrl, dataDir });
  try {
    const creds = await enrolSite(new HubStore(db), hubEnv(dataDir, env), site, Date.now());
    return { env, hubPassword, creds };
  } finally {
    await db.close();
  }
}

/** A signed-in hub manager's cookie. */
export async function hubManager(hub: RunningHub): Promise<{ baseUrl: string; cookie: string }> {
  const account = await setStaff(hub.store, 'province', 'manager', Date.now());
  const baseUrl = `http://127.0.0.1:${hub.httpPort}`;
  return { baseUrl, cookie: await signIn(baseUrl, account.username, account.password) };
}

export async function getJson<T>(url: string, cookie?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, cookie ? { headers: { cookie } } : {});
  return { status: res.status, body: (await res.json()) as T };
}

/** A site as its devices see it: in this process, or a child process (then `enrol` writes its database). */
export interface SiteHandle {
  mqttUrl: string;
  site: string;
  enrol(args: string[]): { username: string; password: string };
  dataDir: string;
}

export function inProcess(server: RunningServer): SiteHandle {
  return {
    mqttUrl: server.mqttUrl,
    site: server.config.site.id,
    enrol: (args) => enrolDevice(server, args),
    dataDir: server.env.dataDir,
  };
}

/** A day at the site through a real kiosk and counter over MQTT: identified citizens, calls, ratings. */
export async function serveCitizens(handle: SiteHandle, count: number, tag: string): Promise<Ticket[]> {
  const { mqttUrl: url, site } = handle;
  const kiosk = await connectDevice(url, site, handle.enrol([`kiosk-${tag}`, 'kiosk']));
  const counter = await connectDevice(
    url,
    site,
    handle.enrol([`counter-${tag}`, 'counter', '--counter', 'counter-1']),
  );
  try {
    const tickets: Ticket[] = [];
    for (let i = 0; i < count; i++) {
      const r = await kiosk.request('ticket.issue', {
        serviceId: 'civil-status',
        ...(i % 2 === 0 ? { citizen: { idNumber: CCCD, birthDate: BIRTH_DATE } } : {}),
      });
      tickets.push(okResult<{ ticket: Ticket }>(r).ticket);
    }
    const called = okResult<{ ticket: Ticket | null }>(
      await counter.request('counter.next', { counterId: 'counter-1' }),
    );
    if (called.ticket)
      okResult(
        await counter.request('rating.submit', {
          counterId: 'counter-1',
          ticketId: called.ticket.id,
          score: 4,
        }),
      );
    return tickets;
  } finally {
    await kiosk.close();
    await counter.close();
  }
}

/** The site's events as the feed carries them (seq and type), read from its database file. */
export function siteEvents(dataDir: string): { seq: number; type: string }[] {
  const db = new Database(databasePath(dataDir), { readonly: true });
  try {
    const rows = db.prepare('SELECT seq, type FROM events ORDER BY seq').all() as {
      seq: number;
      type: string;
    }[];
    return rows.filter((e) => e.type !== 'lease.granted' && e.type !== 'request.voided');
  } finally {
    db.close();
  }
}

/** The site's last event seq. */
export function lastSeq(dataDir: string): number {
  const db = new Database(databasePath(dataDir), { readonly: true });
  try {
    return (db.prepare('SELECT max(seq) AS seq FROM events').get() as { seq: number }).seq;
  } finally {
    db.close();
  }
}

/** Every file under `dir`, whole: for searching a database's bytes. */
export function allBytes(dir: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else parts.push(readFileSync(path));
    }
  };
  walk(dir);
  return Buffer.concat(parts);
}

/** Runs `scenario` on PGlite, then on a real PostgreSQL started for it (when the binaries exist). */
export function onBothDatabases(
  what: string,
  scenario: (pg: TestPostgres | null) => Promise<void>,
  timeout: number,
): void {
  it(`${what} on PGlite`, () => scenario(null), timeout);
  describe.skipIf(!hasPostgres)('with a real PostgreSQL', () => {
    let pg: TestPostgres | null = null;
    afterAll(async () => {
      await pg?.stop();
      pg?.remove();
    });
    it(
      `${what} on PostgreSQL`,
      async () => {
        pg = await startPostgres();
        await scenario(pg);
      },
      timeout,
    );
  });
}

/**
 * A transaction of the test's own that takes a lock (`LOCK TABLE …`) and holds it, so the hub's
 * statements wait on it, until `release` (which also awaits the transaction's end; safe to call twice).
 */
export async function holdLock(db: HubDb, lock: string): Promise<{ release(): Promise<void> }> {
  let release = () => {};
  const released = new Promise<void>((r) => {
    release = r;
  });
  let locked = () => {};
  const taken = new Promise<void>((r) => {
    locked = r;
  });
  const holding = db.transaction(async (tx) => {
    await tx.query(lock);
    locked();
    await released;
  });
  await Promise.race([taken, holding]);
  return {
    async release() {
      release();
      await holding;
    },
  };
}
