/**
 * Several sites' batches stored in one transaction. Many sites' days, cut into random batches, some
 * re-sent, some arriving early (after a gap), interleaved across sites and stored in random groups:
 * every site's events, tickets, ratings and summed days at the hub equal what its events give stored
 * at once. A group with an unknown site's batch and one that cannot be stored fails only those. Then
 * through the worker and real MQTT on a real PostgreSQL: batches that arrive while a transaction waits
 * become one group, and a refused batch and a failing one beside good ones change nothing of theirs.
 */
import {
  type HubDb,
  HubStore,
  officerDayDeltas,
  openDatabase,
  project,
  type RunningHub,
  serviceDayDeltas,
} from '@oss/hub';
import { hasPostgres, startPostgres, type TestPostgres } from '@oss/hub/testing';
import { type FeedAck, type FeedBatch, type FeedEvent, hubTopics } from '@oss/protocol';
import { tempDir, waitFor } from '@oss/tests';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { enrolAt, holdLock, onBothDatabases, prepareHubDir, startTestHub } from './harness.ts';
import { dayEvents } from './history.ts';

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Two days of a site: visits issued, some called by one of two officers, some rated. */
function siteHistory(rand: () => number): FeedEvent[] {
  const days = ['2026-11-30', '2026-12-01'].map((date) => {
    const visits = Array.from({ length: 3 + Math.floor(rand() * 12) }, (_, i) => {
      const issue = i * 7;
      if (rand() < 0.2) return { id: `${date}-${i}`, issue };
      return {
        id: `${date}-${i}`,
        issue,
        call: issue + Math.floor(rand() * 40),
        officer: rand() < 0.5 ? 'o1' : 'o2',
        ...(rand() < 0.6 ? { score: 1 + Math.floor(rand() * 5) } : {}),
      };
    });
    return dayEvents(date, Date.parse(`${date}T07:00:00+07:00`), visits);
  });
  return days.flat().map((e, i) => ({ ...e, seq: i + 1 }));
}

function batchesOf(site: string, events: FeedEvent[], rand: () => number): FeedBatch[] {
  const batches: FeedBatch[] = [];
  for (let i = 0; i < events.length; ) {
    const part = events.slice(i, i + 1 + Math.floor(rand() * 15));
    batches.push({ v: 1, site, from: part[0]!.seq, to: part.at(-1)!.seq, events: part });
    i += part.length;
  }
  return batches;
}

/** Each site's batches in order, some sent twice and some early too (a gap), sites interleaved. */
function arrivals(perSite: FeedBatch[][], rand: () => number): FeedBatch[] {
  const streams = perSite.map((batches) =>
    batches.flatMap((b, i) => {
      const next = batches[i + 1];
      return [...(next && rand() < 0.15 ? [next] : []), b, ...(rand() < 0.2 ? [b] : [])];
    }),
  );
  const out: FeedBatch[] = [];
  while (streams.some((s) => s.length > 0)) {
    const open = streams.filter((s) => s.length > 0);
    out.push(open[Math.floor(rand() * open.length)]!.shift()!);
  }
  return out;
}

const trimZeros = (a: number[]) => {
  const out = [...a];
  while (out.at(-1) === 0) out.pop();
  return out;
};

/** What a site's events give stored at once: its tickets, summed days and officers' days. */
function expected(events: FeedEvent[]) {
  const { tickets, ratings } = project(events, new Map(), null);
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
  return {
    tickets: [...tickets.values()].sort(byId),
    ratings: ratings.map((r) => r.id).sort(),
    serviceDays: serviceDayDeltas(new Map(), tickets, ratings)
      .map((d) => ({
        key: `${d.day}/${d.serviceId}`,
        ...d.sums,
        waitsByMinute: trimZeros(d.sums.waitsByMinute),
      }))
      .sort(byKey),
    officerDays: officerDayDeltas(new Map(), tickets)
      .map((o) => ({ key: `${o.day}/${o.officerId}`, served: o.served }))
      .sort(byKey),
  };
}

