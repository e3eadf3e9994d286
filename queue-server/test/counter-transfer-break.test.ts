/**
 * Transfer to one counter (over real MQTT, a counter device) and the officer's break with a reason
 * (real HTTP), against a real site server and SQLite: refusals change nothing.
 */
import type { ResponseEnvelope } from '@oss/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.ts';
import { type DeviceClient, okResult, signIn, startWithDevices } from './helpers.ts';

let site: Awaited<ReturnType<typeof startWithDevices<'kiosk' | 'counter1'>>>;
let server: RunningServer;
let kiosk: DeviceClient;
let counter1: DeviceClient;
let base: string;
let cookie: string;

/** Tickets and counters as the server holds them: a refusal leaves them as they were. */
const snapshot = () => {
  const { tickets, counters } = server.service.core.state;
  return JSON.stringify([...tickets.values(), ...counters.values()]);
};
const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: base },
    body: JSON.stringify(body),
  });
const refusal = (r: ResponseEnvelope) => (r.ok ? 'accepted' : r.error.code);

beforeAll(async () => {
  site = await startWithDevices({
    kiosk: ['kiosk-1', 'kiosk'],
    counter1: ['counter-1', 'counter', '--counter', 'counter-1'],
  });
  ({ server } = site);
  ({ kiosk, counter1 } = site.devices);
  base = `http://127.0.0.1:${server.httpPort}`;
  cookie = await signIn(base, 'officer2', 'demo-officer');
});

afterAll(() => site?.stop());

describe('transfer to a counter and the break', () => {
  it('a break closes the counter with its reason; an unknown reason is refused by name and changes nothing', async () => {
    expect((await post('/api/counters/counter-2/sign-in', {})).status).toBe(200);
    expect((await post('/api/counters/counter-2/open', {})).status).toBe(200);
    const before = snapshot();
    const bad = await post('/api/counters/counter-2/close', { reason: 'karaoke' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('reason');
    expect(snapshot()).toBe(before);
    expect(server.service.core.state.counters.get('counter-2')!.open).toBe(true);

    const res = await post('/api/counters/counter-2/close', { reason: 'meeting' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { counter: unknown }).counter).toMatchObject({
      open: false,
      breakReason: 'meeting',
    });
    const summary = server.service.summary();
    expect(summary.counters.find((c) => c.counterId === 'counter-2')!.open).toBe(false);
  });

  it('a counter device transfers its ticket to another counter; a closed or unknown one is refused', async () => {
    const issued = await kiosk.request('ticket.issue', { serviceId: 'civil-status' });
    expect(issued.ok).toBe(true);
    const called = await counter1.request('counter.next', { counterId: 'counter-1' });
    const ticketId = okResult<{ ticket: { id: string } }>(called).ticket.id;
    const transfer = (toCounterId: string) =>
      counter1.request('counter.transfer', {
        counterId: 'counter-1',
        ticketId,
        toServiceId: 'civil-status',
        toCounterId,
      });
    const before = snapshot();
    expect(refusal(await transfer('counter-2'))).toBe('unavailable'); // on a break
    expect(refusal(await transfer('counter-99'))).toBe('unknown_counter');
    expect(snapshot()).toBe(before);
    expect(server.service.core.state.tickets.get(ticketId)!.status).toBe('called');

    expect((await post('/api/counters/counter-2/open', {})).status).toBe(200);
    const moved = await transfer('counter-2');
    expect(moved.ok).toBe(true);
    // Counter 1 serves civil status too, but the ticket now waits for counter 2 only.
    const again = await counter1.request('counter.next', { counterId: 'counter-1' });
    expect(okResult<{ ticket: unknown }>(again).ticket).toBeNull();
    const res = await fetch(`${base}/api/actions/counter.next`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: base },
      body: JSON.stringify({ id: 'next-at-2', counterId: 'counter-2' }),
    });
    expect(((await res.json()) as { ticket: { id: string } }).ticket.id).toBe(ticketId);
  });
});
