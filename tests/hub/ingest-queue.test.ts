/**
 * The ingest worker's queue is bounded: while PostgreSQL is slow (a lock the test holds on `events`),
 * sites flood the hub through real MQTT and re-send every half second; the batches waiting never hold
 * more events than the limit (the rest are dropped unacked, not held), and once PostgreSQL is free
 * again every site's events are at the hub once: nothing lost, nothing doubled.
 */
import type { HubDb, RunningHub } from '@oss/hub';
import { openDatabase } from '@oss/hub';
import { LightSite } from '@oss/hub/light-site';
import { hasPostgres, startPostgres } from '@oss/hub/testing';
import { tempDir, waitFor } from '@oss/tests';
import { describe, expect, it } from 'vitest';
import { enrolAt, holdLock, startTestHub } from './harness.ts';

const LIMIT = 200;
const SITES = 12;
const BATCH = 50;

describe.skipIf(!hasPostgres)('the ingest queue under a flood', () => {
  it('holds at most its limit while PostgreSQL is slow, and loses nothing', async () => {
    const pgServer = await startPostgres();
    const dir = tempDir('oss-hub-queue-');
    let hub: RunningHub | null = null;
    const sites: LightSite[] = [];
    let blocker: HubDb | null = null;
    let lock: { release(): Promise<void> } | null = null;
    try {
      hub = await startTestHub(dir.path, { OSS_HUB_DATABASE_URL: pgServer.url }, { ingestQueueLimit: LIMIT });
      const db = await openDatabase({ url: pgServer.url, dataDir: dir.path });
      blocker = db;
      lock = await holdLock(db, 'LOCK TABLE events IN EXCLUSIVE MODE');

      // Each site has 201 events to send in batches of 50, one at a time, re-sent every 500 ms until acked.
      for (let i = 0; i < SITES; i++) {
        const id = `xa-flood-${i}`;
        const { creds } = await enrolAt(hub, id);
        const site = new LightSite({
          site: id,
          url: hub.mqttUrl,
          username: creds.username,
          password: creds.password,
          batchSize: BATCH,
          resendMs: 500,
        });
        for (let v = 0; v < 40; v++) site.visit(Date.parse('2026-12-02T08:00:00+07:00') + v * 60_000);
        site.start();
        sites.push(site);
      }
      // While the lock holds: sample the queue through many rounds of re-sends.
      let most = 0;
      const ingest = hub.ingest;
      const sample = setInterval(() => {
        most = Math.max(most, ingest.pendingEvents);
      }, 5);
      // Several rounds of re-sends turned away (or, unbounded, the queue past its limit).
      await waitFor(
        () => ingest.counters.shed >= 4 * SITES || most > LIMIT,
        'the re-sends turned away',
        60_000,
      );
      clearInterval(sample);
      // The sites offer 12 × 50 events at once, and the same again at every re-send; 200 wait at most.
      expect(most).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(LIMIT);
      expect(ingest.pendingEvents).toBeLessThanOrEqual(LIMIT);
      expect(ingest.counters.batches).toBe(0); // nothing acked before the commit

      await lock.release();
      await waitFor(
        async () => {
          const rows = await hub!.store.db.query<{ id: string; last_seq: number }>(
            "SELECT id, last_seq FROM sites WHERE id LIKE 'xa-flood-%'",
          );
          return rows.length === SITES && rows.every((r) => r.last_seq === lastOf(sites, r.id));
        },
        'every site’s events at the hub',
        120_000,
      );
      const counts = await hub.store.db.query<{ site: string; n: number; distinct_seqs: number }>(
        `SELECT site, count(*)::int AS n, count(DISTINCT seq)::int AS distinct_seqs FROM events
         WHERE site LIKE 'xa-flood-%' GROUP BY site ORDER BY site`,
      );
      expect(counts).toHaveLength(SITES);
      for (const c of counts) {
        const site = sites.find((s) => s.options.site === c.site)!;
        expect({ site: c.site, n: c.n, distinct: c.distinct_seqs }).toEqual({
          site: c.site,
          n: site.lastSeq,
          distinct: site.lastSeq,
        });
      }
      const tickets = await hub.store.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM tickets WHERE site LIKE 'xa-flood-%'",
      );
      expect(tickets[0]!.n).toBe(SITES * 40);
    } finally {
      await lock?.release().catch(() => {});
      await Promise.allSettled(sites.map((s) => s.stop()));
      await blocker?.close();
      await hub?.stop();
      await pgServer.stop();
      pgServer.remove();
      dir.remove();
    }
  }, 240_000);
});

function lastOf(sites: LightSite[], id: string): number {
  return sites.find((s) => s.options.site === id)!.lastSeq;
}
