import { ProtocolError } from '@oss/protocol';
import { describe, expect, it } from 'vitest';
import { QueueCore } from '../queue-core.ts';
import { compileSite } from '../site.ts';
import { idSequence, MINUTE, MONDAY_9AM, testConfig } from './fixtures.ts';

function setup() {
  const core = new QueueCore(compileSite(testConfig()), '2026-11-23');
  const ids = idSequence();
  return { core, ids };
}

describe('offline leases and merging', () => {
  it('gives each kiosk its own band of offline numbers; online numbers stay consecutive', () => {
    const { core, ids } = setup();
    const issue = () =>
      (core.execute({ type: 'issue', serviceId: 'civil-status' }, MONDAY_9AM, ids)[0] as { number: string })
        .number;
    const lease = (deviceId: string, size: number) =>
      core.execute({ type: 'lease', deviceId, serviceId: 'civil-status', size }, MONDAY_9AM, ids)[0];
    expect(issue()).toBe('A001');
    expect(lease('kiosk-1', 20)).toMatchObject({ type: 'lease.granted', from: 501, to: 520, prefix: 'A' });
    expect(lease('kiosk-2', 20)).toMatchObject({ from: 601, to: 620 });
    expect(lease('kiosk-1', 20)).toMatchObject({ from: 521, to: 540 });
    expect([issue(), issue()]).toEqual(['A002', 'A003']);
  });

  it('bounds what a kiosk can take: a hundred numbers a service a day, then refused', () => {
    const { core, ids } = setup();
    const lease = (size: number) =>
      core.decide({ type: 'lease', deviceId: 'kiosk-1', serviceId: 'civil-status', size }, MONDAY_9AM, ids);
    core.apply(lease(200));
    expect(core.state.leases.map((l) => [l.from, l.to])).toEqual([[501, 600]]);
    let refusal: unknown;
    try {
      lease(1);
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toMatchObject({
      code: 'conflict',
      text: { en: expect.stringMatching(/100 offline numbers/) },
    });
  });

  it('online numbering steps over the kiosks’ bands, and a new band starts above every number in use', () => {
    const { core, ids } = setup();
    core.state.lastSeq.A = 499;
    core.execute({ type: 'lease', deviceId: 'kiosk-1', serviceId: 'civil-status', size: 5 }, MONDAY_9AM, ids);
    const numbers = [0, 1].map(
      () =>
        (core.execute({ type: 'issue', serviceId: 'civil-status' }, MONDAY_9AM, ids)[0] as { number: string })
          .number,
    );
    expect(numbers).toEqual(['A500', 'A601']);
    const [band] = core.execute(
      { type: 'lease', deviceId: 'kiosk-2', serviceId: 'civil-status', size: 5 },
      MONDAY_9AM,
      ids,
    );
    expect(band).toMatchObject({ from: 701, to: 705 });
  });

  it('merges an offline ticket at its original time, bounded by the lease and the server clock', () => {
    const { core, ids } = setup();
    core.execute({ type: 'lease', deviceId: 'kiosk-1', serviceId: 'civil-status', size: 5 }, MONDAY_9AM, ids);
    const early = core.execute(
      { type: 'issue', serviceId: 'civil-status' },
      MONDAY_9AM + 5 * MINUTE,
      ids,
    )[0]!;
    const base = { type: 'merge', deviceId: 'kiosk-1', serviceId: 'civil-status' } as const;
    core.execute(
      { ...base, ticketId: 'offline-ticket-0001', seq: 501, issuedAt: MONDAY_9AM + 2 * MINUTE },
      MONDAY_9AM + 10 * MINUTE,
      ids,
    );
    const merged = core.state.tickets.get('offline-ticket-0001')!;
    expect(merged).toMatchObject({ number: 'A501', offline: true, issuedAt: MONDAY_9AM + 2 * MINUTE });
    // Issued before the online ticket, it stands before it in the line.
    expect(core.state.waiting.get('civil-status')![0]).toBe('offline-ticket-0001');
    expect(core.state.waiting.get('civil-status')![1]).toBe((early as { ticketId: string }).ticketId);
    // A kiosk clock in the future or before its lease cannot move a ticket out of bounds.
    core.execute(
      { ...base, ticketId: 'offline-ticket-0002', seq: 502, issuedAt: MONDAY_9AM + 99 * MINUTE },
      MONDAY_9AM + 11 * MINUTE,
      ids,
    );
    core.execute(
      { ...base, ticketId: 'offline-ticket-0003', seq: 503, issuedAt: MONDAY_9AM - 99 * MINUTE },
      MONDAY_9AM + 11 * MINUTE,
      ids,
    );
    expect(core.state.tickets.get('offline-ticket-0002')!.issuedAt).toBe(MONDAY_9AM + 11 * MINUTE);
    expect(core.state.tickets.get('offline-ticket-0003')!.issuedAt).toBe(MONDAY_9AM);
  });

  it('refuses numbers outside the lease, another kiosk’s lease, and duplicates', () => {
    const { core, ids } = setup();
    core.execute({ type: 'lease', deviceId: 'kiosk-1', serviceId: 'civil-status', size: 5 }, MONDAY_9AM, ids);
    const base = { type: 'merge', serviceId: 'civil-status', issuedAt: MONDAY_9AM } as const;
    const attempt = (c: object) => {
      try {
        core.decide({ ...base, ...c } as never, MONDAY_9AM + MINUTE, ids);
        return 'accepted';
      } catch (e) {
        return (e as ProtocolError).code;
      }
    };
    expect(attempt({ deviceId: 'kiosk-1', ticketId: 'offline-ticket-0009', seq: 506 })).toBe('conflict');
    expect(attempt({ deviceId: 'kiosk-2', ticketId: 'offline-ticket-0009', seq: 501 })).toBe('conflict');
    core.execute(
      { ...base, deviceId: 'kiosk-1', ticketId: 'offline-ticket-0001', seq: 501 } as never,
      MONDAY_9AM + MINUTE,
      ids,
    );
    expect(attempt({ deviceId: 'kiosk-1', ticketId: 'offline-ticket-0001', seq: 502 })).toBe('conflict');
    expect(attempt({ deviceId: 'kiosk-1', ticketId: 'offline-ticket-0002', seq: 501 })).toBe('conflict');
    expect(attempt({ deviceId: 'kiosk-1', ticketId: 'offline-ticket-0002', seq: 502 })).toBe('accepted');
  });

  it('a new day voids yesterday’s leases', () => {
    const { core, ids } = setup();
    core.execute({ type: 'lease', deviceId: 'kiosk-1', serviceId: 'civil-status', size: 5 }, MONDAY_9AM, ids);
    const tuesday = Date.parse('2026-11-24T08:00:00+07:00');
    expect(() =>
      core.execute(
        {
          type: 'merge',
          deviceId: 'kiosk-1',
          serviceId: 'civil-status',
          ticketId: 'offline-ticket-0001',
          seq: 501,
          issuedAt: MONDAY_9AM,
        },
        tuesday,
        ids,
      ),
    ).toThrow(ProtocolError);
  });

  it('voids an unanswered issue: its waiting ticket is cancelled, or it never issues', () => {
    const { core, ids } = setup();
    const issue = (requestId: string, deviceId = 'kiosk-1') =>
      core.execute({ type: 'issue', serviceId: 'civil-status', deviceId, requestId }, MONDAY_9AM, ids);
    const voidIt = (requestId: string, deviceId = 'kiosk-1') =>
      core.execute({ type: 'void', deviceId, requestId }, MONDAY_9AM + MINUTE, ids);
    // Issued, then voided while waiting: cancelled, out of the line.
    const issued = issue('r-1')[0] as { ticketId: string };
    expect(voidIt('r-1')).toMatchObject([{ type: 'ticket.cancelled', reason: 'voided' }]);
    expect(core.state.tickets.get(issued.ticketId)!.status).toBe('cancelled');
    expect(core.state.waiting.get('civil-status') ?? []).not.toContain(issued.ticketId);
    expect(voidIt('r-1')).toEqual([]);
    // Voided before it arrived: the late request is refused and issues nothing.
    expect(voidIt('r-2')).toMatchObject([{ type: 'request.voided', deviceId: 'kiosk-1', requestId: 'r-2' }]);
    expect(() => issue('r-2')).toThrow(ProtocolError);
    expect(voidIt('r-2')).toEqual([]);
    // Another kiosk's request with the same id is its own.
    expect(issue('r-2', 'kiosk-2')).toHaveLength(1);
  });

  it('leaves a voided request’s ticket alone once it is called (the citizen may be at the counter)', () => {
    const { core, ids } = setup();
    const issued = core.execute(
      { type: 'issue', serviceId: 'civil-status', deviceId: 'kiosk-1', requestId: 'r-3' },
      MONDAY_9AM,
      ids,
    )[0] as { ticketId: string };
    core.execute({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + MINUTE, ids);
    expect(core.state.tickets.get(issued.ticketId)!.status).toBe('called');
    expect(core.execute({ type: 'void', deviceId: 'kiosk-1', requestId: 'r-3' }, MONDAY_9AM, ids)).toEqual(
      [],
    );
    expect(core.state.tickets.get(issued.ticketId)!.status).toBe('called');
  });

  it('replaying the events rebuilds the voided requests', () => {
    const { core, ids } = setup();
    const events = [
      ...core.execute({ type: 'void', deviceId: 'kiosk-1', requestId: 'r-9' }, MONDAY_9AM, ids),
    ];
    const replayed = new QueueCore(compileSite(testConfig()), '2026-11-23');
    replayed.apply(events);
    expect(() =>
      replayed.execute(
        { type: 'issue', serviceId: 'civil-status', deviceId: 'kiosk-1', requestId: 'r-9' },
        MONDAY_9AM,
        ids,
      ),
    ).toThrow(ProtocolError);
  });
});
