/**
 * `npm run bench:hub -- --sites 3300`: the whole country's sites feeding one hub (docs/benchmarks.md).
 * A real PostgreSQL (Debian's, started here), the hub in its own process(es), and `--sites` light
 * sites in this process: each its own in-memory SQLite and the site server's own feed (`SiteFeed`) over
 * real MQTT. With `--mosquitto`, a real Mosquitto and `--workers` hub processes sharing the feeds
 * (`--kill`: one is killed with SIGKILL in the middle of the saturation burst).
 *
 * Phases: connect (ramped: at most `--ramp` sites waiting for their CONNACK), steady load (a citizen
 * per site every `--visit-ms`, 5 events; lag from a site's commit to the hub's `sites.last_seq`,
 * polled every 200 ms; half-way, one site's 24 h outage backlog is fed and its catch-up timed),
 * saturation (every site writes `--burst-visits` visits at once; the hub's drain rate), a check per
 * site that the hub holds exactly what the site wrote, then PostgreSQL's own bulk insert of the same
 * rows. Not part of `npm test`.
 */

import { randomBytes, scryptSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '@oss/queue-server';
import { tempDir } from '@oss/tests';
import { HUB_USERNAME } from '../src/broker.ts';
import { type HubDb, HubStore, openDatabase } from '../src/index.ts';
import { LightSite } from '../testing/light-site.ts';
import { startPostgres } from '../testing/postgres.ts';
import { cpuMeter, lagSummary, numberArg, postmasterPid, round, rssMb, sleep } from './measure.ts';
import { type BenchMosquitto, type HubProcess, startHubProcess, startMosquitto } from './processes.ts';

const args = process.argv.slice(2);
const num = (name: string, fallback: number) => numberArg(args, name, fallback);
const SITES = num('--sites', 300);
const MINUTES = num('--minutes', 1);
const VISIT_MS = num('--visit-ms', 20_000);
const OUTAGE_VISITS = num('--outage-visits', 500);
const BURST_VISITS = num('--burst-visits', 20);
const RAMP = num('--ramp', 4);
/** scrypt's N for the sites' hash: 2^15 as deployed, or lower so that a loaded machine connects 3,300. */
const HASH_N = num('--hash-n', 2 ** 15);
const MOSQUITTO = args.includes('--mosquitto');
const WORKERS = MOSQUITTO ? num('--workers', 2) : 1;
const KILL = MOSQUITTO && WORKERS > 1 && args.includes('--kill');
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1] : null;
/** A folder for the hub processes' CPU profiles (`node --cpu-prof`; the burst's window is in the report). */
const CPU_PROF = args.includes('--cpu-prof') ? args[args.indexOf('--cpu-prof') + 1] : null;
const PASSWORD = 'bench-site-secret';
const HUB_SECRET = 'bench-hub-secret';

