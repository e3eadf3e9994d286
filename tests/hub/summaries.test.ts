/**
 * The hub's summed days give the figures the tickets give. Random days of a site (calls, transfers,
 * no-shows, cancels, ratings, tickets left waiting, a day before 2025 with its 30-minute target) go
 * through the real ingest in random batches, some sent twice; then for each day and for longer
 * periods the ranking's figures from `service_days` equal the core's `periodKpis` over the stored
 * tickets, and rebuilding the summaries from the tickets (the migration's path) gives the same rows.
 * On PGlite and on a real PostgreSQL.
 */
import { coreSite, HubStore, openDatabase, rebuildOfficerDays, rebuildServiceDays } from '@oss/hub';
import type { TestPostgres } from '@oss/hub/testing';
import type { FeedEvent, SiteInfo } from '@oss/protocol';
import { headlineKpis, headlineOf, periodKpis, servedByOfficer } from '@oss/queue-server/core';
import { tempDir } from '@oss/tests';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { onBothDatabases, prepareHubDir } from './harness.ts';

const MIN = 60_000;
const DAYS = ['2024-12-31', '2026-11-23', '2026-11-24', '2026-12-01'];
const NOW = Date.parse('2026-12-01T20:00:00+07:00');
const SERVICES = ['land', 'civil'];

const visit = fc.record({
  day: fc.integer({ min: 0, max: DAYS.length - 1 }),
  issue: fc.integer({ min: 0, max: 480 }),
  service: fc.integer({ min: 0, max: 1 }),
  elderly: fc.boolean(),
  fate: fc.constantFrom('waiting', 'cancelled', 'done', 'no_show', 'transferred'),
  waitSeconds: fc.integer({ min: 0, max: 200 * 60 }),
  officer: fc.option(fc.constantFrom('o1', 'o2'), { nil: null }),
  score: fc.integer({ min: 0, max: 5 }),
  recall: fc.boolean(),
});
type Visit = typeof visit extends fc.Arbitrary<infer V> ? V : never;

type Draft = { at: number } & Record<string, unknown>;

/** The feed's events for the visits, day by day, each day in time order; seqs from 1. */
function history(visits: Visit[]): FeedEvent[] {
  const events: Draft[] = [];
  DAYS.forEach((day, d) => {
    const start = Date.parse(`${day}T07:00:00+07:00`);
    const drafts: Draft[] = [];
    visits.forEach((v, i) => {
      if (v.day !== d) return;
      const id = `t${i}`;
      const issuedAt = start + v.issue * MIN;
      const serviceId = SERVICES[v.service]!;
      drafts.push({
        at: issuedAt,
        type: 'ticket.issued',
        ticketId: id,
        number: `A${i}`,
        serviceId,
        priority: v.elderly ? 'elderly' : 'normal',
        priorityBasis: v.elderly ? 'declared' : 'none',
        issuedAt,
        offline: false,
      });
      if (v.fate === 'waiting') return;
      const called = issuedAt + v.waitSeconds * 1000;
      if (v.fate === 'cancelled') {
        drafts.push({ at: called, type: 'ticket.cancelled', ticketId: id, reason: 'citizen' });
        return;
      }
      const call = (at: number) => ({
        at,
        type: 'ticket.called',
        ticketId: id,
        counterId: 'c1',
        officerId: v.officer,
      });
      drafts.push(call(called));
      if (v.recall)
        drafts.push({ at: called + 1000, type: 'ticket.recalled', ticketId: id, counterId: 'c1' });
      let served = serviceId;
      let at = called + 2000;
      if (v.fate === 'transferred') {
        served = SERVICES[1 - v.service]!;
        drafts.push({
          at,
          type: 'ticket.transferred',
          ticketId: id,
          counterId: 'c1',
          fromServiceId: serviceId,
          toServiceId: served,
        });
        drafts.push(call(at + 3 * MIN));
        at += 4 * MIN;
      }
      const outcome = v.fate === 'no_show' ? 'no_show' : 'done';
      if (outcome === 'done') drafts.push({ at, type: 'ticket.started', ticketId: id, counterId: 'c1' });
      drafts.push({ at: at + 7 * MIN, type: 'ticket.finished', ticketId: id, counterId: 'c1', outcome });
      if (outcome === 'done' && v.score > 0)
        drafts.push({
          at: at + 8 * MIN,
          type: 'rating.submitted',
          ratingId: `r${i}`,
          counterId: 'c1',
          ticketId: id,
          officerId: v.officer,
          serviceId: served,
          score: v.score,
        });
    });
    events.push({ at: start, type: 'day.started', day }, ...drafts.sort((a, b) => a.at - b.at));
  });
  return events.map((e, i) => ({ ...e, seq: i + 1 }) as unknown as FeedEvent);
}

