/**
 * Offline: the server (and its embedded broker) stops; the kiosk issues 50 tickets from its lease
 * and queues their merges in its SQLite outbox; a new server on the same data folder and ports
 * comes back; every ticket is stored exactly once with its original time. And an online issue answered
 * too late: the kiosk prints from its lease and voids the server's ticket.
 */
import type { ResponseEnvelope, Ticket } from '@oss/protocol';
import type { RunningServer } from '@oss/queue-server';
import { afterAll, describe, expect, it } from 'vitest';
import { type AgentHandle, startAgent } from '../src/agent.ts';
import { silentLogger } from '../src/log.ts';
import { agentConfig, connectUi, enrolDevice, freePort, startSite, tempDir, waitFor } from './helpers.ts';

/** A temporary folder, a site server and a kiosk agent, stopped after the describe block's tests. */
function scene() {
  const s = { dir: tempDir(), server: null as RunningServer | null, kiosk: null as AgentHandle | null };
  afterAll(async () => {
    await s.kiosk?.stop();
    await s.server?.stop();
    s.dir.remove();
  });
  return s;
}

describe('offline kiosk', () => {
  const s = scene();

  it('issues 50 tickets while the server is down; all merge exactly once with their times', async () => {
    const ports = { http: await freePort(), mqtt: await freePort() };
    s.server = await startSite(`${s.dir.path}/server`, ports);
    const credentials = enrolDevice(s.server, ['kiosk-off', 'kiosk']);
    s.kiosk = await startAgent(
      agentConfig(s.server, credentials, { offline: { leaseSize: 60, renewBelow: 10 } }),
      {
        simulate: true,
        log: silentLogger,
        port: 0,
        dataDir: `${s.dir.path}/kiosk`,
        issueTimeoutMs: 1000,
      },
    );
    const agent = s.kiosk;
    const serviceId = 'civil-status';
    await waitFor(() => agent.leases!.remaining(serviceId) >= 50, 'a leased block');
    const ui = await connectUi(agent.port);
    ui.send({ type: 'ticket.issue', requestId: 'online-1', serviceId, lang: 'vi' });
    const online = await ui.next('ticket', (m) => m.requestId === 'online-1');
    expect(online.ticket.offline).toBeUndefined();

    // The server goes away.
    await s.server.stop();
    s.server = null;
    await ui.next('connection', (m) => !m.online);
    const cached = await fetch(`${agent.url}/api/services`);
    expect(cached.status).toBe(200);
    expect(cached.headers.get('x-oss-cache')).toBe('stale');

    const issued: Ticket[] = [];
    for (let i = 0; i < 50; i++) {
      ui.send({
        type: 'ticket.issue',
        requestId: `off-${i}`,
        serviceId,
        lang: 'vi',
        ...(i === 3 ? { birthDate: '1950-01-01' } : {}),
      });
      const answer = await ui.next('ticket', (m) => m.requestId === `off-${i}`);
      expect(answer.printed).toBe(true);
      expect(answer.ticket.offline).toBe(true);
      expect(answer.ticket.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
      issued.push(answer.ticket);
    }
    expect(new Set(issued.map((t) => t.number)).size).toBe(50);
    expect(issued[3]!.priority).not.toBe('normal'); // printed as the server will decide (≥ 60)
    expect(issued.map((t) => t.number)).not.toContain(online.ticket.number);
    expect(agent.store.pendingCount()).toBe(50);
    const merges = agent.store.pending(100);
    expect(merges.every((m) => m.action === 'ticket.merge')).toBe(true);
    expect(JSON.stringify(merges)).not.toMatch(/fullName|idNumber/);

    // A new server on the same data and ports: the outbox drains with the same ids.
    s.server = await startSite(`${s.dir.path}/server`, ports);
    const back = s.server;
    await ui.next('connection', (m) => m.online);
    await waitFor(() => agent.store.pendingCount() === 0, 'the outbox drained', 30_000);
    expect(agent.store.failedCount()).toBe(0);

    const ids = issued.map((t) => t.id);
    const rows = back.service.store.db
      .prepare(
        `SELECT id, number, issued_at, priority FROM tickets WHERE id IN (${ids.map(() => '?').join(',')})`,
      )
      .all(...ids) as { id: string; number: string; issued_at: number; priority: string }[];
    expect(rows.length).toBe(50);
    for (const t of issued) {
      const row = rows.find((r) => r.id === t.id)!;
      expect(row.number).toBe(t.number);
      expect(row.issued_at).toBe(Date.parse(t.issuedAt));
      expect(row.priority).toBe(t.priority);
    }
    const sample = (await (await fetch(`${agent.config.serverUrl}/api/tickets/${issued[7]!.id}`)).json()) as {
      ticket: Ticket;
    };
    expect(Date.parse(sample.ticket.issuedAt)).toBe(Date.parse(issued[7]!.issuedAt));

    // A replay of an already merged request (same id) has no second effect.
    const first = merges[0]!;
    const count = () =>
      (back.service.store.db.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number }).n;
    const before = count();
    const { id: _id, ...params } = first.body;
    agent.link.send('ticket.merge', params, first.requestId);
    await waitFor(() => agent.store.pendingCount() === 0, 'the replay answered');
    expect(agent.store.failedCount()).toBe(0);
    expect(count()).toBe(before);
    ui.close();
  });

  it('says so when the server is away and the lease is used up', async () => {
    const agent = s.kiosk!;
    await s.server!.stop();
    s.server = null;
    await waitFor(() => !agent.link.connected, 'offline');
    const ui = await connectUi(agent.port);
    // Exhaust what is left of every civil-status block, then one more.
    const left = agent.leases!.remaining('civil-status');
    for (let i = 0; i < left; i++) {
      ui.send({ type: 'ticket.issue', requestId: `x-${i}`, serviceId: 'civil-status', lang: 'vi' });
      await ui.next('ticket', (m) => m.requestId === `x-${i}`);
    }
    ui.send({ type: 'ticket.issue', requestId: 'x-last', serviceId: 'civil-status', lang: 'vi' });
    const refused = await ui.next('error', (m) => m.requestId === 'x-last');
    expect(refused.code).toBe('unavailable');
    ui.close();
  });
});

