/**
 * The figures a manager signs (issue 15) through real MQTT, HTTP and SQLite: ratings credited to the
 * citizen who was served, ticket numbering and bounded leases, counters open only with staff, one
 * wait estimate per service.
 */
import type { QueueSummary, ResponseEnvelope } from '@oss/protocol';
import { waitFor } from '@oss/tests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.ts';
import {
  connectDevice,
  type DeviceClient,
  enrolDevice,
  okResult,
  signIn,
  startWithDevices,
} from './helpers.ts';

let server: RunningServer;
let stop: () => Promise<void>;
let kiosk: DeviceClient;
let counter1: DeviceClient;
let counter2: DeviceClient;

beforeAll(async () => {
  const site = await startWithDevices({
    kiosk: ['kiosk-1', 'kiosk'],
    counter1: ['desk-1', 'counter', '--counter', 'counter-1'],
    counter2: ['desk-2', 'counter', '--counter', 'counter-2'],
  });
  ({ server, stop } = site);
  ({ kiosk, counter1, counter2 } = site.devices);
});

afterAll(() => stop?.());

const storedRatings = () =>
  server.service.store.db.prepare('SELECT ticket_id AS ticketId, score FROM ratings').all() as {
    ticketId: string | null;
    score: number;
  }[];

function refusal(r: ResponseEnvelope): { code: string; en: string } {
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.result)}`);
  return { code: r.error.code, en: r.error.text?.en ?? r.error.message };
}

const base = () => `http://127.0.0.1:${server.httpPort}`;
const queue = async () => (await (await fetch(`${base()}/api/queue`)).json()) as QueueSummary;
const counterOpen = async (id: string) => (await queue()).counters.find((c) => c.counterId === id)!.open;

