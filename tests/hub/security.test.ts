/**
 * The hub's rules attacked through its real broker: per-site credentials, a site feeds only as itself,
 * reads only its own acks, cannot take another's session; batches are stored once, in order, and
 * only with the schema's fields.
 */
import type { RunningHub } from '@oss/hub';
import { type FeedAck, type FeedBatch, hubTopics } from '@oss/protocol';
import { tempDir, waitFor } from '@oss/tests';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolAt, startTestHub } from './harness.ts';

let hub: RunningHub;
const dir = tempDir('oss-hub-sec-');
const creds: Record<string, { username: string; password: string }> = {};
const clients: MqttClient[] = [];

beforeAll(async () => {
  hub = await startTestHub(dir.path);
  for (const site of ['demo', 'other']) creds[site] = (await enrolAt(hub, site)).creds;
}, 240_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await hub?.stop();
  dir.remove();
});

async function connectAs(site: string, clientId = `${site}-${Math.random().toString(36).slice(2, 8)}`) {
  const client = await mqtt.connectAsync(hub.mqttUrl, { ...creds[site], clientId, reconnectPeriod: 0 });
  clients.push(client);
  return client;
}

function batch(site: string, from: number, to: number, extra: object = {}): FeedBatch {
  const events = [];
  for (let seq = from; seq <= to; seq++)
    events.push({
      type: 'counter.opened' as const,
      seq,
      at: 1_790_000_000_000 + seq,
      counterId: 'counter-1',
      ...extra,
    });
  return { v: 1, site, from, to, events };
}

/** Publishes a batch and waits for the ack it gets (or none within `ms`). */
async function send(client: MqttClient, site: string, body: object, ms = 15_000): Promise<FeedAck | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage);
      resolve(null);
    }, ms);
    const onMessage = (topic: string, payload: Buffer) => {
      if (topic !== hubTopics.ack(site)) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(JSON.parse(payload.toString()) as FeedAck);
    };
    client.on('message', onMessage);
    client.publish(hubTopics.feed(site), JSON.stringify(body), { qos: 1 });
  });
}

async function held(site: string): Promise<number[]> {
  const rows = await hub.store.db.query<{ seq: number }>(
    'SELECT seq FROM events WHERE site = $1 ORDER BY seq',
    [site],
  );
  return rows.map((r) => r.seq);
}

describe('the hub broker and ingest', () => {
  it('refuses a wrong password and an unknown site', async () => {
    await expect(
      mqtt.connectAsync(hub.mqttUrl, { username: 'demo', password: 'wrong', reconnectPeriod: 0 }),
    ).rejects.toThrow();
    await expect(
      mqtt.connectAsync(hub.mqttUrl, {
        username: 'nobody',
        password: creds.demo!.password,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow();
  });

  it('stores a batch once, acks after storing, and refuses a gap', async () => {
    const demo = await connectAs('demo');
    await demo.subscribeAsync(hubTopics.ack('demo'), { qos: 1 });
    expect(await send(demo, 'demo', batch('demo', 1, 3))).toEqual({ v: 1, upTo: 3 });
    expect(await send(demo, 'demo', batch('demo', 1, 3))).toEqual({ v: 1, upTo: 3 });
    expect(await send(demo, 'demo', batch('demo', 2, 4))).toEqual({ v: 1, upTo: 4 });
    // A batch after a gap is not stored: the ack tells the site where the hub is.
    expect(await send(demo, 'demo', batch('demo', 9, 10))).toEqual({ v: 1, upTo: 4 });
    expect(await held('demo')).toEqual([1, 2, 3, 4]);
  });

  it('refuses a batch with a field the schema does not name, such as a citizen number', async () => {
    const demo = await connectAs('demo');
    await demo.subscribeAsync(hubTopics.ack('demo'), { qos: 1 });
    expect(await send(demo, 'demo', batch('demo', 5, 5, { idNumber: '079150017064' }), 3000)).toBeNull();
    expect(await send(demo, 'demo', { ...batch('demo', 5, 5), v: 99 }, 3000)).toBeNull();
    expect(await send(demo, 'demo', Buffer.from('not json'), 3000)).toBeNull();
    expect(await held('demo')).toEqual([1, 2, 3, 4]);
    expect(hub.ingest.counters.refused).toBeGreaterThanOrEqual(3);
  });

  it('a site cannot feed under another site’s id', async () => {
    const before = await held('demo');
    // On the other's topic: the broker refuses the publish and drops the connection.
    const other = await connectAs('other');
    const closed = new Promise((resolve) => other.once('close', () => resolve(null)));
    other.publish(hubTopics.feed('demo'), JSON.stringify(batch('demo', 5, 6)), { qos: 1 });
    await closed;
    // On its own topic, naming the other site in the payload: the ingest refuses it.
    const other2 = await connectAs('other');
    await other2.subscribeAsync(hubTopics.ack('other'), { qos: 1 });
    expect(await send(other2, 'other', batch('demo', 5, 6), 3000)).toBeNull();
    expect(await held('demo')).toEqual(before);
    expect(await held('other')).toEqual([]);
  });

  it('a site reads only its own acks', async () => {
    const other = await connectAs('other');
    await expect(other.subscribeAsync(hubTopics.ack('demo'), { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await expect(other.subscribeAsync('oss/v1/+/hub/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    expect((await other.subscribeAsync(hubTopics.ack('other'), { qos: 1 }))[0]?.qos).toBe(1);
  });

  it('a site cannot take over another site’s session or the hub’s', async () => {
    const demo = await connectAs('demo', 'feed-of-demo');
    await expect(
      mqtt.connectAsync(hub.mqttUrl, { ...creds.other, clientId: 'feed-of-demo', reconnectPeriod: 0 }),
    ).rejects.toThrow();
    await expect(
      mqtt.connectAsync(hub.mqttUrl, { ...creds.other, clientId: 'oss-hub-ingest-x', reconnectPeriod: 0 }),
    ).rejects.toThrow();
    expect(demo.connected).toBe(true);
  });

  it('re-enrolling a site revokes its old secret and drops its connection', async () => {
    const old = creds.other!;
    const client = await connectAs('other');
    const closed = new Promise((resolve) => client.once('close', () => resolve(null)));
    creds.other = (await enrolAt(hub, 'other')).creds;
    await closed;
    await expect(mqtt.connectAsync(hub.mqttUrl, { ...old, reconnectPeriod: 0 })).rejects.toThrow();
    await waitFor(async () => (await connectAs('other')).connected, 'the new secret to work');
  });
});