async function held(store: HubStore, site: string) {
  const q = (sql: string) => store.db.query<Record<string, unknown>>(sql, [site]);
  const n = (v: unknown) => Number(v);
  return {
    tickets: await store
      .ticketsBetween(site, '0000-01-01', '9999-12-31')
      .then((t) => t.sort((a, b) => a.id.localeCompare(b.id))),
    ratings: (await q('SELECT id FROM ratings WHERE site = $1 ORDER BY id')).map((r) => r.id),
    serviceDays: (await q('SELECT * FROM service_days WHERE site = $1'))
      .map((r) => ({
        key: `${r.day}/${r.service_id}`,
        issued: n(r.issued),
        served: n(r.served),
        noShows: n(r.no_shows),
        called: n(r.called),
        waitMs: n(r.wait_ms),
        waitsByMinute: trimZeros(r.waits_by_minute as number[]),
        serviceMs: n(r.service_ms),
        scoreCounts: [1, 2, 3, 4, 5].map((s) => n(r[`score_${s}`])),
      }))
      .sort((a, b) => a.key.localeCompare(b.key)),
    officerDays: (await q('SELECT day, officer_id, served FROM officer_days WHERE site = $1 AND served <> 0'))
      .map((r) => ({ key: `${r.day}/${r.officer_id}`, served: n(r.served) }))
      .sort((a, b) => a.key.localeCompare(b.key)),
  };
}

const counterOpened = (seq: number, at: number): FeedEvent => ({
  type: 'counter.opened',
  seq,
  at,
  counterId: 'c1',
});

async function manySitesScenario(pg: TestPostgres | null) {
  const dir = tempDir('oss-hub-group-');
  if (!pg) await prepareHubDir(dir.path);
  const db = await openDatabase({ url: pg?.url ?? null, dataDir: dir.path });
  const store = new HubStore(db);
  // Every message names the seed; OSS_TEST_SEED=n replays that run.
  const seed = Number(process.env.OSS_TEST_SEED ?? Date.now() % 100_000);
  const rand = random(seed);
  try {
    const sites = Array.from({ length: 40 }, (_, i) => `xa-${String(i).padStart(2, '0')}`);
    for (const site of sites) await store.enrolSite(site, 'unused', Date.now());
    const histories = sites.map(() => siteHistory(rand));
    const queue = arrivals(
      sites.map((site, i) => batchesOf(site, histories[i]!, rand)),
      rand,
    );
    let gaps = 0;
    while (queue.length > 0) {
      const group = queue.splice(0, 1 + Math.floor(rand() * 25));
      const outcomes = await store.ingestGroup(group);
      for (const o of outcomes) if ('error' in o) throw new Error(`seed ${seed}: ${o.error}`);
      gaps += outcomes.filter((o) => 'gap' in o && o.gap).length;
    }
    expect(gaps, `seed ${seed}: some batches came early`).toBeGreaterThan(0);
    for (const [i, site] of sites.entries()) {
      const events = histories[i]!;
      const stored = await db.query<{ data: FeedEvent }>(
        'SELECT data FROM events WHERE site = $1 ORDER BY seq',
        [site],
      );
      expect(
        stored.map((r) => r.data),
        `seed ${seed}, ${site}`,
      ).toEqual(events);
      expect(await held(store, site), `seed ${seed}, ${site}`).toEqual(expected(events));
      const row = await store.findSite(site);
      expect([row?.last_seq, row?.current_day, row?.last_event_at]).toEqual([
        events.length,
        '2026-12-01',
        Math.max(...events.map((e) => e.at)),
      ]);
    }

    // An unknown site's batch and one that cannot be stored (a time no month holds) fail alone.
    const at = Date.parse('2026-12-02T08:00:00+07:00');
    const outcomes = await store.ingestGroup([
      {
        v: 1,
        site: 'xa-00',
        from: histories[0]!.length + 1,
        to: histories[0]!.length + 1,
        events: [counterOpened(histories[0]!.length + 1, at)],
      },
      { v: 1, site: 'nowhere', from: 1, to: 1, events: [counterOpened(1, at)] },
      {
        v: 1,
        site: 'xa-01',
        from: histories[1]!.length + 1,
        to: histories[1]!.length + 1,
        events: [counterOpened(histories[1]!.length + 1, 9e15)],
      },
      {
        v: 1,
        site: 'xa-02',
        from: histories[2]!.length + 1,
        to: histories[2]!.length + 1,
        events: [counterOpened(histories[2]!.length + 1, at)],
      },
    ]);
    expect(outcomes.map((o) => ('error' in o ? 'failed' : o))).toEqual([
      { upTo: histories[0]!.length + 1, stored: 1, gap: false },
      'failed',
      'failed',
      { upTo: histories[2]!.length + 1, stored: 1, gap: false },
    ]);
    expect((await store.findSite('xa-01'))?.last_seq).toBe(histories[1]!.length);
    expect(
      await db.query("SELECT seq FROM events WHERE site IN ('nowhere', 'xa-01') AND seq > $1", [
        histories[1]!.length,
      ]),
    ).toEqual([]);

    // A site whose held seq is behind its events (a group relies on it): the group fails on the
    // events already held, and alone the batch skips them; the other site's batch is stored.
    const three = histories[3]!;
    await db.query("UPDATE sites SET last_seq = last_seq - 2 WHERE id = 'xa-03'");
    const again = await store.ingestGroup([
      { v: 1, site: 'xa-03', from: three.length - 1, to: three.length, events: three.slice(-2) },
      {
        v: 1,
        site: 'xa-04',
        from: histories[4]!.length + 1,
        to: histories[4]!.length + 1,
        events: [counterOpened(histories[4]!.length + 1, at)],
      },
    ]);
    expect(again).toEqual([
      { upTo: three.length, stored: 0, gap: false },
      { upTo: histories[4]!.length + 1, stored: 1, gap: false },
    ]);
    expect(await held(store, 'xa-03')).toEqual(expected(three));
  } finally {
    await db.close();
    dir.remove();
  }
}

