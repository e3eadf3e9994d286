/**
 * Benchmark (issue 15): a year of history, then the yearly report and the server's start-up.
 *  1. 250 working days × ~600 tickets of the demo centre with 16 counters, simulated day by day by
 *     the queue simulator (sim/) and stored as the server stores them (events, ticket rows, ratings);
 *  2. the yearly report computed in-process (loading vs computing) and over HTTP from a server process;
 *  3. the server process's start-up time (spawn → healthy) on an empty database and on that history.
 * Usage: npx tsx queue-server/bench/yearly-report.ts [--days 250] [--per-day 600] [--year 2025]
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { localDate } from '@oss/protocol';
import Database from 'better-sqlite3';
import {
  compileSite,
  counterSeeds,
  type DayStartedEvent,
  type QueueEvent,
  type QueueState,
  quantile,
} from '../core/index.ts';
import { designCounters } from '../sim/capacity.ts';
import { createRng } from '../sim/rng.ts';
import { localMidnight, resolveScenario, type ScenarioFile } from '../sim/scenario.ts';
import { simulateDay } from '../sim/simulator.ts';
import { hashPassword } from '../src/auth/secrets.ts';
import { loadSiteConfig } from '../src/config/load.ts';
import { reportFor } from '../src/http/stats.ts';
import { QUEUE_SERVER_ROOT } from '../src/paths.ts';
import { ReportQueries } from '../src/storage/reports.ts';
import { Store } from '../src/storage/store.ts';
import { freePort, signIn, tempDir } from '../test/helpers.ts';
import { spawnServer } from '../test/process.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DAYS = arg('days', 250);
const PER_DAY = arg('per-day', 600);
const YEAR = arg('year', 2025);
const COUNTERS = arg('counters', 16);
const MINUTE = 60_000;

const scenarioPath = join(QUEUE_SERVER_ROOT, 'sim', 'scenarios', 'demo-site.json');
const file = JSON.parse(readFileSync(scenarioPath, 'utf8')) as ScenarioFile;
const baseConfig = loadSiteConfig(resolve(dirname(scenarioPath), file.siteConfig));

/** The first `n` weekdays of the year (public holidays are not taken out). */
function workingDays(year: number, n: number): string[] {
  const days: string[] = [];
  for (let d = Date.UTC(year, 0, 1); days.length < n; d += 24 * 60 * MINUTE) {
    const weekday = new Date(d).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(new Date(d).toISOString().slice(0, 10));
  }
  return days;
}

// The demo's arrival profile scaled to PER_DAY visits, served by COUNTERS counters.
const probe = resolveScenario(file, baseConfig);
const expected =
  (probe.openingBatch?.count ?? 0) + probe.segments.reduce((a, s) => a + s.perMinute * (s.to - s.from), 0);
const factor = PER_DAY / expected;
const counters = designCounters(probe, COUNTERS);
const config = { ...baseConfig, counters };
const site = compileSite(config);

/** `--keep <folder>`: generate there once and reuse it on later runs. */
const keepAt = process.argv.indexOf('--keep');
const dir =
  keepAt > 0 ? { path: resolve(process.argv[keepAt + 1]!), remove: () => {} } : tempDir('oss-yearly-');
const reuse = keepAt > 0 && existsSync(join(dir.path, 'site.sqlite'));
mkdirSync(dir.path, { recursive: true });
const configPath = join(dir.path, 'site.json');
writeFileSync(configPath, JSON.stringify(config));
const store = Store.open(dir.path);
const rng = createRng(2025);
const SCORES = [0.03, 0.05, 0.12, 0.35, 0.45];
const drawScore = () => {
  const u = rng.next();
  let cumulative = 0;
  for (let s = 0; s < 4; s++) {
    cumulative += SCORES[s]!;
    if (u < cumulative) return s + 1;
  }
  return 5;
};

