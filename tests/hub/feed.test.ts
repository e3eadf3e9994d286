/**
 * The upward feed end to end: a real site server (SQLite, embedded broker, devices over MQTT) feeding
 * a real hub (embedded broker, PGlite, and a real PostgreSQL) over real MQTT.
 */
import type { RunningHub } from '@oss/hub';
import type { TestPostgres } from '@oss/hub/testing';
import type { HubTicket } from '@oss/protocol';
import type { RunningServer } from '@oss/queue-server';
import { tempDir, waitFor } from '@oss/tests';
import { describe, expect } from 'vitest';
import {
  allBytes,
  BIRTH_DATE,
  CCCD,
  enrolAt,
  getJson,
  hubManager,
  inProcess,
  lastSeq,
  onBothDatabases,
  serveCitizens,
  siteEvents,
  startTestHub,
  startTestServer,
} from './harness.ts';

const SLOW = 240_000;

interface SiteList {
  sites: {
    id: string;
    name: { vi: string; en: string };
    lastEventAt: string | null;
    today: { issued: number; served: number; meanWaitMinutes: number | null; satisfiedShare: number | null };
  }[];
}

async function deliveredTo(hub: RunningHub, server: RunningServer): Promise<void> {
  const want = lastSeq(server.env.dataDir);
  await waitFor(
    async () => (await hub.store.findSite('demo'))?.last_seq === want,
    `hub to hold seq ${want}`,
    60_000,
  );
}

/** `pg`: a real PostgreSQL instead of PGlite; stopped before its files are searched. */
async function feedScenario(pg: TestPostgres | null) {
  const databaseUrl = pg?.url ?? null;
  const hubDir = tempDir('oss-hub-');
  const siteDir = tempDir('oss-site-');
  const hub = await startTestHub(hubDir.path, databaseUrl ? { OSS_HUB_DATABASE_URL: databaseUrl } : {});
  let server: RunningServer | null = null;
  try {
    const { siteEnv } = await enrolAt(hub, 'demo');
    server = await startTestServer(siteDir.path, siteEnv);
    const tickets = await serveCitizens(inProcess(server), 6, 'a');
    await deliveredTo(hub, server);

    // Every site event is at the hub once, in the site's order; the ones the feed skips are absent.
    const hubEvents = await hub.store.db.query<{ seq: number; type: string }>(
      "SELECT seq, type FROM events WHERE site = 'demo' ORDER BY seq",
    );
    expect(hubEvents).toEqual(siteEvents(server.env.dataDir));

    // The §5 API: figures and tickets as the site knows them.
    const { baseUrl, cookie } = await hubManager(hub);
    const list = await getJson<SiteList>(`${baseUrl}/api/sites`, cookie);
    expect(list.status).toBe(200);
    const demo = list.body.sites.find((s) => s.id === 'demo')!;
    expect(demo.name.vi).toBe(server.config.site.name.vi);
    expect(demo.today).toMatchObject({ issued: 6, served: 0, satisfiedShare: 1 });
    expect(demo.lastEventAt).toMatch(/\+07:00$/);
    const day = tickets[0]!.issuedAt.slice(0, 10);
    const hubTickets = await getJson<{ tickets: HubTicket[] }>(
      `${baseUrl}/api/sites/demo/tickets?day=${day}`,
      cookie,
    );
    expect(hubTickets.body.tickets.map((t) => t.number)).toEqual(tickets.map((t) => t.number));
    const first = hubTickets.body.tickets[0]!;
    const siteView = server.service.core.ticket(first.id, Date.now())!;
    expect(first).toMatchObject({
      status: siteView.status,
      counterId: 'counter-1',
      rating: 4,
      priority: 'elderly',
    });
    expect(first.calledAt).toBe(siteView.calledAt);
    expect((await getJson(`${baseUrl}/api/sites`)).status).toBe(401);

    // No personal data at the hub: not the number, its mask, the site's hash of it, or the birth date.
    const citizenRow = server.service.store.db
      .prepare('SELECT citizen_hash, citizen_masked FROM tickets WHERE citizen_hash IS NOT NULL LIMIT 1')
      .get() as { citizen_hash: string; citizen_masked: string };
    expect(citizenRow.citizen_masked).toBe(`********${CCCD.slice(-4)}`); // the site did keep its mark
    await hub.stop();
    await server.stop();
    server = null;
    await pg?.stop(); // a fast shutdown writes everything to the data files
    {
      const bytes = allBytes(pg?.dataDir ?? hubDir.path);
      for (const secret of [
        CCCD,
        citizenRow.citizen_masked,
        citizenRow.citizen_hash,
        BIRTH_DATE,
        CCCD.slice(-8),
      ])
        expect(bytes.includes(secret), `hub database holds "${secret}"`).toBe(false);
      expect(bytes.includes(tickets[0]!.id)).toBe(true); // the search itself works
    }
  } finally {
    await server?.stop();
    await hub.stop();
    hubDir.remove();
    siteDir.remove();
  }
}

describe('the upward feed', () => {
  onBothDatabases('delivers every event once and in order, with no personal data,', feedScenario, SLOW);
});
