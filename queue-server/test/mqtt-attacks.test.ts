/**
 * Attacks on the embedded broker and the gateway through real MQTT and raw TCP, as found in
 * issue 13: session takeover by client id, unauthenticated memory, wrong-password floods, retained
 * requests, oversized and deeply nested payloads, the language of schema errors.
 */

import { readFileSync } from 'node:fs';
import { type Socket, connect as tcpConnect } from 'node:net';
import { topics } from '@oss/protocol';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/auth/secrets.ts';
import { enroll } from '../src/cli/enroll.ts';
import { readEnv } from '../src/env.ts';
import { silentLogger } from '../src/log.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../src/mqtt/broker.ts';
import type { RunningServer } from '../src/server.ts';
import {
  connectDevice,
  type DeviceClient,
  enrolDevice,
  freePort,
  okResult,
  signIn,
  startTestServer,
  tempDir,
} from './helpers.ts';
import { spawnServer } from './process.ts';

const SITE = 'demo';
const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

type Creds = { username: string; password: string };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connects with a chosen client id; resolves with the client, or the CONNACK refusal code. */
async function tryConnect(
  url: string,
  creds: Creds,
  options: IClientOptions = {},
): Promise<MqttClient | number> {
  return mqtt
    .connectAsync(url, { ...creds, reconnectPeriod: 0, connectTimeout: 10_000, ...options }, false)
    .catch((e: { code?: number; message: string }) => {
      if (typeof e.code === 'number') return e.code;
      throw e;
    });
}

/** Opens a raw TCP connection from `localAddress` (any 127.x.y.z is this machine). */
function rawSocket(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ port, host: '127.0.0.1', localAddress }, () => resolve(s));
    s.once('error', reject);
  });
}

function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.on('error', () => {});
  });
}

/** An MQTT 3.1.1 CONNECT for `creds` with client id `clientId`. */
function connectPacket(clientId: string, creds: Creds): Buffer {
  const str = (s: string) => {
    const b = Buffer.from(s);
    return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  };
  const body = Buffer.concat([
    str('MQTT'),
    Buffer.from([4, 0xc2, 0, 60]), // level 4; username, password, clean session; keep-alive 60 s
    str(clientId),
    str(creds.username),
    str(creds.password),
  ]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

describe('client ids: nobody takes over another’s session', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let display: Creds;
  let kiosk: Creds;
  let counter: Creds;

  beforeAll(async () => {
    dir = tempDir();
    server = await startTestServer(dir.path);
    cleanup.push(
      () => dir.remove(),
      () => server.stop(),
    );
    display = enrolDevice(server, ['display-1', 'display']);
    kiosk = enrolDevice(server, ['kiosk-1', 'kiosk']);
    counter = enrolDevice(server, ['counter-1', 'counter', '--counter', 'counter-1']);
  });

  it('a display with its own credentials cannot take the server’s client id; every kiosk request is answered', async () => {
    const victim = await connectDevice(server.mqttUrl, SITE, kiosk);
    cleanup.push(() => victim.close());
    const leaked: string[] = [];
    const refusals: number[] = [];
    let attempts = 0;
    let stop = false;
    // The attack of issue 13, looped: the server's real id (as if it had leaked) and the old predictable one.
    const attack = (async () => {
      while (!stop) {
        for (const clientId of [server.gateway.clientId, `oss-server-${SITE}`]) {
          const r = await tryConnect(server.mqttUrl, display, { clientId, clean: false });
          attempts++;
          if (typeof r === 'number') refusals.push(r);
          else {
            r.on('message', (_t, payload) => leaked.push(payload.toString()));
            await sleep(200);
            await r.endAsync(true);
          }
        }
      }
    })();
    const answers = [];
    for (let i = 0; i < 30; i++) {
      answers.push(
        await victim.request('ticket.issue', {
          serviceId: 'civil-status',
          citizen: { birthDate: '1950-01-01', idNumber: `0010500${String(i).padStart(5, '0')}` },
        }),
      );
      while (attempts < i / 5) await sleep(20); // the takeover attempts go on all along
    }
    stop = true;
    await attack;
    // No pending request (with its CCCD number) reached the attacker: queued or live.
    expect(leaked).toEqual([]);
    expect(attempts).toBeGreaterThanOrEqual(6);
    expect(refusals).toEqual(Array(attempts).fill(2)); // CONNACK: identifier rejected, every time
    expect(answers.filter((a) => a.ok)).toHaveLength(30);
    expect(server.gateway.connected).toBe(true);
    expect((await fetch(`http://127.0.0.1:${server.httpPort}/api/health`)).status).toBe(200);
  });

  it('a counter agent’s id is its own: a display cannot kick it off, the counter keeps working', async () => {
    const agent = await tryConnect(server.mqttUrl, counter, { clientId: 'oss-agent-counter-1' });
    if (typeof agent === 'number') throw new Error(`agent refused: ${agent}`);
    cleanup.push(() => agent.endAsync(true));
    let kicked = false;
    agent.on('close', () => (kicked = true));
    expect(await tryConnect(server.mqttUrl, display, { clientId: 'oss-agent-counter-1' })).toBe(2);
    // Reserved even while the counter is away: nobody squats it before the agent comes back.
    expect(await tryConnect(server.mqttUrl, display, { clientId: 'oss-agent-kiosk-9' })).toBe(2);
    await sleep(300);
    expect(kicked).toBe(false);
    expect(agent.connected).toBe(true);
  });

  it('a device takes over its own session, keeps its queued answers, and may use any free id', async () => {
    const own = { clientId: 'kiosk-1-tablet', clean: false } as const;
    const first = await tryConnect(server.mqttUrl, kiosk, own);
    if (typeof first === 'number') throw new Error(`refused: ${first}`);
    await first.subscribeAsync(`${topics.devicePrefix(SITE, 'kiosk-1')}res/#`, { qos: 1 });
    // Its session is stored: another device cannot claim the id, connected or not.
    expect(await tryConnect(server.mqttUrl, display, own)).toBe(2);
    const firstClosed = new Promise((r) => first.once('close', r));
    // Normal MQTT: the same credentials and id take the session over.
    const second = await tryConnect(server.mqttUrl, kiosk, own);
    if (typeof second === 'number') throw new Error(`refused: ${second}`);
    await firstClosed;
    // A request sent just before going away; its answer is queued in the session.
    await second.publishAsync(
      topics.request(SITE, 'kiosk-1', 'ticket.issue'),
      JSON.stringify({ id: 'queued-1', serviceId: 'land' }),
      { qos: 1 },
    );
    await second.endAsync(true);
    const answered = () =>
      server.service.store.db
        .prepare("SELECT count(*) AS n FROM requests WHERE request_id = 'queued-1'")
        .get();
    await expect.poll(answered, { timeout: 5000 }).toEqual({ n: 1 });
    expect(await tryConnect(server.mqttUrl, display, own)).toBe(2);
    const third = await tryConnect(server.mqttUrl, kiosk, own);
    if (typeof third === 'number') throw new Error(`refused: ${third}`);
    const queued = await new Promise<string>((resolve) =>
      third.on('message', (_t, p) => resolve(p.toString())),
    );
    expect(JSON.parse(queued)).toMatchObject({ id: 'queued-1', ok: true });
    await third.endAsync(true);
    // Any id nobody holds is fine, for a display too.
    const random = await tryConnect(server.mqttUrl, display, { clientId: `any-tool-${Date.now()}` });
    expect(typeof random).not.toBe('number');
    if (typeof random !== 'number') await random.endAsync(true);
  });
});
