/** The device protocol over real MQTT (embedded aedes broker) against a real site server and SQLite. */
import { type CallMessage, type QueueSummary, type ResponseEnvelope, topics } from '@oss/protocol';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.ts';
import {
  connectDevice,
  type DeviceClient,
  enrolDevice,
  nextMessage,
  okResult,
  startTestServer,
  tempDir,
} from './helpers.ts';

const SITE = 'demo';
let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let kiosk: DeviceClient;
let counter1: DeviceClient;
let counter8: DeviceClient;

const eventCount = () =>
  (server.service.store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
const ticketCount = () =>
  (server.service.store.db.prepare('SELECT count(*) AS n FROM tickets').get() as { n: number }).n;
const ok = (r: ResponseEnvelope) => okResult(r);

beforeAll(async () => {
  dir = tempDir();
  server = await startTestServer(dir.path);
  const creds = (args: string[]) => enrolDevice(server, args);
  kiosk = await connectDevice(server.mqttUrl, SITE, creds(['kiosk-1', 'kiosk']));
  counter1 = await connectDevice(
    server.mqttUrl,
    SITE,
    creds(['counter-1', 'counter', '--counter', 'counter-1']),
  );
  counter8 = await connectDevice(
    server.mqttUrl,
    SITE,
    creds(['desk-8', 'counter', '--counter', 'counter-8']),
  );
});

afterAll(async () => {
  await Promise.all([kiosk, counter1, counter8].map((d) => d?.close()));
  await server?.stop();
  dir?.remove();
});

describe('device protocol over MQTT', () => {
  it('issues a ticket, calls it to a counter and announces the call', async () => {
    const issued = ok(await kiosk.request('ticket.issue', { serviceId: 'civil-status', lang: 'vi' }));
    const ticket = issued.ticket as unknown as Record<string, unknown>;
    expect(ticket).toMatchObject({
      serviceId: 'civil-status',
      priority: 'normal',
      status: 'waiting',
      ahead: 0,
    });
    expect(ticket.number).toMatch(/^A\d{3}$/);
    expect(ticket.issuedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+07:00$/);
    expect(String(ticket.id).length).toBeGreaterThanOrEqual(20);

    await counter1.client.subscribeAsync(topics.calls(SITE), { qos: 1 });
    const call = nextMessage<CallMessage>(
      counter1.client,
      topics.calls(SITE),
      (c) => c.ticketId === ticket.id,
    );
    const next = ok(await counter1.request('counter.next', { counterId: 'counter-1' }));
    expect(next.ticket).toMatchObject({ id: ticket.id, status: 'called', counterId: 'counter-1' });
    expect(await call).toMatchObject({
      number: ticket.number,
      counterId: 'counter-1',
      serviceId: 'civil-status',
      recall: false,
    });

    const recall = nextMessage<CallMessage>(counter1.client, topics.calls(SITE), (c) => c.recall);
    ok(await counter1.request('counter.recall', { counterId: 'counter-1' }));
    expect((await recall).ticketId).toBe(ticket.id);

    ok(await counter1.request('counter.start', { counterId: 'counter-1', ticketId: ticket.id }));
    const done = ok(
      await counter1.request('counter.finish', { counterId: 'counter-1', ticketId: ticket.id }),
    );
    expect(done.ticket).toMatchObject({ status: 'done' });
    const rating = ok(
      await counter1.request('rating.submit', { counterId: 'counter-1', ticketId: ticket.id, score: 5 }),
    );
    expect(typeof rating.ratingId).toBe('string');
  });

  it('gives the elderly class from a birth date and transfers keeping the issue time', async () => {
    const issued = ok(
      await kiosk.request('ticket.issue', {
        serviceId: 'land',
        citizen: { birthDate: '1950-05-01', idNumber: '001050012345' },
      }),
    );
    const ticket = issued.ticket as unknown as { id: string; priority: string; issuedAt: string };
    expect(ticket.priority).toBe('elderly');
    const row = server.service.store.db
      .prepare('SELECT citizen_hash, citizen_masked, data FROM tickets WHERE id = ?')
      .get(ticket.id) as {
      citizen_hash: string;
      citizen_masked: string;
      data: string;
    };
    expect(row.citizen_masked).toBe('********2345');
    expect(row.citizen_hash).not.toContain('001050012345');
    expect(row.data).not.toContain('001050012345');
    // counter-8 serves land among others; take it there and move it to social.
    const called = ok(await counter8.request('counter.next', { counterId: 'counter-8' }));
    const calledTicket = called.ticket as unknown as { id: string };
    const moved = ok(
      await counter8.request('counter.transfer', {
        counterId: 'counter-8',
        ticketId: calledTicket.id,
        toServiceId: 'social',
      }),
    );
    expect(moved.ticket).toMatchObject({ status: 'waiting', serviceId: 'social' });
    if (calledTicket.id === ticket.id)
      expect((moved.ticket as unknown as { issuedAt: string }).issuedAt).toBe(ticket.issuedAt);
  });

  it('answers a repeated request id with the same response and no second effect', async () => {
    const payload = JSON.stringify({ id: 'same-id-1', serviceId: 'certification' });
    const first = await kiosk.requestRaw('ticket.issue', payload, 'same-id-1');
    const before = ticketCount();
    const second = await kiosk.requestRaw('ticket.issue', payload, 'same-id-1');
    expect(second).toEqual(first);
    expect(ticketCount()).toBe(before);
  });

  it('publishes the retained queue summary', async () => {
    const watcher = await mqtt
      .connectAsync(server.mqttUrl, {
        username: 'desk-8',
        password: 'wrong',
        reconnectPeriod: 0,
      })
      .catch((e: Error) => e);
    expect(watcher).toBeInstanceOf(Error); // bad password refused
    const summary = nextMessage<QueueSummary>(counter8.client, topics.queue(SITE));
    await counter8.client.subscribeAsync(topics.queue(SITE), { qos: 1 });
    const s = await summary;
    expect(s.services.map((x) => x.serviceId)).toContain('civil-status');
    expect(s.at).toMatch(/\+07:00$/);
  });
});

describe('bad input changes nothing', () => {
  const cases: [string, string, DeviceClient | (() => DeviceClient), string | null, string][] = [];
  const k = () => kiosk;
  const c1 = () => counter1;
  // action, payload, device, expected id, expected code
  cases.push(['ticket.issue', 'not json', k, null, 'invalid_request']);
  cases.push(['ticket.issue', '{"serviceId":"land"}', k, null, 'invalid_request']);
  cases.push(['ticket.issue', '{"id":"","serviceId":"land"}', k, null, 'invalid_request']);
  cases.push(['ticket.issue', `{"id":"${'x'.repeat(65)}","serviceId":"land"}`, k, null, 'invalid_request']);
  cases.push(['ticket.issue', '[1,2]', k, null, 'invalid_request']);
  cases.push(['ticket.issue', '{"id":"b1"}', k, 'b1', 'invalid_request']);
  cases.push(['ticket.issue', '{"id":"b2","serviceId":42}', k, 'b2', 'invalid_request']);
  cases.push(['ticket.issue', '{"id":"b3","serviceId":"nope"}', k, 'b3', 'unknown_service']);
  cases.push(['ticket.issue', '{"id":"b4","serviceId":"land","priority":"vip"}', k, 'b4', 'invalid_request']);
  cases.push([
    'ticket.issue',
    '{"id":"b5","serviceId":"land","citizen":{"birthDate":"1950-13-45x"}}',
    k,
    'b5',
    'invalid_request',
  ]);
  cases.push(['ticket.issue', '{"id":"b6","serviceId":"land","extra":true}', k, 'b6', 'invalid_request']);
  cases.push(['ticket.issue', '{"id":"b7","serviceId":"land"}', c1, 'b7', 'forbidden']);
  cases.push(['no.such.action', '{"id":"b8"}', k, 'b8', 'invalid_request']);
  cases.push(['counter.next', '{"id":"b9"}', c1, 'b9', 'invalid_request']);
  cases.push(['counter.next', '{"id":"b10","counterId":"counter-2"}', c1, 'b10', 'forbidden']);
  cases.push(['counter.next', '{"id":"b11","counterId":"counter-1"}', k, 'b11', 'forbidden']);
  cases.push(['counter.recall', '{"id":"b12","counterId":"counter-1"}', c1, 'b12', 'conflict']);
  cases.push(['counter.recall', '{"id":"b13","counterId":7}', c1, 'b13', 'invalid_request']);
  cases.push([
    'counter.start',
    '{"id":"b14","counterId":"counter-1","ticketId":"nope"}',
    c1,
    'b14',
    'not_found',
  ]);
  cases.push([
    'counter.finish',
    '{"id":"b15","counterId":"counter-1","ticketId":"nope"}',
    c1,
    'b15',
    'not_found',
  ]);
  cases.push([
    'counter.finish',
    '{"id":"b16","counterId":"counter-1","ticketId":"x","outcome":"lost"}',
    c1,
    'b16',
    'invalid_request',
  ]);
  cases.push([
    'counter.transfer',
    '{"id":"b17","counterId":"counter-1","ticketId":"x"}',
    c1,
    'b17',
    'invalid_request',
  ]);
  cases.push([
    'counter.transfer',
    '{"id":"b18","counterId":"counter-1","ticketId":"x","toServiceId":"nope"}',
    c1,
    'b18',
    'unknown_service',
  ]);
  cases.push([
    'rating.submit',
    '{"id":"b19","counterId":"counter-1","score":6}',
    c1,
    'b19',
    'invalid_request',
  ]);
  cases.push([
    'rating.submit',
    '{"id":"b20","counterId":"counter-1","score":4,"ticketId":"nope"}',
    c1,
    'b20',
    'not_found',
  ]);
  cases.push(['rating.submit', '{"id":"b21","counterId":"counter-2","score":4}', c1, 'b21', 'forbidden']);
  cases.push([
    'emotion.submit',
    '{"id":"b26","counterId":"counter-1","ticketId":"x","satisfaction":1.5,"confidence":0.5,"frames":1,"facesFound":1,"model":"m"}',
    c1,
    'b26',
    'invalid_request',
  ]);
  cases.push([
    'emotion.submit',
    '{"id":"b27","counterId":"counter-1","ticketId":"x","satisfaction":0.5,"confidence":0.5,"frames":1,"facesFound":1,"model":"m"}',
    k,
    'b27',
    'forbidden',
  ]);
  cases.push([
    'emotion.submit',
    '{"id":"b28","counterId":"counter-1","ticketId":"x","satisfaction":0.5,"confidence":0.5,"frames":1,"facesFound":1,"model":"m","image":"AAAA"}',
    c1,
    'b28',
    'invalid_request',
  ]);
  cases.push(['lease.request', '{"id":"b22","serviceId":"land","size":0}', k, 'b22', 'invalid_request']);
  cases.push(['lease.request', '{"id":"b23","serviceId":"land","size":5}', c1, 'b23', 'forbidden']);
  cases.push([
    'ticket.merge',
    '{"id":"b24","ticketId":"short","serviceId":"land","seq":1,"issuedAt":"2026-11-23T08:00:00+07:00"}',
    k,
    'b24',
    'invalid_request',
  ]);
  cases.push([
    'ticket.merge',
    '{"id":"b25","ticketId":"aaaaaaaaaaaaaaaaaaaa","serviceId":"land","seq":999,"issuedAt":"2026-11-23T08:00:00+07:00"}',
    k,
    'b25',
    'conflict',
  ]);

  cases.push(['ticket.void', '{"id":"b29"}', k, 'b29', 'invalid_request']);
  cases.push(['ticket.void', '{"id":"b30","requestId":"r-1"}', c1, 'b30', 'forbidden']);

  it.each(cases)('%s %s → %s', async (action, payload, device, id, code) => {
    const d = typeof device === 'function' ? device() : device;
    const before = { events: eventCount(), tickets: ticketCount() };
    const response = await d.requestRaw(action, payload, id);
    expect(response.ok).toBe(false);
    if (!response.ok) {
      expect(response.error.code).toBe(code);
      expect(response.error.message.length).toBeGreaterThan(3);
    }
    expect({ events: eventCount(), tickets: ticketCount() }).toEqual(before);
  });

  it('drops a device that publishes on another device’s topic, and the server still serves others', async () => {
    const before = eventCount();
    const closed = new Promise<void>((resolve) => counter8.client.once('close', () => resolve()));
    counter8.client.publish(
      topics.request(SITE, 'kiosk-1', 'ticket.issue'),
      JSON.stringify({ id: 'spoof', serviceId: 'land' }),
      {
        qos: 1,
      },
    );
    await closed;
    expect(eventCount()).toBe(before);
    const fine = await kiosk.request('ticket.issue', { serviceId: 'business' });
    expect(fine.ok).toBe(true);
  });
});