describe('an issue the server answers too late', () => {
  const s = scene();

  it('prints a ticket from the lease and voids the one the server issued for that request', async () => {
    s.server = await startSite(`${s.dir.path}/server`);
    const site = s.server;
    const credentials = enrolDevice(site, ['kiosk-slow', 'kiosk']);
    // The server issues the ticket but its answer reaches the kiosk after 500 ms, long after the
    // kiosk's 100 ms timeout (both attempts).
    const execute = site.service.executeBatch.bind(site.service);
    site.service.executeBatch = (items) => {
      for (const item of items as ((typeof items)[number] & { respond?: (r: ResponseEnvelope) => void })[]) {
        const respond = item.respond;
        if (item.command.type === 'issue' && respond) item.respond = (r) => setTimeout(() => respond(r), 500);
      }
      return execute(items);
    };
    s.kiosk = await startAgent(agentConfig(site, credentials), {
      simulate: true,
      log: silentLogger,
      port: 0,
      dataDir: `${s.dir.path}/kiosk`,
      issueTimeoutMs: 100,
    });
    const agent = s.kiosk;
    await waitFor(() => agent.leases!.remaining('land') > 0, 'a leased block');
    const ui = await connectUi(agent.port);
    ui.send({ type: 'ticket.issue', requestId: 'late-1', serviceId: 'land', lang: 'vi' });
    const answer = await ui.next('ticket', (m) => m.requestId === 'late-1');
    expect(answer.ticket.offline).toBe(true);
    expect(answer.printed).toBe(true);
    await waitFor(() => agent.store.pendingCount() === 0, 'the void and the merge sent');
    expect(agent.store.failedCount()).toBe(0);
    const mine = [...site.service.core.state.tickets.values()].filter((t) => t.deviceId === 'kiosk-slow');
    const fromRequest = mine.filter((t) => t.requestId);
    expect(fromRequest.length).toBe(1); // the server did issue it, and only once despite the retry
    expect(fromRequest[0]!.status).toBe('cancelled');
    // One citizen, one live ticket: the printed one.
    expect(mine.filter((t) => t.status !== 'cancelled').map((t) => t.id)).toEqual([answer.ticket.id]);
    ui.close();
  });
});