/** One simulated day stored as the server would have stored it, officers credited by counter. */
function storeDay(day: string, seed: number): number {
  const scenario = resolveScenario({ ...file, date: day }, config);
  scenario.segments = scenario.segments.map((s) => ({ ...s, perMinute: s.perMinute * factor }));
  if (scenario.openingBatch)
    scenario.openingBatch = {
      ...scenario.openingBatch,
      count: Math.round(scenario.openingBatch.count * factor),
    };
  const midnight = localMidnight(day, site.timeZone);
  const started: DayStartedEvent = {
    type: 'day.started',
    at: midnight + 7 * 60 * MINUTE,
    day,
    counters: counterSeeds(site),
    serviceTimes: [],
  };
  const events: QueueEvent[] = [started];
  let state: QueueState | null = null;
  simulateDay(scenario, {
    seed,
    counters,
    onEvents: (e, s) => {
      events.push(...e);
      state = s;
    },
  });
  const tickets = [...((state as QueueState | null)?.tickets.values() ?? [])];
  // The simulator's ticket ids (t1, t2, …) restart every day: make them unique across the year.
  const uid = (id: string) => `${day}-${id}`;
  for (const t of tickets) t.id = uid(t.id);
  for (const e of events) if ('ticketId' in e && e.ticketId) e.ticketId = uid(e.ticketId);
  const numberOf = new Map(counters.map((c) => [c.id, c.number]));
  store.transaction(() => {
    for (const t of tickets) {
      if (t.counterId) t.officerId = `officer${numberOf.get(t.counterId)}`;
      // What the day's rollover does to what is left.
      if (t.status === 'waiting' || t.status === 'called' || t.status === 'serving') t.status = 'cancelled';
      store.saveTicket(day, t);
      if (t.status !== 'done') continue;
      const at = t.finishedAt! + 20_000;
      if (rng.next() < 0.6) {
        const rating = {
          type: 'rating.submitted' as const,
          at,
          ratingId: `r-${t.id}`,
          counterId: t.counterId!,
          ticketId: t.id,
          officerId: t.officerId ?? null,
          serviceId: t.serviceId,
          score: drawScore(),
        };
        events.push(rating);
        store.saveRating(day, rating);
      }
      if (rng.next() < 0.3)
        events.push({
          type: 'emotion.submitted',
          at,
          ticketId: t.id,
          counterId: t.counterId!,
          officerId: t.officerId ?? null,
          serviceId: t.serviceId,
          satisfaction: rng.next(),
          confidence: 0.5 + rng.next() / 2,
          frames: 10,
          model: 'bench',
        });
    }
    store.appendEvents(day, events);
  });
  return tickets.length;
}

const days = workingDays(YEAR, DAYS);
let tickets = 0;
const genStart = performance.now();
for (const [i, day] of reuse ? [] : days.entries()) {
  const n = storeDay(day, i + 1);
  tickets += n;
  if (i % 25 === 0) console.error(`${day}: ${n} tickets (${tickets} so far)`);
}
const generateS = (performance.now() - genStart) / 1000;
store.upsertStaff({
  username: 'manager',
  display_name: 'Trưởng bộ phận',
  role: 'manager',
  password_hash: hashPassword('bench-manager'),
  created_at: Date.now(),
});
for (const c of counters)
  store.upsertStaff({
    username: `officer${c.number}`,
    display_name: `Cán bộ quầy ${c.number}`,
    role: 'officer',
    password_hash: hashPassword(`bench-officer-${c.number}`),
    created_at: Date.now(),
  });
const counts = store.db
  .prepare(
    'SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM ratings) AS ratings, (SELECT count(*) FROM tickets) AS tickets',
  )
  .get() as { events: number; ratings: number; tickets: number };

const timed = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const value = fn();
  return [value, performance.now() - t0];
};

/** How fast this machine is right now: 150,000 rows of nine columns read from an in-memory table. */
function yardstickMs(): number {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (a TEXT, b TEXT, c TEXT, d INT, e INT, f INT, g INT, h INT, i TEXT)');
  const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 150_000; i++) insert.run('land', 'normal', 'done', i, i, i, i, i, 'officer1');
  })();
  const [, ms] = timed(() => db.prepare('SELECT * FROM t').all());
  db.close();
  return Math.round(ms);
}
const loadBefore = loadavg()[0]!;
const yardstick = yardstickMs();

