/**
 * `npm run bench:hub-rankings -- [sites] [ticketsPerDay]` (default 150 sites, 60 a day): a year's
 * ranking of a province on a real PostgreSQL, from the tickets (as the route read them before the
 * summary tables: every site's tickets and ratings of the year through `periodKpis`) and from the
 * summed days (`periodSums` + `headlineKpis`, what the route reads now). The year's tickets are made
 * by SQL (all served, waits 0–40 min, a rating for one in three); the summaries are built from them
 * by the migration's own `rebuildServiceDays`, timed too.
 */
import { headlineKpis, periodKpis } from '@oss/queue-server/core';
import { openDatabase } from '../src/db.ts';
import { monthsFrom } from '../src/partitions.ts';
import { coreSite } from '../src/periods.ts';
import { HubStore, rebuildServiceDays } from '../src/store.ts';
import { startPostgres } from '../testing/postgres.ts';

const sites = Number(process.argv[2] ?? 150);
const perDay = Number(process.argv[3] ?? 60);
const [FROM, TO] = ['2026-01-01', '2026-12-31'];
const NOW = Date.parse('2027-01-05T12:00:00+07:00');
const place = { area: null, level: 'province' as const };
const seconds = (since: number) => +((performance.now() - since) / 1000).toFixed(2);

const pg = await startPostgres();
const db = await openDatabase({ url: pg.url, dataDir: '/nonexistent' });
const store = new HubStore(db);
try {
  await store.partitions.ensure(monthsFrom(Date.parse('2025-12-01T00:00:00Z'), 13));
  const ids = Array.from({ length: sites }, (_, i) => `xa-${i + 1}`);
  const info = (site: string) => ({
    v: 1 as const,
    site,
    name: { vi: site, en: site },
    timeZone: 'Asia/Ho_Chi_Minh',
    waitTargetMinutes: 15,
    services: ['a', 'b', 'c'].map((id) => ({ id, prefix: id.toUpperCase(), name: { vi: id, en: id } })),
    counters: [{ id: 'c1', number: 1, name: { vi: 'Quầy 1', en: 'Counter 1' } }],
  });
  for (const id of ids) {
    await store.enrolSite(id, 'not-a-hash', 0);
    await store.saveInfo(info(id));
  }
  let t = performance.now();
  // 07:00 local (00:00 UTC) plus a citizen every 8 minutes; waits and services of a few minutes.
  await db.query(
    `INSERT INTO tickets (site, id, day, number, service_id, original_service_id, priority, status, issued_at,
       first_called_at, called_at, started_at, finished_at, counter_id, officer_id)
     SELECT 'xa-' || s, d || '-' || n, to_char(date '2026-01-01' + d, 'YYYY-MM-DD'), 'A' || n, svc, svc, 'normal',
       'done', at, at + w, at + w, at + w, at + w + 420000, 'c1', 'o' || (n % 5)
     FROM generate_series(1, $1::int) s, generate_series(0, 364) d, generate_series(1, $2::int) n,
       LATERAL (SELECT (extract(epoch FROM date '2026-01-01' + d) * 1000)::bigint + n * 480000 AS at,
         (random() * 2400000)::bigint AS w, chr(97 + n % 3) AS svc) x`,
    [sites, perDay],
  );
  await db.query(
    `INSERT INTO ratings (site, id, day, at, score, counter_id, ticket_id, officer_id, service_id)
     SELECT site, 'r' || id, day, finished_at + 1000, 1 + (abs(hashtext(id)) % 5), 'c1', id, officer_id, service_id
     FROM tickets WHERE abs(hashtext(id || site)) % 3 = 0`,
  );
  const n = (await db.query<{ n: number }>('SELECT count(*)::bigint AS n FROM tickets'))[0]!.n;
  const r = (await db.query<{ r: number }>('SELECT count(*)::bigint AS r FROM ratings'))[0]!.r;
  const made = seconds(t);
  t = performance.now();
  await db.transaction((tx) => rebuildServiceDays(tx));
  const rebuilt = seconds(t);
  await db.query('ANALYZE');

  const fromTickets = async () => {
    const figures = [];
    for (const id of ids) {
      const [tickets, ratings] = await Promise.all([
        store.ticketsBetween(id, FROM, TO),
        store.ratingsBetween(id, FROM, TO),
      ]);
      const site = coreSite(id, info(id), place, []);
      figures.push(
        periodKpis(site, { from: FROM, to: TO, tickets, ratings, emotions: [] }, NOW).withinTargetShare,
      );
    }
    return figures;
  };
  const fromSums = async () => {
    const sums = await store.periodSums(FROM, TO);
    return ids.map((id) => {
      const s = sums.get(id) ?? { days: [], waiting: [] };
      return headlineKpis(coreSite(id, info(id), place, []), TO, s.days, s.waiting, NOW)!.withinTargetShare;
    });
  };
  t = performance.now();
  const raw = await fromTickets();
  const before = seconds(t);
  const after: number[] = [];
  let summed: (number | null)[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    summed = await fromSums();
    after.push(seconds(t));
  }
  const same = JSON.stringify(raw) === JSON.stringify(summed);
  process.stdout.write(
    `${JSON.stringify({ sites, tickets: n, ratings: r, madeSeconds: made, rebuildSeconds: rebuilt, fromTicketsSeconds: before, fromSumsSeconds: after, sameFigures: same })}\n`,
  );
} finally {
  await db.close();
  await pg.stop();
  pg.remove();
}
