/**
 * Month partitions on a real PostgreSQL: a site's events, tickets and ratings land in their month's
 * partition, including a month never seen before, an old month sent after a long outage, and a ticket
 * issued offline in an earlier month than the event bringing it; a hub database from before
 * partitioning is migrated with its rows moved into their months and its days summed.
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

/** Where each row of a site's tickets or ratings is, by id. */
async function partitionsById(store: HubStore, table: 'tickets' | 'ratings', siteId: string) {
  const rows = await store.db.query<{ id: string; part: string }>(
    `SELECT id, tableoid::regclass::text AS part FROM ${table} WHERE site = $1`,
    [siteId],
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.part]));
}

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
    for (const table of ['tickets', 'ratings'])
      expect(
        await store.db.query(
          `SELECT partstrat AS strategy FROM pg_partitioned_table WHERE partrelid = '${table}'::regclass`,
        ),
      ).toEqual([{ strategy: 'r' }]);
    // The coming months exist before any event.
    const now = new Date();
    const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const nextName = `events_${next.getUTCFullYear()}_${String(next.getUTCMonth() + 1).padStart(2, '0')}`;
    const made = await store.db.query<{ name: string }>(
      "SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'events'::regclass",
    );
    expect(made.map((r) => r.name)).toContain(nextName);
    const ticketMonths = await store.db.query<{ name: string }>(
      "SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'tickets'::regclass",
    );
    expect(ticketMonths.map((r) => r.name)).toContain(nextName.replace('events', 'tickets'));

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

    // Tickets by their issue month, ratings by theirs; a ticket issued offline in a month never seen.
    const issuedOffline = Date.UTC(2029, 0, 15, 3);
    await store.ingest({
      v: 1,
      site: 'xa-long-outage',
      from: last + 1,
      to: last + 1,
      events: [
        {
          type: 'ticket.issued',
          seq: last + 1,
          at: Date.UTC(2031, 4, 2, 2),
          ticketId: 't-offline',
          number: 'A999',
          serviceId: 'civil-status',
          priority: 'normal',
          priorityBasis: 'none',
          issuedAt: issuedOffline,
          offline: true,
        },
      ],
    });
    const tickets = await partitionsById(store, 'tickets', 'xa-long-outage');
    expect(tickets).toEqual({
      't-1': thisMonth.replace('events', 'tickets'),
      't-2': 'tickets_2025_07',
      't-3': 'tickets_2031_03',
      't-offline': 'tickets_2029_01',
    });
    const ratings = await partitionsById(store, 'ratings', 'xa-long-outage');
    expect(ratings['r-2']).toBe('ratings_2025_07');
    expect(Object.keys(ratings).sort()).toEqual(['r-1', 'r-2']);

    // A database at schema version 1 (plain tables with rows) is migrated on open.
    await site.stop();
    site = null;
    await hub.stop();
    hub = null;
    const admin = await openDatabase({ url: pg.url, dataDir: dir.path });
    await admin.query('CREATE DATABASE hub_v1');
    await admin.close();
    const url = pg.url.replace(/\/postgres$/, '/hub_v1');
    const old = await openDatabase({ url, dataDir: dir.path, schemaVersion: 1 });
    const [feb29, mar1] = [Date.UTC(2024, 1, 29, 23), Date.UTC(2024, 2, 1, 1)];
    await old.query(
      `INSERT INTO events VALUES ('old', 1, $1, 'day.started', '{}'), ('old', 2, $2, 'day.started', '{}')`,
      [feb29, mar1],
    );
    await old.query(
      `INSERT INTO tickets (site, id, day, number, service_id, original_service_id, priority, status, issued_at,
         first_called_at) VALUES ('old', 'a', '2024-03-01', 'A1', 's', 's', 'normal', 'called', $1, $2),
         ('old', 'b', '2024-03-01', 'A2', 's', 's', 'normal', 'waiting', $2, null)`,
      [feb29, mar1],
    );
    await old.query(`INSERT INTO ratings VALUES ('old', 'r', '2024-03-01', $1, 5, 'c1', 'a', null, 's')`, [
      mar1,
    ]);
    await old.close();
    const migrated = await openDatabase({ url, dataDir: dir.path });
    try {
      const where = (table: string, id: string) =>
        `SELECT ${id} AS id, tableoid::regclass::text AS part FROM ${table} WHERE site = 'old' ORDER BY ${id}`;
      expect(await migrated.query(where('events', 'seq'))).toEqual([
        { id: 1, part: 'events_2024_02' },
        { id: 2, part: 'events_2024_03' },
      ]);
      expect(await migrated.query(where('tickets', 'id'))).toEqual([
        { id: 'a', part: 'tickets_2024_02' },
        { id: 'b', part: 'tickets_2024_03' },
      ]);
      expect(await migrated.query(where('ratings', 'id'))).toEqual([{ id: 'r', part: 'ratings_2024_03' }]);
      expect(await migrated.query('SELECT day, issued, called, wait_ms, score_5 FROM service_days')).toEqual([
        { day: '2024-03-01', issued: 2, called: 1, wait_ms: mar1 - feb29, score_5: 1 },
      ]);
    } finally {
      await migrated.close();
    }
  }, 300_000);
});