describe('several sites’ batches in one transaction', () => {
  onBothDatabases('store every site as its events give it', manySitesScenario, 300_000);
});

describe.skipIf(!hasPostgres)('the worker groups what arrives while a transaction waits', () => {
  it('acks the good batches of a group with a refused and a failing one, and stores nothing of those', async () => {
    const pgServer = await startPostgres();
    const dir = tempDir('oss-hub-group-worker-');
    let hub: RunningHub | null = null;
    let blocker: HubDb | null = null;
    let lock: { release(): Promise<void> } | null = null;
    const clients: mqtt.MqttClient[] = [];
    try {
      hub = await startTestHub(dir.path, { OSS_HUB_DATABASE_URL: pgServer.url });
      const sites = Array.from({ length: 8 }, (_, i) => `phuong-${i}`);
      const acks = new Map<string, number>();
      for (const site of sites) {
        const { creds } = await enrolAt(hub, site);
        const client = await mqtt.connectAsync(hub.mqttUrl, { ...creds, clientId: site, reconnectPeriod: 0 });
        await client.subscribeAsync(hubTopics.ack(site), { qos: 1 });
        client.on('message', (_t, p) => acks.set(site, (JSON.parse(p.toString()) as FeedAck).upTo));
        clients.push(client);
      }
      const at = Date.parse('2026-12-02T08:00:00+07:00');
      const send = (i: number, body: object) =>
        clients[i]!.publishAsync(hubTopics.feed(sites[i]!), JSON.stringify(body), { qos: 1 });
      const good = (site: string) => ({
        v: 1,
        site,
        from: 1,
        to: 2,
        events: [counterOpened(1, at), counterOpened(2, at)],
      });

      // The first batch's group waits on this lock; the rest arrive meanwhile (beside a group being
      // stored only a full one starts) and become the next group.
      const db = await openDatabase({ url: pgServer.url, dataDir: dir.path });
      blocker = db;
      lock = await holdLock(db, 'LOCK TABLE events IN EXCLUSIVE MODE');
      const waiting = 'SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted';
      await send(0, good(sites[0]!));
      await waitFor(
        async () => (await db.query<{ n: number }>(waiting))[0]!.n === 1,
        'a group waiting',
        30_000,
      );
      for (const i of [1, 2, 3, 4, 5]) await send(i, good(sites[i]!));
      await send(6, {
        ...good(sites[6]!),
        events: [counterOpened(1, at), { ...counterOpened(2, at), idNumber: '079150017064' }],
      });
      await send(7, { ...good(sites[7]!), events: [counterOpened(1, at), counterOpened(2, 9e15)] });
      await waitFor(
        () => hub!.ingest.pending === 6 && hub!.ingest.counters.refused === 1,
        'the other batches queued',
        30_000,
      );
      await lock.release();

      await waitFor(
        () => sites.slice(0, 6).every((s) => acks.get(s) === 2),
        'the good batches acked',
        60_000,
      );
      // A group of one, then one of six that fails as a whole and is stored batch by batch.
      expect(hub.ingest.counters.groups).toBe(2);
      expect(hub.ingest.counters.batches).toBe(6);
      const rows = await hub.store.db.query<{ site: string; n: number }>(
        'SELECT site, count(*)::int AS n FROM events GROUP BY site ORDER BY site',
      );
      expect(rows).toEqual(sites.slice(0, 6).map((site) => ({ site, n: 2 })));
      expect(acks.has(sites[6]!) || acks.has(sites[7]!)).toBe(false);
    } finally {
      await Promise.all(clients.map((c) => c.endAsync(true)));
      await lock?.release().catch(() => {});
      await blocker?.close();
      await hub?.stop();
      await pgServer.stop();
      pgServer.remove();
      dir.remove();
    }
  }, 240_000);
});
