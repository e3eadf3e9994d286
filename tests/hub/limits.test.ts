/**
 * The hub broker's limits (the site broker's own code, `@oss/queue-server/mqtt-limits`) attacked
 * through real MQTT and raw TCP: an oversized CONNECT and an oversized feed batch are dropped on the
 * wire, a silent socket is closed after the CONNECT timeout, connections are capped per address, in
 * all and by rate, and wrong passwords for a site make it wait.
 */
import type { Socket } from 'node:net';
import type { RunningHub } from '@oss/hub';
import { type FeedBatch, hubTopics } from '@oss/protocol';
import { closedWithin, connectPacket, rawSocket } from '@oss/queue-server/testing';
import { tempDir } from '@oss/tests';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolAt, startTestHub } from './harness.ts';

let hub: RunningHub;
let port: number;
const dir = tempDir('oss-hub-limits-');
let demo: { username: string; password: string };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  hub = await startTestHub(
    dir.path,
    {},
    {
      brokerLimits: {
        maxPacketBytes: 64 * 1024,
        connectTimeoutMs: 1500,
        maxConnections: 12,
        maxConnectionsPerAddress: 4,
        connectBurst: 20,
        connectsPerSecond: 0.05,
        failuresPerDevice: 2,
        failuresPerAddress: 1000,
      },
    },
  );
  port = Number(new URL(hub.mqttUrl).port);
  demo = (await enrolAt(hub, 'demo')).creds;
}, 240_000);

afterAll(async () => {
  await hub?.stop();
  dir.remove();
});

function batch(from: number, to: number): FeedBatch {
  const events = [];
  for (let seq = from; seq <= to; seq++)
    events.push({ type: 'counter.opened' as const, seq, at: Date.now(), counterId: `counter-${seq}` });
  return { v: 1, site: 'demo', from, to, events };
}

/** Publishes a batch; resolves with the ack's `upTo`, or `closed` if the broker dropped the link. */
function send(client: MqttClient, body: FeedBatch): Promise<number | 'closed'> {
  return new Promise((resolve) => {
    client.once('close', () => resolve('closed'));
    client.on('message', (topic, payload) => {
      if (topic === hubTopics.ack('demo')) resolve((JSON.parse(payload.toString()) as { upTo: number }).upTo);
    });
    client.publish(hubTopics.feed('demo'), JSON.stringify(body), { qos: 1 });
  });
}

async function connectDemo(): Promise<MqttClient> {
  const client = await mqtt.connectAsync(hub.mqttUrl, {
    ...demo,
    clientId: 'oss-feed-demo',
    reconnectPeriod: 0,
  });
  await client.subscribeAsync(hubTopics.ack('demo'), { qos: 1 });
  return client;
}

/** A raw CONNECT from its own address; the CONNACK's return code (-1 if the broker closed instead). */
async function connack(creds: { username: string; password: string }): Promise<number> {
  const s = await rawSocket(port, '127.0.0.10');
  const code = new Promise<number>((resolve) => {
    s.once('data', (d: Buffer) => resolve(d[3] ?? -1));
    s.once('close', () => resolve(-1));
  });
  s.write(connectPacket(`guess-${Math.random().toString(36).slice(2, 8)}`, creds));
  const result = await code;
  s.destroy();
  return result;
}

describe('the hub broker’s limits', () => {
  it('a CONNECT announcing 256 MiB is dropped at once; a silent socket is closed after the timeout', async () => {
    const silent = await rawSocket(port, '127.0.0.2');
    const big = await rawSocket(port, '127.0.0.2');
    big.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f])); // CONNECT, remaining length 268 435 455
    expect(await closedWithin(big, 5000)).toBe(true);
    expect(await closedWithin(silent, 20_000)).toBe(true);
  });

  it('a feed batch over the packet limit drops the site’s connection and stores nothing', async () => {
    const first = await connectDemo();
    const oversized = batch(1, 1000);
    expect(JSON.stringify(oversized).length).toBeGreaterThan(64 * 1024);
    expect(await send(first, oversized)).toBe('closed');
    await first.endAsync(true);
    expect((await hub.store.findSite('demo'))?.last_seq).toBe(0);
    const second = await connectDemo();
    expect(await send(second, batch(1, 100))).toBe(100);
    await second.endAsync(true);
  });

  describe('connections', () => {
    /** Opens `n` sockets from `address`; says how many the broker closed at once. */
    async function open(n: number, address: string): Promise<{ sockets: Socket[]; refused: number }> {
      const sockets = await Promise.all(Array.from({ length: n }, () => rawSocket(port, address)));
      const closed = await Promise.all(sockets.map((s) => closedWithin(s, 500)));
      return { sockets, refused: closed.filter(Boolean).length };
    }
    const shut = async (sockets: Socket[]) => {
      for (const s of sockets) s.destroy();
      await sleep(200);
    };

    it('caps connections per address', async () => {
      const a = await open(6, '127.0.0.3');
      expect(a.refused).toBe(2);
      const b = await open(4, '127.0.0.4'); // another address is not affected
      expect(b.refused).toBe(0);
      await shut([...a.sockets, ...b.sockets]);
    });

    it('caps the rate of new connections from an address', async () => {
      let refused = 0;
      for (let round = 0; round < 6; round++) {
        const r = await open(4, '127.0.0.5');
        refused += r.refused;
        await shut(r.sockets);
      }
      expect(refused).toBeGreaterThanOrEqual(3); // 24 asked, a burst of 20, one more per 20 s
    });

    it('caps connections in all', async () => {
      const opened = await Promise.all(
        ['127.0.0.6', '127.0.0.7', '127.0.0.8', '127.0.0.9'].map((a) => open(4, a)),
      );
      // 12 at most, one held by the hub's own ingest: at least 16 - 11 refused.
      expect(opened.reduce((n, o) => n + o.refused, 0)).toBeGreaterThanOrEqual(5);
      await shut(opened.flatMap((o) => o.sockets));
    });
  });

  it('after wrong passwords a site must wait: even its right password is refused for a while', async () => {
    // Each checked failure past the threshold (2) doubles the wait: 1 s, 2 s, 4 s, then 8 s.
    let checked = 0;
    let unchecked = 0;
    while (checked < 5) {
      const code = await connack({ username: 'demo', password: `wrong-${checked}` });
      if (code === 4) checked++;
      else if (code === 5) {
        unchecked++;
        await sleep(1000); // each try spends one of the address’s 20 connections
      } else throw new Error(`unexpected CONNACK ${code}`);
    }
    expect(unchecked).toBeGreaterThan(0);
    expect(await connack(demo)).toBe(5);
  });
});
