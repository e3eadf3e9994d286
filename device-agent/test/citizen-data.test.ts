/**
 * What of a scanned citizen leaves the kiosk: every byte the kiosk agent sends the broker goes
 * through a TCP tap; a ticket taken with a scanned CCCD carries only the birth date (online, and
 * later as the offline ticket's merge), never the ID number, the old CMND number or the name; the
 * agent's SQLite files (outbox, leases, cache, WAL) hold none of them either.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { sampleCitizen } from '@oss/hardware';
import type { RunningServer } from '@oss/queue-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHandle, startAgent } from '../src/agent.ts';
import { silentLogger } from '../src/log.ts';
import { qrTextOf } from '../src/sim.ts';
import { agentConfig, connectUi, enrolDevice, freePort, startSite, tempDir, waitFor } from './helpers.ts';

/** Made-up citizens (no real person), both ≥ 60 so that the birth date matters. */
const CITIZENS = [
  sampleCitizen({ idNumber: '001050007064', birthDate: '1950-01-02', fullName: 'Phạm Thị Hoà Bình' }),
  sampleCitizen({ idNumber: '079048001234', birthDate: '1948-03-04', fullName: 'Lê Văn Tám Bí Mật' }),
];
const OLD_CMND = '125478963';

/** A TCP relay to the broker that keeps what the client sends; `down()` cuts it, `up()` reopens it. */
function mqttTap(port: number, brokerPort: number) {
  const sent: Buffer[] = [];
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const relay = (client: Socket) => {
    const broker = connect(brokerPort, '127.0.0.1');
    for (const s of [client, broker]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        client.destroy();
        broker.destroy();
        sockets.delete(s);
      });
    }
    client.on('data', (d: Buffer) => {
      sent.push(d);
      broker.write(d);
    });
    broker.pipe(client);
  };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    sent: () => Buffer.concat(sent).toString('utf8'),
    up: () =>
      new Promise<void>((resolve) => {
        server = createServer(relay);
        server.listen(port, '127.0.0.1', resolve);
      }),
    down: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server ? server.close(() => resolve()) : resolve();
        server = null;
      }),
  };
}

function secretsOf(citizen: (typeof CITIZENS)[number]): string[] {
  return [citizen.idNumber, citizen.fullName, citizen.fullName.normalize('NFD'), OLD_CMND];
}

describe("a scanned citizen's data at the kiosk", () => {
  const dir = tempDir();
  let server: RunningServer;
  let kiosk: AgentHandle;
  let tap: ReturnType<typeof mqttTap>;

  beforeAll(async () => {
    server = await startSite(`${dir.path}/server`);
    tap = mqttTap(await freePort(), Number(new URL(server.mqttUrl).port));
    await tap.up();
    const credentials = { ...enrolDevice(server, ['kiosk-cd', 'kiosk']), mqttUrl: tap.url };
    kiosk = await startAgent(agentConfig(server, credentials, { offline: { leaseSize: 5, renewBelow: 1 } }), {
      simulate: true,
      log: silentLogger,
      port: 0,
      dataDir: `${dir.path}/kiosk`,
      issueTimeoutMs: 1000,
    });
    await waitFor(
      () => kiosk.link.connected && (kiosk.leases?.remaining('civil-status') ?? 0) > 0,
      'online, leased',
    );
  });

  afterAll(async () => {
    await kiosk?.stop();
    await tap?.down();
    await server?.stop();
    dir.remove();
  });

  it('only the birth date goes to the server, online and from the offline outbox; none is on disk', async () => {
    const ui = await connectUi(kiosk.port);
    const take = async (requestId: string, citizen: (typeof CITIZENS)[number]) => {
      kiosk.scan(qrTextOf({ ...citizen, oldIdNumber: OLD_CMND }));
      await ui.next('identity', (m) => m.identity.birthDate === citizen.birthDate);
      ui.send({ type: 'ticket.issue', requestId, serviceId: 'civil-status', lang: 'vi', useIdentity: true });
      return ui.next('ticket', (m) => m.requestId === requestId);
    };

    const online = await take('online', CITIZENS[0]!);
    expect(online.ticket.offline).toBeUndefined();
    expect(online.ticket.priority).toBe('elderly');
    const citizenFields = () =>
      [...tap.sent().matchAll(/"citizen":(\{[^}]*\})/g)].map((m) => JSON.parse(m[1]!));
    expect(citizenFields()).toEqual([{ birthDate: CITIZENS[0]!.birthDate }]);

    await tap.down();
    await ui.next('connection', (m) => !m.online);
    const offline = await take('offline', CITIZENS[1]!);
    expect(offline.ticket.offline).toBe(true);
    expect(kiosk.store.pendingCount()).toBe(1);
    const files = readdirSync(`${dir.path}/kiosk`).map((f) => join(dir.path, 'kiosk', f));
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
    const disk = files.map((f) => readFileSync(f).toString('utf8')).join('\n');
    expect(disk).toContain(CITIZENS[1]!.birthDate); // the merge waits in the outbox with it
    for (const secret of CITIZENS.flatMap(secretsOf)) expect(disk).not.toContain(secret);

    await tap.up();
    await waitFor(() => kiosk.store.pendingCount() === 0, 'the outbox drained');
    const sent = tap.sent();
    expect(sent).toContain(`"birthDate":"${CITIZENS[1]!.birthDate}"`);
    for (const secret of CITIZENS.flatMap(secretsOf)) expect(sent).not.toContain(secret);
    ui.close();
  });
});
