/**
 * `npx tsx hub/bench/ingest-store.ts`: the hub's grouped ingest alone (no broker, no parsing): `--sites` sites'
 * batches of whole visits (as in `bench:hub`'s burst) stored through `HubStore.ingestGroup` as the
 * worker forms groups (`takeGroup`, `GROUP_LIMITS`), into a real PostgreSQL. Prints events/s, this
 * process's and PostgreSQL's CPU per event, and PostgreSQL's statements by time (`pg_stat_statements`).
 * Where the ingest's time goes, without the rest of the bench around it (docs/benchmarks.md).
 */
import type { FeedBatch, FeedEvent } from '@oss/protocol';
import { tempDir } from '@oss/tests';
import { HubStore, openDatabase } from '../src/index.ts';
import { GROUP_LIMITS, takeGroup } from '../src/ingest-group.ts';
import { startPostgres } from '../testing/postgres.ts';
import { cpuMeter, numberArg, postmasterPid, round } from './measure.ts';

const args = process.argv.slice(2);
const num = (name: string, fallback: number) => numberArg(args, name, fallback);
const SITES = num('--sites', 1000);
const VISITS = num('--visits', 50);
const ROUNDS = num('--rounds', 3);
/** Groups stored at once, per round in turn (`--in-flight 2,3,4`); the worker's own by default. */
const IN_FLIGHT = (args[args.indexOf('--in-flight') + 1] ?? '').split(',').map(Number).filter(Boolean);

/** A citizen's visit as `LightSite.visit` writes it: issued, called, started, finished, rated. */
function visit(site: { seq: number; tickets: number }, at: number): FeedEvent[] {
  const ticketId = `t-${++site.tickets}`;
  const counter = { counterId: 'counter-1' };
  const called = at + 5 * 60_000;
  const finished = called + 8 * 60_000;
  const e = (x: Record<string, unknown>) => ({ seq: ++site.seq, ...x }) as FeedEvent;
  return [
    e({
      type: 'ticket.issued',
      at,
      ticketId,
      number: `A${String(site.tickets % 1000).padStart(3, '0')}`,
      serviceId: 'civil-status',
      priority: 'normal',
      priorityBasis: 'none',
      issuedAt: at,
      offline: false,
    }),
    e({ type: 'ticket.called', at: called, ticketId, ...counter, officerId: 'officer-1' }),
    e({ type: 'ticket.started', at: called + 30_000, ticketId, ...counter }),
    e({ type: 'ticket.finished', at: finished, ticketId, ...counter, outcome: 'done' }),
    e({
      type: 'rating.submitted',
      at: finished + 10_000,
      ratingId: `r-${site.tickets}`,
      ...counter,
      ticketId,
      officerId: 'officer-1',
      serviceId: 'civil-status',
      score: 4,
    }),
  ];
}

const dir = tempDir('oss-bench-store-');
const pg = await startPostgres({ shared_preload_libraries: 'pg_stat_statements' });
try {
  const db = await openDatabase({ url: pg.url, dataDir: dir.path });
  const store = new HubStore(db);
  await db.query('CREATE EXTENSION pg_stat_statements');
  const ids = Array.from({ length: SITES }, (_, i) => `xa-${String(i).padStart(4, '0')}`);
  for (const id of ids) await store.enrolSite(id, 'scrypt$unused', Date.now());
  const state = ids.map(() => ({ seq: 0, tickets: 0 }));
  const day0 = Date.UTC(2026, 11, 2, 1, 0);
  for (let r = 1; r <= ROUNDS; r++) {
    // Each site's new visits as batches of at most 500 events, sites interleaved as they arrive.
    const perSite = ids.map((site, i) => {
      const events: FeedEvent[] = [];
      if (state[i]!.seq === 0)
        events.push({ type: 'day.started', seq: ++state[i]!.seq, at: day0, day: '2026-12-02' });
      for (let v = 0; v < VISITS; v++) events.push(...visit(state[i]!, day0 + (r * VISITS + v) * 60_000 + i));
      const batches: FeedBatch[] = [];
      for (let k = 0; k < events.length; k += 500) {
        const part = events.slice(k, k + 500);
        batches.push({ v: 1, site, from: part[0]!.seq, to: part.at(-1)!.seq, events: part });
      }
      return batches;
    });
    const queue = perSite[0]!.flatMap((_, k) => perSite.flatMap((b) => (b[k] ? [b[k]] : [])));
    const events = queue.reduce((n, b) => n + b.events.length, 0);
    await db.query('SELECT pg_stat_statements_reset()');
    const cpu = cpuMeter({ postgres: postmasterPid(pg.dataDir) });
    const t0 = performance.now();
    const inFlight = IN_FLIGHT[(r - 1) % IN_FLIGHT.length] ?? GROUP_LIMITS.inFlight;
    await drain(store, queue, inFlight);
    const seconds = (performance.now() - t0) / 1000;
    const used = cpu.read();
    const micros = (k: string) => round(((used[k]?.cpuSeconds ?? 0) * 1e6) / events, 1);
    console.log(
      `round ${r}, ${inFlight} groups at once: ${events} events in ${round(seconds, 2)} s: ${Math.round(events / seconds)} ev/s; ` +
        `CPU per event: hub ${micros('bench')} µs, PostgreSQL ${micros('postgres')} µs`,
    );
  }
  const statements = await db.query<Record<string, unknown>>(
    `SELECT calls, rows, round(total_exec_time::numeric, 1) AS ms, round(total_plan_time::numeric, 1) AS plan_ms,
       left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
     FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12`,
  );
  console.table(statements);
  await db.close();
} finally {
  await pg.stop();
  pg.remove();
  dir.remove();
}

/** The worker's loop: groups taken as it takes them, `inFlight` at once on distinct sites. */
async function drain(store: HubStore, queue: FeedBatch[], inFlight: number): Promise<void> {
  const busy = new Set<string>();
  const running = new Set<Promise<void>>();
  while (queue.length > 0 || running.size > 0) {
    while (running.size < inFlight) {
      const group = takeGroup(queue, GROUP_LIMITS, busy);
      if (group.length === 0) break;
      for (const b of group) busy.add(b.site);
      const p: Promise<void> = store.ingestGroup(group).then((outcomes) => {
        for (const o of outcomes) if ('error' in o) throw new Error(o.error);
        for (const b of group) busy.delete(b.site);
        running.delete(p);
      });
      running.add(p);
    }
    await Promise.race(running);
  }
}
