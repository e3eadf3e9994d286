/**
 * `npm run bench:hub -- --sites 3300 --minutes 3`: the whole country's sites feeding one hub.
 * A real PostgreSQL (Debian's, started here), the hub in its own process (embedded broker), and
 * `--sites` light sites in this process, each the site server's own feed (`SiteFeed`) over real MQTT
 * from its own SQLite. A busy day compressed: each site serves a citizen every `--visit-ms` (6 events:
 * issued, called, started, finished, rated, plus the day's start). Reports the hub's ingest rate and
 * its ratio to PostgreSQL's own bulk insert rate measured here, the feed lag from a site's commit to
 * the hub's table (p50/p99, polled every 200 ms), the hub's RSS, and one site's catch-up after a
 * 24 h outage. Not part of `npm test`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '@oss/queue-server';
import { tempDir } from '@oss/tests';
import { HubStore, openDatabase } from '../src/index.ts';
import { LightSite } from '../testing/light-site.ts';
import { startPostgres } from '../testing/postgres.ts';

const args = process.argv.slice(2);
const num = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SITES = num('--sites', 300);
const MINUTES = num('--minutes', 1);
const VISIT_MS = num('--visit-ms', 20_000);
const OUTAGE_VISITS = num('--outage-visits', 500);
const PASSWORD = 'bench-site-secret';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : Number.NaN;
};
const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

const dir = tempDir('oss-bench-hub-');
const pg = await startPostgres();
let hub: ChildProcess | null = null;
const sites: LightSite[] = [];
try {
  const db = await openDatabase({ url: pg.url, dataDir: dir.path });
  const store = new HubStore(db);
  const bulk = await bulkInsertRate(db);

  // Every site enrolled with one hash (the benchmark's, not a deployment's: scrypt per site is slow).
  const hash = await hashPassword(PASSWORD);
  const ids = Array.from({ length: SITES + 1 }, (_, i) => `xa-${String(i).padStart(4, '0')}`);
  for (const id of ids) await store.enrolSite(id, hash, Date.now());

  hub = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'hub-process.ts')], {
    env: {
      ...process.env,
      OSS_HUB_DATABASE_URL: pg.url,
      OSS_HUB_DATA_DIR: dir.path,
      OSS_HUB_HTTP_PORT: '0',
      OSS_HUB_MQTT_PORT: '0',
      OSS_HUB_HTTP_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { mqtt: url } = JSON.parse(await firstLine(hub)) as { mqtt: string };
  const [outageId, ...steadyIds] = ids;

  const t0 = Date.now();
  for (const id of steadyIds) {
    const site = new LightSite({ site: id, url, username: id, password: PASSWORD });
    site.start();
    sites.push(site);
  }
  await until(async () => (await onlineCount(store)) >= SITES, 600_000);
  console.log(`${SITES} sites connected in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // Steady load: each site serves a citizen every VISIT_MS (offsets spread), commits timed.
  const pending = new Map<string, { seq: number; at: number }[]>();
  const lags: number[] = [];
  const rss: number[] = [];
  let stopping = false;
  const load = sites.map(async (site, i) => {
    await sleep((i / sites.length) * VISIT_MS);
    let at = Date.UTC(2026, 10, 2, 1, 0) + i;
    while (!stopping) {
      const seq = site.visit(at);
      at += 7 * 60_000;
      const list = pending.get(site.options.site) ?? [];
      list.push({ seq, at: Date.now() });
      pending.set(site.options.site, list);
      await sleep(VISIT_MS);
    }
  });
  const startCount = await eventCount(db);
  const start = Date.now();
  const end = start + MINUTES * 60_000;
  while (Date.now() < end) {
    await sleep(200);
    const now = Date.now();
    for (const r of await db.query<{ id: string; last_seq: number }>('SELECT id, last_seq FROM sites')) {
      const list = pending.get(r.id);
      while (list?.length && list[0]!.seq <= r.last_seq) lags.push(now - list.shift()!.at);
    }
    rss.push(rssMb(hub.pid!));
  }
  stopping = true;
  await Promise.all(load);
  const stored = (await eventCount(db)) - startCount;
  const seconds = (Date.now() - start) / 1000;
  const rate = stored / seconds;

  // One site's 24 h outage: a busy day stored while its feed is off, then the feed starts.
  const outage = new LightSite({
    site: outageId!,
    url,
    username: outageId!,
    password: PASSWORD,
    file: join(dir.path, 'outage.sqlite'),
  });
  const day = Date.UTC(2026, 10, 1, 0, 0);
  for (let v = 0; v < OUTAGE_VISITS; v++) outage.visit(day + (v * 86_400_000) / OUTAGE_VISITS);
  const backlog = outage.lastSeq;
  const c0 = Date.now();
  outage.start();
  sites.push(outage);
  await until(async () => (await store.findSite(outageId!))?.last_seq === backlog, 600_000);
  const catchUp = (Date.now() - c0) / 1000;

  const report = {
    sites: SITES,
    minutes: MINUTES,
    visitEverySeconds: VISIT_MS / 1000,
    offeredEventsPerSecond: Math.round((SITES * 6) / (VISIT_MS / 1000)),
    ingestEventsPerSecond: Math.round(rate),
    postgresBulkRowsPerSecond: Math.round(bulk),
    ratio: Number((rate / bulk).toPrecision(3)),
    lagMs: { p50: quantile(lags, 0.5), p99: quantile(lags, 0.99), samples: lags.length },
    hubRssMb: { max: Math.round(Math.max(...rss)), last: Math.round(rss.at(-1) ?? 0) },
    catchUp: { events: backlog, seconds: catchUp },
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memGb: Math.round(totalmem() / 2 ** 30),
      loadavg: loadavg(),
    },
  };
  console.log(JSON.stringify(report, null, 2));
  await db.close();
} finally {
  await Promise.allSettled(sites.map((s) => s.stop()));
  if (hub && hub.exitCode === null) {
    const exited = new Promise((r) => hub!.once('exit', r));
    hub.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (hub.exitCode === null) hub.kill('SIGKILL');
  }
  await pg.stop();
  pg.remove();
  dir.remove();
}

/** PostgreSQL's own rate for rows of the same shape, one INSERT … SELECT of 200,000 rows. */
async function bulkInsertRate(db: Awaited<ReturnType<typeof openDatabase>>): Promise<number> {
  await db.query('CREATE TABLE bulk_probe (LIKE events INCLUDING ALL)');
  const n = 200_000;
  const t = performance.now();
  await db.query(
    `INSERT INTO bulk_probe (site, seq, at, type, data)
     SELECT 'xa-' || (g % 3300), g, 1790000000000 + g, 'ticket.called',
       jsonb_build_object('type', 'ticket.called', 'seq', g, 'at', 1790000000000 + g, 'ticketId', 't-' || g,
         'counterId', 'counter-1', 'officerId', 'officer-1')
     FROM generate_series(1, $1) AS g`,
    [n],
  );
  const rate = n / ((performance.now() - t) / 1000);
  await db.query('DROP TABLE bulk_probe');
  return rate;
}

async function eventCount(db: { query<T>(q: string): Promise<T[]> }): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events'))[0]!.n;
}

async function onlineCount(store: HubStore): Promise<number> {
  return (await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sites WHERE online'))[0]!.n;
}

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(250);
  }
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const i = buf.indexOf('\n');
      if (i >= 0) resolve(buf.slice(0, i));
    });
    child.once('exit', (code) => reject(new Error(`the hub exited (${code})`)));
  });
}
