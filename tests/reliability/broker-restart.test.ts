/**
 * A real Mosquitto restarts under a live site: a kiosk agent keeps issuing from its leased numbers while
 * the broker is down, reconnects by itself, and its outbox drains; every ticket is stored exactly once.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SERVER_USERNAME, type Ticket } from '@oss/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { type AgentHandle, startAgent } from '../../device-agent/src/agent.ts';
import { silentLogger as agentLog } from '../../device-agent/src/log.ts';
import { agentConfig, connectUi, waitFor } from '../../device-agent/test/helpers.ts';
import { enroll } from '../../queue-server/src/cli/enroll.ts';
import { mosquittoAcl, mosquittoConf } from '../../queue-server/src/mqtt/mosquitto.ts';
import type { RunningServer } from '../../queue-server/src/server.ts';
import { freePort, startTestServer, tempDir, testEnv } from '../../queue-server/test/helpers.ts';

const run = promisify(execFile);
const hasMosquitto = await run('which', ['mosquitto', 'mosquitto_passwd']).then(
  () => true,
  () => false,
);
if (!hasMosquitto && process.env.CI) throw new Error('CI must install mosquitto');

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function waitForPort(port: number, open = true): Promise<void> {
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(open);
        }).once('error', () => resolve(!open));
      }),
    `port ${port} ${open ? 'open' : 'closed'}`,
  );
}

describe.skipIf(!hasMosquitto)('broker restart', () => {
  it('a kiosk issues through a Mosquitto restart; nothing is lost or duplicated', async () => {
    const dir = tempDir('oss-broker-restart-');
    cleanup.push(() => dir.remove());
    const port = await freePort();
    const url = `mqtt://127.0.0.1:${port}`;
    const [passwords, acl, conf] = ['passwd', 'acl', 'mosquitto.conf'].map((f) => join(dir.path, f)) as [
      string,
      string,
      string,
    ];
    writeFileSync(passwords, '');
    writeFileSync(acl, mosquittoAcl('demo'));
    writeFileSync(conf, mosquittoConf({ port, passwordFile: passwords, aclFile: acl }));
    const data = join(dir.path, 'server');
    const credentials = enroll(['kiosk-r', 'kiosk'], testEnv(data, { OSS_MQTT_URL: url }));
    await run('mosquitto_passwd', ['-b', passwords, SERVER_USERNAME, 'server-secret']);
    await run('mosquitto_passwd', ['-b', passwords, credentials.username, credentials.password]);
    for (const f of [dir.path, passwords, acl, conf]) chmodSync(f, f === dir.path ? 0o755 : 0o644);
    let broker: ChildProcess = spawn('mosquitto', ['-c', conf]);
    cleanup.push(() => broker.kill('SIGTERM'));
    await waitForPort(port);

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

    broker.kill('SIGTERM');
    await waitForPort(port, false);
    await ui.next('connection', (m) => !m.online);
    for (let i = 0; i < 20; i++) await issue(`during-${i}`);
    expect(issued.slice(5).every((t) => t.offline)).toBe(true);

    broker = spawn('mosquitto', ['-c', conf]);
    await waitForPort(port);
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
