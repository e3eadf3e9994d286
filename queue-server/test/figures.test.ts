/**
 * The figures a manager signs (issue 15) through real MQTT, HTTP and SQLite: ratings credited to the
 * citizen who was served, ticket numbering and bounded leases, counters open only with staff, one
 * wait estimate per service.
 */
import type { ResponseEnvelope } from '@oss/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.ts';
import { type DeviceClient, okResult, startWithDevices } from './helpers.ts';

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

describe('ratings', () => {
  it('next, next, rate: the first ticket has the rating, the second none; once per ticket', async () => {
    const issue = async () =>
      okResult<{ ticket: { id: string } }>(await kiosk.request('ticket.issue', { serviceId: 'civil-status' }))
        .ticket.id;
    const first = await issue();
    const second = await issue();
    okResult(await counter1.request('counter.next', { counterId: 'counter-1' }));
    const called = okResult<{ ticket: { id: string } }>(
      await counter1.request('counter.next', { counterId: 'counter-1' }),
    );
    expect(called.ticket.id).toBe(second);

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