const dir = tempDir('oss-bench-hub-');
const pg = await startPostgres();
const hubs: HubProcess[] = [];
let mosquitto: BenchMosquitto | null = null;
const sites: LightSite[] = [];
async function cleanUp() {
  await Promise.allSettled(sites.map((s) => s.stop()));
  await Promise.allSettled(hubs.map((h) => h.stop()));
  await mosquitto?.stop();
  await pg.stop();
  pg.remove();
  dir.remove();
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => cleanUp().finally(() => process.exit(130)));
try {
  const load0 = loadavg();
  const db = await openDatabase({ url: pg.url, dataDir: dir.path });
  const store = new HubStore(db);

  // Every site enrolled with one hash (the benchmark's, not a deployment's: scrypt per site is slow).
  const hash = HASH_N === 2 ** 15 ? hashPassword(PASSWORD) : cheapHash(PASSWORD, HASH_N);
  const ids = Array.from({ length: SITES + 1 }, (_, i) => `xa-${String(i).padStart(4, '0')}`);
  for (const id of ids) await store.enrolSite(id, hash, Date.now());
  const [outageId, ...steadyIds] = ids as [string, ...string[]];

  const hubEnv: Record<string, string> = { OSS_HUB_DATABASE_URL: pg.url };
  if (MOSQUITTO) {
    mosquitto = await startMosquitto(join(dir.path, 'mosquitto'), ids, PASSWORD, {
      username: HUB_USERNAME,
      password: HUB_SECRET,
    });
    Object.assign(hubEnv, {
      OSS_HUB_MQTT_URL: mosquitto.url,
      OSS_HUB_MQTT_USERNAME: HUB_USERNAME,
      OSS_HUB_MQTT_PASSWORD: HUB_SECRET,
    });
  } else hubEnv.OSS_HUB_MQTT_PORT = '0';
  for (let w = 0; w < WORKERS; w++)
    hubs.push(
      await startHubProcess(
        { ...hubEnv, OSS_HUB_DATA_DIR: join(dir.path, `hub-${w}`) },
        CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : [],
      ),
    );
  const url = hubs[0]!.mqttUrl;
  const siteFor = (id: string, file?: string) =>
    new LightSite({ site: id, url, username: id, password: PASSWORD, ...(file ? { file } : {}) });

  const rss = new Map<number, number[]>(hubs.map((h) => [h.child.pid!, []]));
  const sampleRss = () => {
    for (const h of hubs)
      if (h.child.exitCode === null && h.child.signalCode === null) {
        const mb = rssMb(h.child.pid!);
        if (mb > 0) rss.get(h.child.pid!)!.push(mb); // 0: killed, not yet reaped
      }
  };

  // Connect, ramped: a new site only while fewer than RAMP wait for their CONNACK.
  const t0 = Date.now();
  const connectCpu = meter();
  const waiting = new Set<LightSite>();
  const progress = setInterval(() => {
    const n = sites.filter((s) => s.feed.state().connected).length;
    console.log(`${n} of ${SITES} connected after ${Math.round((Date.now() - t0) / 1000)} s`);
  }, 30_000);
  for (const id of steadyIds) {
    while (waiting.size >= RAMP) {
      await sleep(20);
      for (const s of waiting) if (s.feed.state().connected) waiting.delete(s);
    }
    const site = siteFor(id);
    site.start();
    sites.push(site);
    waiting.add(site);
  }
  await until(async () => (await onlineCount(db)) >= SITES, 3_600_000);
  clearInterval(progress);
  const connect = { seconds: round((Date.now() - t0) / 1000, 1), cpu: connectCpu.read(), loadavg: loadavg() };
  console.log(`${SITES} sites connected in ${connect.seconds} s; steady load for ${MINUTES} min`);

  // A day of the outage site's visits, written while its feed is off (started half-way through).
  const outage = siteFor(outageId, join(dir.path, 'outage.sqlite'));
  const day = Date.UTC(2026, 10, 1, 0, 0);
  for (let v = 0; v < OUTAGE_VISITS; v++) outage.visit(day + (v * 86_400_000) / OUTAGE_VISITS);
  const backlog = outage.lastSeq;

  // Steady load: each site serves a citizen every VISIT_MS (offsets spread), commits timed.
  const clock = sites.map((_, i) => Date.UTC(2026, 10, 2, 1, 0) + i);
  const visit = (i: number) => {
    const seq = sites[i]!.visit(clock[i]!);
    clock[i]! += 7 * 60_000;
    return seq;
  };
  const pending = sites.map(() => [] as { seq: number; at: number }[]);
  const index = new Map(sites.map((s, i) => [s.options.site, i]));
  const lags: number[] = [];
  let stopping = false;
  const steadyLoad = sites.map(async (_, i) => {
    await sleep((i / sites.length) * VISIT_MS);
    while (!stopping) {
      pending[i]!.push({ seq: visit(i), at: Date.now() });
      await sleep(VISIT_MS);
    }
  });
  const steadyCpu = meter();
  const steadyFrom = await heldBy(db, outageId);
  const writtenFrom = totalWritten();
  const start = Date.now();
  const end = start + MINUTES * 60_000;
  let catchUp: { events: number; seconds: number | null } = { events: backlog, seconds: null };
  let catchUpFrom: number | null = null;
  while (Date.now() < end) {
    await sleep(200);
    const now = Date.now();
    if (catchUpFrom === null && now >= start + (end - start) / 2) {
      catchUpFrom = now;
      outage.start();
      sites.push(outage);
    }
    for (const r of await db.query<{ id: string; last_seq: number }>('SELECT id, last_seq FROM sites')) {
      const list = pending[index.get(r.id) ?? -1];
      while (list?.length && list[0]!.seq <= r.last_seq) lags.push(now - list.shift()!.at);
      if (r.id === outageId && catchUpFrom !== null && catchUp.seconds === null && r.last_seq === backlog)
        catchUp = { events: backlog, seconds: round((now - catchUpFrom) / 1000, 1) };
    }
    sampleRss();
  }
  stopping = true;
  await Promise.all(steadyLoad);
  const steadySeconds = (Date.now() - start) / 1000;
  const steadyStored = (await heldBy(db, outageId)) - steadyFrom;
  const steadyWritten = totalWritten() - writtenFrom - (catchUpFrom === null ? 0 : backlog);
  const steady = {
    minutes: MINUTES,
    visitEverySeconds: VISIT_MS / 1000,
    offeredEventsPerSecond: Math.round(steadyWritten / steadySeconds),
    storedEventsPerSecond: Math.round(steadyStored / steadySeconds),
    lagMs: lagSummary(lags),
    cpu: steadyCpu.read(),
    loadavg: loadavg(),
  };
  await until(async () => (await heldBy(db)) === totalWritten(), 600_000);
  if (catchUp.seconds === null && catchUpFrom !== null)
    catchUp = { events: backlog, seconds: round((Date.now() - catchUpFrom) / 1000, 1) }; // an upper bound

  console.log(`steady: ${steady.storedEventsPerSecond} events/s stored; saturation burst`);
  // Saturation: every site writes BURST_VISITS visits at once; the hub drains what it can.
  const burstFrom = await heldBy(db);
  for (let v = 0; v < BURST_VISITS; v++) for (let i = 0; i < clock.length; i++) visit(i);
  const burstTarget = totalWritten();
  const burstCpu = meter();
  const b0 = Date.now();
  const monotonicFrom = monotonicMicros();
  let killed: { atSeconds: number; heldShare: number; pid: number } | null = null;
  while ((await heldBy(db)) < burstTarget) {
    await sleep(250);
    sampleRss();
    const share = ((await heldBy(db)) - burstFrom) / (burstTarget - burstFrom);
    if (KILL && !killed && share >= 0.3) {
      const victim = hubs[0]!.child;
      victim.kill('SIGKILL');
      killed = { atSeconds: round((Date.now() - b0) / 1000, 1), heldShare: round(share), pid: victim.pid! };
      console.log(`killed worker ${victim.pid} with SIGKILL at ${Math.round(share * 100)} %`);
    }
    if (Date.now() - b0 > 900_000) throw new Error('the burst did not drain in 15 minutes');
  }
  const burstSeconds = (Date.now() - b0) / 1000;
  const burst = {
    events: burstTarget - burstFrom,
    seconds: round(burstSeconds, 1),
    eventsPerSecond: Math.round((burstTarget - burstFrom) / burstSeconds),
    cpu: burstCpu.read(),
    loadavg: loadavg(),
    killed,
    /** CLOCK_MONOTONIC in µs, the clock of a CPU profile's timestamps. */
    monotonicMicros: { from: monotonicFrom, to: monotonicMicros() },
  };

  console.log(`burst: ${burst.eventsPerSecond} events/s; checking every site, then the bulk insert`);
  const check = await perSiteCheck(db, sites);
  const bulk = await bulkInsertRates(db);
  const report = {
    sites: SITES,
    siteHashN: HASH_N,
    broker: MOSQUITTO ? `mosquitto, ${WORKERS} hub workers` : 'embedded (aedes), 1 hub',
    connect,
    steady,
    catchUp,
    burst,
    postgresBulkRowsPerSecond: bulk,
    ratio: {
      toClientBulkInsert: round(burst.eventsPerSecond / bulk.clientBest, 3),
      toServerInsertSelect: round(burst.eventsPerSecond / bulk.serverInsertSelect, 3),
    },
    hubRssMb: [...rss.values()].map((xs) => ({
      max: Math.round(Math.max(...xs)),
      last: Math.round(xs.at(-1) ?? 0),
    })),
    benchRssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
    check,
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadavgBefore: load0,
    },
  };
  const text = JSON.stringify(report, null, 2);
  console.log(text);
  if (OUT) writeFileSync(OUT, `${text}\n`);
  await db.close();

  function totalWritten(): number {
    return sites.reduce((n, s) => n + s.lastSeq, 0);
  }
  function meter() {
    return cpuMeter({
      ...Object.fromEntries(hubs.map((h, i) => [`hub${i}`, h.child.pid!])),
      postgres: postmasterPid(pg.dataDir),
      ...(mosquitto ? { mosquitto: mosquitto.pid } : {}),
    });
  }
} finally {
  await cleanUp();
}

