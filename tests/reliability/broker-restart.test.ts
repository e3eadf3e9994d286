/**
 * A real Mosquitto restarts under a live site: a kiosk agent keeps issuing from its leased numbers while
 * the broker is down, reconnects by itself, and its outbox drains; every ticket is stored exactly once.
 */
import { join } from 'node:path';
import { type AgentHandle, silentLogger as agentLog, startAgent } from '@oss/device-agent';
import { agentConfig, connectUi, waitFor } from '@oss/device-agent/testing';
import { SERVER_USERNAME, type Ticket } from '@oss/protocol';
import { enroll, type RunningServer } from '@oss/queue-server';
import { hasMosquitto, startTestServer, tempDir, testEnv, testMosquitto } from '@oss/queue-server/testing';
import { afterAll, describe, expect, it } from 'vitest';

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

describe.skipIf(!hasMosquitto)('broker restart', () => {
  it('a kiosk issues through a Mosquitto restart; nothing is lost or duplicated', async () => {
    const dir = tempDir('oss-broker-restart-');
    cleanup.push(() => dir.remove());
    const broker = await testMosquitto(dir.path);
    cleanup.push(() => broker.stop());
    const url = broker.url;
    const data = join(dir.path, 'server');
    const credentials = enroll(['kiosk-r', 'kiosk'], testEnv(data, { OSS_MQTT_URL: url }));
    await broker.addUser(SERVER_USERNAME, 'server-secret');
    await broker.addUser(credentials.username, credentials.password);
    await broker.start();

    const server: RunningServer = await startTestServer(data, {
      OSS_MQTT_URL: url,
      OSS_MQTT_PASSWORD: 'server-secret',
    });
    cleanup.push(() => server.stop());
    const kiosk: AgentHandle = await startAgent(
      agentConfig(server, credentials, { offline: { leaseSize: 40, renewBelow: 5 } }),
      { simulate: true, log: agentLog, port: 0, dataDir: join(dir.path, 'kiosk'), issueTimeoutMs: 1000 },
    );
    cleanup.push(() => kiosk.stop());
    const serviceId = 'certification';
    await waitFor(() => kiosk.leases!.remaining(serviceId) >= 30, 'a leased block');
    const ui = await connectUi(kiosk.port);
    cleanup.push(() => ui.close());
    const issued: Ticket[] = [];
    const issue = async (requestId: string) => {
      ui.send({ type: 'ticket.issue', requestId, serviceId, lang: 'vi' });
      issued.push((await ui.next('ticket', (m) => m.requestId === requestId)).ticket);
    };
    for (let i = 0; i < 5; i++) await issue(`before-${i}`);

    await broker.stop();
    await ui.next('connection', (m) => !m.online);
    for (let i = 0; i < 20; i++) await issue(`during-${i}`);
    expect(issued.slice(5).every((t) => t.offline)).toBe(true);

    await broker.start();
    await ui.next('connection', (m) => m.online, 20_000);
    await waitFor(() => kiosk.store.pendingCount() === 0, 'the outbox drained', 30_000);
    for (let i = 0; i < 3; i++) await issue(`after-${i}`);
    expect(issued.slice(-3).every((t) => !t.offline)).toBe(true);

    const rows = server.service.store.db.prepare('SELECT id, number FROM tickets').all() as {
      id: string;
      number: string;
    }[];
    expect(rows).toHaveLength(issued.length);
    expect(new Set(rows.map((r) => r.number)).size).toBe(issued.length);
    for (const t of issued) expect(rows.find((r) => r.id === t.id)?.number).toBe(t.number);
    expect(kiosk.store.failedCount()).toBe(0);
  }, 120_000);
});
