/**
 * Month partitions on a real PostgreSQL: a site's events land in their month's partition, including a
 * month never seen before and an old month sent after a long outage; a hub database from before
 * partitioning is migrated with its rows moved into their months.
 */
import { type HubStore, openDatabase, type RunningHub } from '@oss/hub';
import { LightSite } from '@oss/hub/light-site';
import { hasPostgres, startPostgres, type TestPostgres } from '@oss/hub/testing';
import { tempDir, waitFor } from '@oss/tests';
import { afterAll, describe, expect, it } from 'vitest';
import { enrolAt, startTestHub } from './harness.ts';

const dir = tempDir('oss-hub-partitions-');
let pg: TestPostgres | null = null;
let hub: RunningHub | null = null;
let site: LightSite | null = null;

afterAll(async () => {
  await site?.stop();
  await hub?.stop();
  await pg?.stop();
  pg?.remove();
  dir.remove();
});

/** Each stored event's partition, by seq. */
async function partitionsBySeq(store: HubStore, siteId: string): Promise<Map<number, string>> {
  const rows = await store.db.query<{ seq: number; part: string }>(
    'SELECT seq, tableoid::regclass::text AS part FROM events WHERE site = $1 ORDER BY seq',
    [siteId],
  );
  return new Map(rows.map((r) => [r.seq, r.part]));
}

describe.skipIf(!hasPostgres)('the events table by month on a real PostgreSQL', () => {
  it('stores each event in its month, creating months on demand, and migrates a version-1 table', async () => {
    pg = await startPostgres();
    hub = await startTestHub(dir.path, { OSS_HUB_DATABASE_URL: pg.url });
    const store = hub.store;
    const declared = await store.db.query<{ strategy: string }>(
      "SELECT partstrat AS strategy FROM pg_partitioned_table WHERE partrelid = 'events'::regclass",
    );
    expect(declared).toEqual([{ strategy: 'r' }]);
    // The coming months exist before any event.
    const now = new Date();
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const nextName = `events_${next.getUTCFullYear()}_${String(next.getUTCMonth() + 1).padStart(2, '0')}`;
    const made = await store.db.query<{ name: string }>(
      "SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'events'::regclass",
    );
    expect(made.map((r) => r.name)).toContain(nextName);

    const { creds } = await enrolAt(hub, 'xa-long-outage');
    site = new LightSite({
      site: 'xa-long-outage',
      url: hub.mqttUrl,
      username: creds.username,
      password: creds.password,
    });
    site.start();
    // Served today; then, after a long outage, the backlog of an old month; then a month never seen.
    site.visit(Date.now() - 3_600_000);
    const today = site.lastSeq;
    site.visit(Date.UTC(2025, 6, 14, 2, 0));
    const july = site.lastSeq;
    site.visit(Date.UTC(2031, 2, 31, 23, 59, 0), 60_000, 60_000, null); // ends in April 2031 (UTC)
    const last = site.lastSeq;
    await waitFor(
      async () => (await store.findSite('xa-long-outage'))?.last_seq === last,
      'every event at the hub',
      120_000,
    );
    const parts = await partitionsBySeq(store, 'xa-long-outage');
    expect(parts.size).toBe(last);
    const thisMonth = `events_${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(parts.get(today - 1)).toBe(thisMonth); // issued an hour ago
    expect(parts.get(today - 5)).toBe(parts.get(today - 1));
    expect(parts.get(july)).toBe('events_2025_07');
    expect(parts.get(july - 4)).toBe('events_2025_07');
    expect(parts.get(last - 3)).toBe('events_2031_03'); // issued 23:59 UTC on 31 March
    expect(parts.get(last)).toBe('events_2031_04'); // finished two minutes later
    // A batch sent again stores nothing twice.
    const before = (await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events'))[0]!.n;
    await store.ingest({
      v: 1,
      site: 'xa-long-outage',
      from: july - 4,
      to: july,
      events: [
        { type: 'day.started', seq: july - 5 + 1, at: Date.UTC(2025, 6, 14, 2, 0), day: '2025-07-14' },
      ],
    });
    const after = (await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events'))[0]!.n;
    expect(after).toBe(before);

    // A database at schema version 1 (a plain events table with rows) is migrated on open.
    await site.stop();
    site = null;
    await hub.stop();
    hub = null;
    const old = await openDatabase({ url: pg.url, dataDir: dir.path });
    await old.query('DROP TABLE events');
    await old.query(`CREATE TABLE events (site text NOT NULL, seq bigint NOT NULL, at bigint NOT NULL,
      type text NOT NULL, data jsonb NOT NULL, PRIMARY KEY (site, seq))`);
    await old.query(
      `INSERT INTO events VALUES ('old', 1, $1, 'day.started', '{}'), ('old', 2, $2, 'day.started', '{}')`,
      [Date.UTC(2024, 1, 29, 23), Date.UTC(2024, 2, 1, 1)],
    );
    await old.query('UPDATE hub_schema SET version = 1');
    await old.close();
    const migrated = await openDatabase({ url: pg.url, dataDir: dir.path });
    try {
      const rows = await migrated.query<{ seq: number; part: string }>(
        "SELECT seq, tableoid::regclass::text AS part FROM events WHERE site = 'old' ORDER BY seq",
      );
      expect(rows).toEqual([
        { seq: 1, part: 'events_2024_02' },
        { seq: 2, part: 'events_2024_03' },
      ]);
    } finally {
      await migrated.close();
    }
  }, 300_000);
});