/** hashPassword's format (the check reads N from it) at a lower cost: connect storms on a loaded machine. */
function cheapHash(password: string, N: number): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N, r: 8, p: 1 });
  return `scrypt$${N}$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Events the hub holds (sites' acknowledged seqs), all sites or all but one. */
async function heldBy(db: HubDb, except = ''): Promise<number> {
  const [r] = await db.query<{ n: number }>(
    'SELECT coalesce(sum(last_seq), 0)::bigint AS n FROM sites WHERE id <> $1',
    [except],
  );
  return r!.n;
}

async function onlineCount(db: HubDb): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sites WHERE online'))[0]!.n;
}

/** Per site: the hub's events and tickets against the site's own; any difference is lost or doubled. */
async function perSiteCheck(db: HubDb, list: LightSite[]) {
  const hub = new Map(
    (
      await db.query<{ site: string; n: number; hi: number; tickets: number }>(
        `SELECT e.site, e.n, e.hi, coalesce(t.n, 0)::int AS tickets
         FROM (SELECT site, count(*)::int AS n, max(seq)::int AS hi FROM events GROUP BY site) e
         LEFT JOIN (SELECT site, count(*) AS n FROM tickets GROUP BY site) t ON t.site = e.site`,
      )
    ).map((r) => [r.site, r]),
  );
  let events = 0;
  let tickets = 0;
  const wrong: string[] = [];
  for (const s of list) {
    const own = s.db
      .prepare("SELECT count(*) AS n, max(seq) AS hi, sum(type = 'ticket.issued') AS tickets FROM events")
      .get() as { n: number; hi: number; tickets: number };
    const at = hub.get(s.options.site);
    events += own.n;
    tickets += own.tickets;
    if (!at || at.n !== own.n || at.hi !== own.hi || at.tickets !== own.tickets) wrong.push(s.options.site);
  }
  return {
    sites: list.length,
    siteEvents: events,
    siteTickets: tickets,
    differing: wrong.length,
    examples: wrong.slice(0, 10),
  };
}

/**
 * PostgreSQL's own rates for the rows the hub stored (200,000 of them, repeated under other seqs if
 * the run stored fewer) into a copy of `events`, from this process in statements of 1,000 rows (a
 * multi-row INSERT, and an INSERT from unnest() of one array per column), and one server-side
 * INSERT … SELECT (no client, no parameters: the ceiling).
 */
async function bulkInsertRates(db: HubDb) {
  const N = 200_000;
  const rows = await db.query<{ site: string; seq: number; at: number; type: string; data: unknown }>(
    'SELECT site, seq, at, type, data FROM events LIMIT $1',
    [N],
  );
  await db.query('CREATE TABLE bulk_probe (LIKE events INCLUDING ALL)');
  const chunks = Array.from({ length: N / 1000 }, (_, c) =>
    Array.from({ length: 1000 }, (_, j) => {
      const k = c * 1000 + j;
      const r = rows[k % rows.length]!;
      return [
        r.site,
        r.seq + Math.floor(k / rows.length) * 1e9,
        r.at,
        r.type,
        JSON.stringify(r.data),
      ] as const;
    }),
  );
  const timed = async (insert: (chunk: (typeof chunks)[number]) => Promise<unknown>) => {
    await db.query('TRUNCATE bulk_probe');
    const t = performance.now();
    for (const chunk of chunks) await insert(chunk);
    return Math.round(N / ((performance.now() - t) / 1000));
  };
  const multiRow = await timed((chunk) =>
    db.query(
      `INSERT INTO bulk_probe (site, seq, at, type, data) VALUES ${chunk
        .map((_, j) => `($${5 * j + 1}, $${5 * j + 2}, $${5 * j + 3}, $${5 * j + 4}, $${5 * j + 5})`)
        .join(', ')}`,
      chunk.flat(),
    ),
  );
  const unnest = await timed((chunk) =>
    db.query(
      `INSERT INTO bulk_probe (site, seq, at, type, data)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::jsonb[])`,
      [0, 1, 2, 3, 4].map((col) => chunk.map((row) => row[col])),
    ),
  );
  // The way the hub's ingest sends rows: one JSON document per statement.
  const jsonDocument = await timed((chunk) =>
    db.query(
      `INSERT INTO bulk_probe (site, seq, at, type, data)
       SELECT r.site, r.seq, r.at, r.type, r.data FROM json_to_recordset($1::json)
         AS r (site text, seq bigint, at bigint, type text, data jsonb)`,
      [
        `[${chunk.map(([site, seq, at, type, data]) => `{"site":${JSON.stringify(site)},"seq":${seq},"at":${at},"type":${JSON.stringify(type)},"data":${data}}`).join(',')}]`,
      ],
    ),
  );
  await db.query('TRUNCATE bulk_probe');
  const s = performance.now();
  await db.query(
    `INSERT INTO bulk_probe SELECT site, seq + g::bigint * 1000000000, at, type, data
     FROM events CROSS JOIN generate_series(0, $1::int / (SELECT count(*) FROM events)::int) AS g LIMIT $1`,
    [N],
  );
  const server = N / ((performance.now() - s) / 1000);
  await db.query('DROP TABLE bulk_probe');
  return {
    clientBest: Math.max(multiRow, unnest, jsonDocument),
    clientMultiRowInsert: multiRow,
    clientUnnestInsert: unnest,
    clientJsonDocumentInsert: jsonDocument,
    serverInsertSelect: Math.round(server),
    rows: N,
  };
}

function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(250);
  }
}