describe('counters are open only while someone serves at them', () => {
  it('a fresh start has no open counter: every service says so, no 0-minute wait, no board tile ready', async () => {
    okResult(await kiosk.request('ticket.issue', { serviceId: 'civil-status' }));
    const q = await queue();
    expect(q.counters.filter((c) => c.open)).toEqual([]);
    for (const s of q.services) expect(s).toMatchObject({ countersOpen: 0, noCounterOpen: true });
    expect(q.services.find((s) => s.serviceId === 'civil-status')!.etaMinutes).toBeGreaterThan(0);
    const status = await (await fetch(`${base()}/`)).text();
    expect(status).toContain('chưa có quầy phục vụ');
  });

  it('a counter device in use opens its counter, and closes it when it goes offline', async () => {
    const device = await connectDevice(
      server.mqttUrl,
      'demo',
      enrolDevice(server, ['desk-5', 'counter', '--counter', 'counter-5']),
      { kind: 'counter' },
    );
    expect(await counterOpen('counter-5')).toBe(false);
    okResult(await device.request('counter.next', { counterId: 'counter-5' }));
    expect(await counterOpen('counter-5')).toBe(true);
    // Gone without a goodbye: the broker publishes its last will.
    device.client.stream.destroy();
    await waitFor(async () => !(await counterOpen('counter-5')), 'counter-5 closed');
    await device.close().catch(() => {});
  });

  it('officer sessions: sign-in opens, another officer ends the first one’s session, sign-out closes', async () => {
    const act = (cookie: string, path: string, body?: object) =>
      fetch(`${base()}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', origin: base() },
        body: JSON.stringify(body ?? {}),
      });
    const one = await signIn(base(), 'officer1', 'demo-officer');
    const two = await signIn(base(), 'officer2', 'demo-officer');
    expect((await act(one, '/api/counters/counter-4/sign-in')).status).toBe(200);
    expect(await counterOpen('counter-4')).toBe(true);
    expect((await act(two, '/api/counters/counter-4/sign-in')).status).toBe(200);
    okResult(await kiosk.request('ticket.issue', { serviceId: 'construction' }));
    const called = await act(two, '/api/actions/counter.next', { counterId: 'counter-4' });
    const ticketId = ((await called.json()) as { ticket: { id: string } }).ticket.id;
    expect(server.service.core.state.tickets.get(ticketId)!.officerId).toBe('officer2');
    expect((await act(two, '/api/counters/counter-4/sign-out')).status).toBe(200);
    expect(await counterOpen('counter-4')).toBe(false);
  });
});

describe('ratings', () => {
  it('next, next, rate: the first ticket has the rating, the second none; once per ticket', async () => {
    for (let i = 0; i < 2; i++) okResult(await kiosk.request('ticket.issue', { serviceId: 'civil-status' }));
    const next = async () =>
      okResult<{ ticket: { id: string } }>(await counter1.request('counter.next', { counterId: 'counter-1' }))
        .ticket.id;
    const first = await next();
    const second = await next();
    expect(second).not.toBe(first);

    const payload = JSON.stringify({ id: 'rate-1', counterId: 'counter-1', score: 1 });
    const rated = await counter1.requestRaw('rating.submit', payload, 'rate-1');
    expect(rated.ok).toBe(true);
    expect(storedRatings()).toEqual([{ ticketId: first, score: 1 }]);

    // The same request id again: the same answer, no second rating.
    expect(await counter1.requestRaw('rating.submit', payload, 'rate-1')).toEqual(rated);
    // A new press: refused, and the newly called citizen gets nothing.
    const again = await counter1.request('rating.submit', { counterId: 'counter-1', score: 5 });
    expect(refusal(again)).toMatchObject({
      code: 'conflict',
      en: expect.stringMatching(/already been rated/),
    });
    const named = await counter1.request('rating.submit', {
      counterId: 'counter-1',
      ticketId: first,
      score: 5,
    });
    expect(refusal(named).code).toBe('conflict');
    expect(storedRatings()).toEqual([{ ticketId: first, score: 1 }]);
  });

  it('is refused at a counter that served nobody, however often it is pressed', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await counter2.request('rating.submit', { counterId: 'counter-2', score: 5 });
      expect(refusal(r)).toMatchObject({ code: 'conflict', en: expect.stringMatching(/served nobody/) });
    }
    expect(storedRatings().length).toBe(1);
  });
});

describe('ticket numbers and leases', () => {
  it('online numbers stay consecutive around leases; a kiosk takes at most its hundred', async () => {
    const issue = async () =>
      okResult<{ ticket: { number: string } }>(await kiosk.request('ticket.issue', { serviceId: 'land' }))
        .ticket.number;
    const lease = () => kiosk.request('lease.request', { serviceId: 'land', size: 200 });
    const first = await issue();
    const granted = okResult<{ lease: { prefix: string; from: number; to: number } }>(await lease());
    expect(granted.lease).toMatchObject({ from: 501, to: 600 });
    expect(refusal(await lease())).toMatchObject({
      code: 'conflict',
      en: expect.stringMatching(/100 offline/),
    });
    const second = await issue();
    const seq = (n: string) => Number(n.slice(granted.lease.prefix.length));
    expect(seq(second)).toBe(seq(first) + 1);
  });
});

describe('officer sessions end when the console is gone or the officer idle', () => {
  it('signs out a console that stopped polling, and an officer who stopped acting; later work is credited to nobody', async () => {
    let t = Date.parse('2026-11-23T09:00:00+07:00');
    const site = await startWithDevices(
      { desk: ['desk-6', 'counter', '--counter', 'counter-6'], kiosk: ['kiosk-9', 'kiosk'] },
      {},
      { clock: () => t },
    );
    try {
      const url = `http://127.0.0.1:${site.server.httpPort}`;
      const cookie = await signIn(url, 'officer3', 'demo-officer');
      const post = (path: string) =>
        fetch(`${url}${path}`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json', origin: url },
          body: '{}',
        });
      const poll = () => fetch(`${url}/api/counters/counter-6/console`, { headers: { cookie } });
      const officer = () => site.server.service.core.state.counters.get('counter-6')!.officerId;
      const minutes = (n: number) => {
        t += n * 60_000;
        site.server.service.tick();
      };

      // The browser was closed: no poll for 4 minutes.
      expect((await post('/api/counters/counter-6/sign-in')).status).toBe(200);
      minutes(2);
      expect(officer()).toBe('officer3');
      minutes(2);
      expect(officer()).toBeNull();

      // The console stays open (it polls every minute) but the officer left: idle after 45 minutes.
      expect((await post('/api/counters/counter-6/sign-in')).status).toBe(200);
      for (let i = 0; i < 22; i++) {
        expect((await poll()).status).toBe(200);
        minutes(2);
      }
      expect(officer()).toBe('officer3');
      for (let i = 0; i < 2; i++) {
        await poll();
        minutes(2);
      }
      expect(officer()).toBeNull();
      expect(site.server.service.core.state.counters.get('counter-6')!.open).toBe(false);

      // The counter device serves on: those tickets carry no officer.
      okResult(await site.devices.kiosk.request('ticket.issue', { serviceId: 'business' }));
      const called = okResult<{ ticket: { id: string } }>(
        await site.devices.desk.request('counter.next', { counterId: 'counter-6' }),
      );
      expect(site.server.service.core.state.tickets.get(called.ticket.id)!.officerId).toBeUndefined();
    } finally {
      await site.stop();
    }
  });
});