// In process: the report as the route computes it, and its two halves.
const reports = new ReportQueries(store, () => localDate(Date.now(), site.timeZone));
const inProcess: number[] = [];
let loadMs = 0;
for (let i = 0; i < 5; i++) {
  const [, ms] = timed(() => reportFor(site, reports, { period: 'year', year: String(YEAR) }, Date.now()));
  inProcess.push(ms);
  loadMs = timed(() => reports.records(`${YEAR}-01-01`, `${YEAR}-12-31`))[1];
}
const [from, to] = [`${YEAR}-01-01`, `${YEAR}-12-31`];
const loadParts = {
  tickets: Math.round(timed(() => reports.tickets(from, to))[1]),
  ratings: Math.round(timed(() => reports.ratings(from, to))[1]),
  emotions: Math.round(timed(() => reports.emotions(from, to))[1]),
};
store.close();
const dbMb = statSync(join(dir.path, 'site.sqlite')).size / 2 ** 20;

async function startTimed(dataDir: string) {
  const env = {
    OSS_DATA_DIR: dataDir,
    OSS_SITE_CONFIG: configPath,
    OSS_HTTP_PORT: String(await freePort()),
    OSS_MQTT_PORT: String(await freePort()),
    OSS_LOG_LEVEL: 'warn',
  };
  const t0 = performance.now();
  const server = await spawnServer(env);
  return { server, ms: performance.now() - t0 };
}
const stop = async (s: Awaited<ReturnType<typeof spawnServer>>) => {
  s.child.kill('SIGTERM');
  await s.exited;
};

// The first spawn builds the bundle: start once on an empty folder before timing.
const empty = tempDir('oss-yearly-empty-');
await stop((await startTimed(empty.path)).server);
const emptyStart = await startTimed(empty.path);
await stop(emptyStart.server);
const history = await startTimed(dir.path);
const http: number[] = [];
const kpisRange: number[] = [];
try {
  const cookie = await signIn(history.server.baseUrl, 'manager', 'bench-manager');
  const get = async (path: string) => {
    const t0 = performance.now();
    const res = await fetch(`${history.server.baseUrl}${path}`, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    return performance.now() - t0;
  };
  for (let i = 0; i < 5; i++) http.push(await get(`/api/reports?period=year&year=${YEAR}`));
  for (let i = 0; i < 3; i++) kpisRange.push(await get(`/api/kpis?from=${days[0]}&to=${days.at(-1)}`));
  const live = (await (
    await fetch(`${history.server.baseUrl}/api/kpis`, { headers: { cookie } })
  ).json()) as { day: string; issued: number };
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const ms = (x: number | null) => Math.round(x ?? 0);
  console.log(
    JSON.stringify(
      {
        machine: {
          cpus: cpus().length,
          model: cpus()[0]?.model,
          node: process.version,
          loadAverage: { before: loadBefore, after: loadavg()[0] },
          /** Reading 150,000 in-memory rows: a yardstick of how busy the machine was during the run. */
          yardstickMs: yardstick,
        },
        history: {
          days: days.length,
          from: days[0],
          to: days.at(-1),
          tickets: counts.tickets,
          events: counts.events,
          ratings: counts.ratings,
          counters: COUNTERS,
          databaseMb: Math.round(dbMb),
          generateSeconds: Math.round(generateS),
        },
        yearlyReportInProcessMs: {
          p50: ms(quantile(sorted(inProcess), 0.5)),
          min: ms(Math.min(...inProcess)),
          max: ms(Math.max(...inProcess)),
          loadMs: ms(loadMs),
          loadParts,
        },
        yearlyReportHttpMs: {
          p50: ms(quantile(sorted(http), 0.5)),
          min: ms(Math.min(...http)),
          max: ms(Math.max(...http)),
        },
        kpisWholeHistoryHttpMs: {
          p50: ms(quantile(sorted(kpisRange), 0.5)),
          max: ms(Math.max(...kpisRange)),
        },
        startupMs: { emptyDatabase: ms(emptyStart.ms), withHistory: ms(history.ms) },
        liveAfterStart: { day: live.day, today: localDate(Date.now(), site.timeZone), issued: live.issued },
      },
      null,
      2,
    ),
  );
} finally {
  await stop(history.server);
  empty.remove();
  dir.remove();
}