const info = (site: string, waitTargetMinutes: number): SiteInfo => ({
  v: 1,
  site,
  name: { vi: site, en: site },
  timeZone: 'Asia/Ho_Chi_Minh',
  waitTargetMinutes,
  services: SERVICES.map((id, i) => ({ id, prefix: 'AB'[i]!, name: { vi: id, en: id } })),
  counters: [{ id: 'c1', number: 1, name: { vi: 'Quầy 1', en: 'Counter 1' } }],
});

async function ingestInBatches(
  store: HubStore,
  site: string,
  events: FeedEvent[],
  cuts: number[],
  again: boolean[],
) {
  const bounds = [...new Set([0, ...cuts.map((c) => c % (events.length + 1)), events.length])].sort(
    (a, b) => a - b,
  );
  for (let i = 1; i < bounds.length; i++) {
    const part = events.slice(bounds[i - 1], bounds[i]);
    if (part.length === 0) continue;
    const batch = { v: 1 as const, site, from: part[0]!.seq, to: part.at(-1)!.seq, events: part };
    await store.ingest(batch);
    if (again[i % again.length]) {
      await store.ingest(batch); // a re-sent batch
      const wider = events.slice(0, bounds[i]);
      await store.ingest({ ...batch, from: 1, events: wider }); // an overlapping one
    }
  }
}

const PERIODS = [
  ...DAYS.map((d) => [d, d]),
  ['2026-11-01', '2026-11-30'],
  ['2024-01-01', '2026-12-31'],
] as const;

async function summariesScenario(pg: TestPostgres | null) {
  const dir = tempDir('oss-hub-summaries-');
  if (!pg) await prepareHubDir(dir.path);
  const db = await openDatabase({ url: pg?.url ?? null, dataDir: dir.path });
  const store = new HubStore(db);
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(visit, { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(400), { maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 5, max: 40 }),
        async (visits, cuts, again, target) => {
          const id = `xa-${++run}`;
          await store.enrolSite(id, 'not-a-hash', 0);
          await store.saveInfo(info(id, target));
          await ingestInBatches(store, id, history(visits), cuts, again);
          const site = coreSite(id, info(id, target), { area: null, level: 'province' }, []);
          for (const [from, to] of PERIODS) {
            const summed = (await store.periodSums(from, to)).get(id) ?? { days: [], waiting: [] };
            const fromSums = headlineKpis(site, to, summed.days, summed.waiting, NOW);
            const records = {
              from,
              to,
              tickets: await store.ticketsBetween(id, from, to),
              ratings: await store.ratingsBetween(id, from, to),
              emotions: [],
            };
            const k = periodKpis(site, records, NOW);
            expect(fromSums, `${id} ${from}..${to}`).toEqual(headlineOf(k));
            expect(await store.servedByOfficer(id, from, to)).toEqual(servedByOfficer(records.tickets));
          }
        },
      ),
      { numRuns: 12 },
    );
    expect(run).toBeGreaterThanOrEqual(12);
    // The tickets and ratings are in their months' partitions, on PGlite as on PostgreSQL.
    for (const table of ['tickets', 'ratings']) {
      const parts = await db.query<{ part: string }>(
        `SELECT DISTINCT tableoid::regclass::text AS part FROM ${table}`,
      );
      const months = [`${table}_2024_12`, `${table}_2026_11`, `${table}_2026_12`];
      expect(parts.length).toBeGreaterThan(0);
      expect(parts.filter((p) => !months.includes(p.part))).toEqual([]);
    }
    expect(await db.query('SELECT 1 FROM tickets_2026_11 LIMIT 1')).toHaveLength(1);
    // The migration's rebuild from the tickets gives the rows the ingest kept up to date.
    const rows = () =>
      Promise.all([
        db.query('SELECT * FROM service_days ORDER BY site, day, service_id'),
        db.query('SELECT * FROM officer_days WHERE served <> 0 ORDER BY site, day, officer_id'),
      ]);
    const kept = await rows();
    expect(kept[0].length).toBeGreaterThan(0);
    expect(kept[1].length).toBeGreaterThan(0);
    await db.transaction(async (tx) => {
      await tx.query('DELETE FROM service_days');
      await tx.query('DELETE FROM officer_days');
      await rebuildServiceDays(tx);
      await rebuildOfficerDays(tx);
    });
    expect(await rows()).toEqual(kept);
  } finally {
    await db.close();
    dir.remove();
  }
}

describe('the hub’s summed days', () => {
  onBothDatabases('give the figures the tickets give', summariesScenario, 600_000);
});
