import { ProtocolError } from '@oss/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyEventInPlace } from '../apply.ts';
import type { Command } from '../command.ts';
import { predictWait } from '../eta.ts';
import { QueueCore } from '../queue-core.ts';
import { compileSite } from '../site.ts';
import { crossCheck } from '../site-config.ts';
import { emptyState, type QueueEvent } from '../state.ts';
import { consoleWaiting } from '../views.ts';
import { idSequence, MINUTE, MONDAY_9AM, testConfig } from './fixtures.ts';

function newCore(overrides = {}, policy?: string) {
  const site = compileSite(testConfig(overrides), policy);
  return new QueueCore(site, '2026-11-23');
}

describe('queue core', () => {
  let core: QueueCore;
  let ids: () => string;
  let log: QueueEvent[];
  const run = (command: Command, at = MONDAY_9AM) => {
    const events = core.execute(command, at, ids);
    log.push(...events);
    return events;
  };
  const issue = (serviceId = 'civil-status', at = MONDAY_9AM, extra: Partial<Command> = {}) =>
    run({ type: 'issue', serviceId, ...extra } as Command, at).find(
      (e) => e.type === 'ticket.issued',
    ) as Extract<QueueEvent, { type: 'ticket.issued' }>;

  beforeEach(() => {
    core = newCore();
    ids = idSequence();
    log = [];
  });

  it('numbers tickets per prefix, from 001', () => {
    expect(issue('civil-status').number).toBe('A001');
    expect(issue('civil-status').number).toBe('A002');
    expect(issue('land').number).toBe('B001');
  });

  it('walks the whole lifecycle and records every transition time', () => {
    const a = issue('civil-status', MONDAY_9AM);
    run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + 2 * MINUTE);
    expect(core.state.tickets.get(a.ticketId)).toMatchObject({ status: 'called', counterId: 'counter-1' });
    run({ type: 'recall', counterId: 'counter-1' }, MONDAY_9AM + 3 * MINUTE);
    run({ type: 'start', counterId: 'counter-1', ticketId: a.ticketId }, MONDAY_9AM + 4 * MINUTE);
    run(
      { type: 'finish', counterId: 'counter-1', ticketId: a.ticketId, outcome: 'done' },
      MONDAY_9AM + 10 * MINUTE,
    );
    const t = core.state.tickets.get(a.ticketId)!;
    expect(t).toMatchObject({
      status: 'done',
      issuedAt: MONDAY_9AM,
      firstCalledAt: MONDAY_9AM + 2 * MINUTE,
      calledAt: MONDAY_9AM + 3 * MINUTE,
      startedAt: MONDAY_9AM + 4 * MINUTE,
      finishedAt: MONDAY_9AM + 10 * MINUTE,
      recalls: 1,
    });
    expect(core.state.counters.get('counter-1')!.currentTicketId).toBeNull();
    expect(core.state.serviceTimes.get('civil-status')).toEqual({
      n: 1,
      meanMinutes: 6,
      byHour: { 9: { n: 1, meanMinutes: 6 } },
    });
  });

  it('counter.next finishes the previous ticket as done and calls the next', () => {
    const a = issue();
    const b = issue();
    run({ type: 'next', counterId: 'counter-1' });
    const events = run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + MINUTE);
    expect(events.map((e) => e.type)).toEqual(['ticket.finished', 'ticket.called']);
    expect(core.state.tickets.get(a.ticketId)!.status).toBe('done');
    expect(core.state.tickets.get(b.ticketId)!.status).toBe('called');
    expect(run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + 2 * MINUTE).map((e) => e.type)).toEqual(
      ['ticket.finished'],
    );
  });

  it('marks no-shows and refuses no-show for a ticket already being served', () => {
    const a = issue();
    run({ type: 'next', counterId: 'counter-1' });
    run({ type: 'finish', counterId: 'counter-1', ticketId: a.ticketId, outcome: 'no_show' });
    expect(core.state.tickets.get(a.ticketId)!.status).toBe('no_show');
    const b = issue();
    run({ type: 'next', counterId: 'counter-1' });
    run({ type: 'start', counterId: 'counter-1', ticketId: b.ticketId });
    expect(() =>
      run({ type: 'finish', counterId: 'counter-1', ticketId: b.ticketId, outcome: 'no_show' }),
    ).toThrow(ProtocolError);
  });

  it('transfers keep the original issue time and the place it gives', () => {
    const land1 = issue('land', MONDAY_9AM);
    issue('civil-status', MONDAY_9AM + MINUTE);
    const land2 = issue('land', MONDAY_9AM + 2 * MINUTE);
    run({ type: 'next', counterId: 'counter-2' }, MONDAY_9AM + 3 * MINUTE);
    run(
      { type: 'transfer', counterId: 'counter-2', ticketId: land1.ticketId, toServiceId: 'civil-status' },
      MONDAY_9AM + 5 * MINUTE,
    );
    const moved = core.state.tickets.get(land1.ticketId)!;
    expect(moved).toMatchObject({ status: 'waiting', serviceId: 'civil-status', issuedAt: MONDAY_9AM });
    expect(moved.counterId).toBeUndefined();
    // Issued first, it goes to the head of its new line.
    expect(core.state.waiting.get('civil-status')![0]).toBe(land1.ticketId);
    expect(core.state.waiting.get('land')).toEqual([land2.ticketId]);
    expect(core.state.counters.get('counter-2')!.currentTicketId).toBeNull();
  });

  it('transfers to one counter: only that counter calls it, first; refused for a closed or unknown counter', () => {
    const a = issue('civil-status', MONDAY_9AM);
    const b = issue('civil-status', MONDAY_9AM + MINUTE);
    run({ type: 'next', counterId: 'counter-3' }, MONDAY_9AM + 2 * MINUTE);
    run({ type: 'open', counterId: 'counter-1' });
    const refusal = (command: Command) => {
      try {
        core.decide(command, MONDAY_9AM + 3 * MINUTE, ids);
      } catch (e) {
        return (e as ProtocolError).code;
      }
      return 'accepted';
    };
    const to = (toCounterId: string, toServiceId = 'civil-status') =>
      ({ type: 'transfer', counterId: 'counter-3', ticketId: a.ticketId, toServiceId, toCounterId }) as const;
    expect(refusal(to('counter-9'))).toBe('unknown_counter');
    expect(refusal(to('counter-2'))).toBe('unavailable'); // closed
    run({ type: 'open', counterId: 'counter-2' });
    expect(refusal(to('counter-2'))).toBe('invalid_request'); // serves land only
    expect(refusal(to('counter-3'))).toBe('conflict'); // the counter it is at
    // The same service, to counter 1: counter 3 (which serves civil status too) never calls it.
    run(to('counter-1'), MONDAY_9AM + 4 * MINUTE);
    expect(core.state.tickets.get(a.ticketId)).toMatchObject({
      status: 'waiting',
      forCounterId: 'counter-1',
    });
    const c = issue('civil-status', MONDAY_9AM + 5 * MINUTE);
    // Consoles: first at counter 1 (it calls it next), last and kept for counter 1 at counter 3.
    const listed = (counterId: string) =>
      consoleWaiting(core.site, core.state, counterId, MONDAY_9AM + 5 * MINUTE)
        .find((w) => w.serviceId === 'civil-status')!
        .tickets.map((t) => [t.id, t.forCounter?.number ?? null]);
    expect(listed('counter-1')).toEqual([
      [a.ticketId, 1],
      [b.ticketId, null],
      [c.ticketId, null],
    ]);
    expect(listed('counter-3')).toEqual([
      [b.ticketId, null],
      [c.ticketId, null],
      [a.ticketId, 1],
    ]);
    run({ type: 'next', counterId: 'counter-3' }, MONDAY_9AM + 6 * MINUTE);
    expect(core.state.counters.get('counter-3')!.currentTicketId).toBe(b.ticketId);
    run({ type: 'next', counterId: 'counter-3' }, MONDAY_9AM + 7 * MINUTE);
    expect(core.state.counters.get('counter-3')!.currentTicketId).toBe(c.ticketId);
    run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + 8 * MINUTE);
    expect(core.state.tickets.get(a.ticketId)).toMatchObject({ status: 'called', counterId: 'counter-1' });
    expect(core.state.tickets.get(a.ticketId)!.forCounterId).toBeUndefined();
  });

  it('a counter that closes gives the tickets transferred to it back to their line', () => {
    const a = issue('civil-status');
    run({ type: 'open', counterId: 'counter-1' });
    run({ type: 'next', counterId: 'counter-3' });
    run({
      type: 'transfer',
      counterId: 'counter-3',
      ticketId: a.ticketId,
      toServiceId: 'civil-status',
      toCounterId: 'counter-1',
    });
    run({ type: 'close', counterId: 'counter-1', reason: 'meeting' });
    expect(core.state.counters.get('counter-1')).toMatchObject({ open: false, breakReason: 'meeting' });
    expect(core.state.tickets.get(a.ticketId)!.forCounterId).toBeUndefined();
    run({ type: 'next', counterId: 'counter-3' }, MONDAY_9AM + MINUTE);
    expect(core.state.counters.get('counter-3')!.currentTicketId).toBe(a.ticketId);
    run({ type: 'open', counterId: 'counter-1' });
    expect(core.state.counters.get('counter-1')!.breakReason).toBeNull();
  });

  it('refuses actions in the wrong state with a code, and changes nothing', () => {
    const a = issue();
    const before = JSON.stringify([...core.state.tickets.values()]);
    const refusals: [Command, string][] = [
      [{ type: 'recall', counterId: 'counter-1' }, 'conflict'],
      [{ type: 'start', counterId: 'counter-1', ticketId: a.ticketId }, 'conflict'],
      [{ type: 'finish', counterId: 'counter-1', ticketId: a.ticketId, outcome: 'done' }, 'conflict'],
      [{ type: 'finish', counterId: 'counter-1', ticketId: 'nope', outcome: 'done' }, 'not_found'],
      [{ type: 'next', counterId: 'counter-9' }, 'unknown_counter'],
      [{ type: 'issue', serviceId: 'nope' }, 'unknown_service'],
      [{ type: 'issue', serviceId: 'civil-status', priority: 'vip' }, 'invalid_request'],
      [{ type: 'issue', serviceId: 'land', procedureId: 'birth-registration' }, 'invalid_request'],
      [{ type: 'transfer', counterId: null, ticketId: a.ticketId, toServiceId: 'nope' }, 'unknown_service'],
      [{ type: 'rate', counterId: 'counter-1', ticketId: a.ticketId, score: 5 }, 'conflict'],
    ];
    for (const [command, code] of refusals) {
      let error: unknown;
      try {
        core.decide(command, MONDAY_9AM, ids);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(command)).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code, JSON.stringify(command)).toBe(code);
      expect((error as ProtocolError).text.vi.length).toBeGreaterThan(0);
    }
    expect(JSON.stringify([...core.state.tickets.values()])).toBe(before);
  });

  it('gives the elderly class from the birth date (60 on the issue date) and keeps a weightier declared one', () => {
    expect(issue('civil-status', MONDAY_9AM, { birthDate: '1966-11-23' } as never).priority).toBe('elderly');
    expect(issue('civil-status', MONDAY_9AM, { birthDate: '1966-11-24' } as never).priority).toBe('normal');
    const declared = issue('civil-status', MONDAY_9AM, {
      priority: 'disabled',
      birthDate: '1950-01-01',
    } as never);
    expect(declared.priority).toBe('disabled');
    expect(declared.priorityBasis).toBe('declared');
    expect(issue('civil-status', MONDAY_9AM, { birthDate: '1950-01-01' } as never).priorityBasis).toBe(
      'birth-date',
    );
  });

  it('serves priority tickets sooner but never starves normal ones (max-wait guard)', () => {
    const normal = issue('civil-status', MONDAY_9AM);
    const elderly = issue('civil-status', MONDAY_9AM + MINUTE, { priority: 'elderly' } as never);
    run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + 2 * MINUTE);
    expect(core.state.counters.get('counter-1')!.currentTicketId).toBe(elderly.ticketId);

    // A stream of priority arrivals twice as fast as the counter cannot hold the normal ticket for ever:
    // from its deadline (issue + 30 min) only tickets with an earlier deadline (issue + 30/13 min for
    // the elderly, weight 4 at strength 4) may still go first, a bounded set.
    let t = MONDAY_9AM + 3 * MINUTE;
    while (core.state.tickets.get(normal.ticketId)!.status === 'waiting' && t < MONDAY_9AM + 120 * MINUTE) {
      issue('civil-status', t, { priority: 'elderly' } as never);
      issue('civil-status', t, { priority: 'elderly' } as never);
      run({ type: 'next', counterId: 'counter-1' }, t + MINUTE);
      t += 2 * MINUTE;
    }
    const normalCalled = core.state.tickets.get(normal.ticketId)!.firstCalledAt!;
    expect(normalCalled - MONDAY_9AM).toBeGreaterThan(30 * MINUTE);
    expect(normalCalled - MONDAY_9AM).toBeLessThanOrEqual(60 * MINUTE);
    const normalDeadline = MONDAY_9AM + 30 * MINUTE;
    for (const other of core.state.tickets.values()) {
      if (other.priority !== 'elderly' || other.firstCalledAt === undefined) continue;
      if (other.firstCalledAt > normalDeadline && other.firstCalledAt <= normalCalled)
        expect(other.issuedAt + (30 / 13) * MINUTE).toBeLessThan(normalDeadline);
    }
  });

  it('strict priority starves normal tickets under the same stream (why the default guards)', () => {
    core = newCore({}, 'strict');
    const normal = issue('civil-status', MONDAY_9AM);
    for (let t = MONDAY_9AM + MINUTE; t < MONDAY_9AM + 60 * MINUTE; t += 2 * MINUTE) {
      issue('civil-status', t, { priority: 'elderly' } as never);
      issue('civil-status', t, { priority: 'elderly' } as never);
      run({ type: 'next', counterId: 'counter-1' }, t + MINUTE);
    }
    expect(core.state.tickets.get(normal.ticketId)!.status).toBe('waiting');
  });

  it('fifo calls in arrival order whatever the class', () => {
    core = newCore({}, 'fifo');
    const first = issue('civil-status', MONDAY_9AM);
    issue('civil-status', MONDAY_9AM + MINUTE, { priority: 'elderly' } as never);
    run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + 2 * MINUTE);
    expect(core.state.counters.get('counter-1')!.currentTicketId).toBe(first.ticketId);
  });

  it('at equal waits counters prefer their first service; a much longer wait elsewhere wins', () => {
    const civil = issue('civil-status', MONDAY_9AM);
    const land = issue('land', MONDAY_9AM);
    run({ type: 'next', counterId: 'counter-3' }, MONDAY_9AM + 2 * MINUTE);
    expect(core.state.counters.get('counter-3')!.currentTicketId).toBe(land.ticketId);
    run({ type: 'next', counterId: 'counter-3' }, MONDAY_9AM + 3 * MINUTE);
    expect(core.state.counters.get('counter-3')!.currentTicketId).toBe(civil.ticketId);
    const oldCivil = issue('civil-status', MONDAY_9AM + 4 * MINUTE);
    issue('land', MONDAY_9AM + 14 * MINUTE);
    run({ type: 'next', counterId: 'counter-3' }, MONDAY_9AM + 15 * MINUTE);
    expect(core.state.counters.get('counter-3')!.currentTicketId).toBe(oldCivil.ticketId);
  });

  it('predicts waits from people ahead, counters and service time, as a range', () => {
    run({ type: 'sign-in', counterId: 'counter-1', officerId: 'officer-a' });
    run({ type: 'sign-in', counterId: 'counter-3', officerId: 'officer-c' });
    const tickets = Array.from({ length: 5 }, (_, i) => issue('civil-status', MONDAY_9AM + i * 1000));
    // Both civil-status counters are idle: the first tickets are served at once.
    const first = core.ticket(tickets[0]!.ticketId, MONDAY_9AM + 5000)!;
    expect(first.ahead).toBe(0);
    expect(first.etaMinutes).toBe(0);
    const last = core.ticket(tickets[4]!.ticketId, MONDAY_9AM + 5000)!;
    expect(last.ahead).toBe(4);
    expect(last.etaMinutes).toBeGreaterThan(first.etaMinutes);
    expect(last.etaRange!.low).toBeLessThanOrEqual(last.etaMinutes);
    expect(last.etaRange!.high).toBeGreaterThanOrEqual(last.etaMinutes);
    // Closing a counter makes the same position slower.
    run({ type: 'close', counterId: 'counter-3' }, MONDAY_9AM + 6000);
    expect(core.ticket(tickets[4]!.ticketId, MONDAY_9AM + 6000)!.etaMinutes).toBeGreaterThan(last.etaMinutes);
  });

  it('computes KPIs: waits, share within target, officers, ratings', () => {
    run({ type: 'sign-in', counterId: 'counter-1', officerId: 'officer-a' });
    const a = issue('civil-status', MONDAY_9AM);
    const b = issue('civil-status', MONDAY_9AM);
    run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + 10 * MINUTE);
    run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + 20 * MINUTE);
    run(
      { type: 'finish', counterId: 'counter-1', ticketId: b.ticketId, outcome: 'done' },
      MONDAY_9AM + 24 * MINUTE,
    );
    run({ type: 'rate', counterId: 'counter-1', ticketId: a.ticketId, score: 5 }, MONDAY_9AM + 25 * MINUTE);
    run({ type: 'rate', counterId: 'counter-1', score: 2 }, MONDAY_9AM + 25 * MINUTE);
    issue('land', MONDAY_9AM + 20 * MINUTE);
    const k = core.kpis(MONDAY_9AM + 40 * MINUTE);
    expect(k.issued).toBe(3);
    expect(k.served).toBe(2);
    const civil = k.services.find((s) => s.serviceId === 'civil-status')!;
    expect(civil).toMatchObject({
      called: 2,
      meanWaitMinutes: 15,
      maxWaitMinutes: 20,
      withinTargetShare: 0.5,
    });
    const land = k.services.find((s) => s.serviceId === 'land')!;
    expect(land).toMatchObject({ waiting: 1, maxWaitMinutes: 20, withinTargetShare: 0 });
    expect(k.officers).toEqual([
      expect.objectContaining({
        officerId: 'officer-a',
        served: 2,
        meanServiceMinutes: 7,
        ratings: 2,
        satisfiedShare: 0.5,
      }),
    ]);
    // The second rating, without a ticket id, went to the last ticket finished at the counter.
    expect(core.state.ratings[1]!.ticketId).toBe(b.ticketId);
  });

  describe('ratings go to the citizen who was served', () => {
    const rate = (at: number, ticketId?: string) =>
      run({ type: 'rate', counterId: 'counter-1', score: 1, ...(ticketId ? { ticketId } : {}) }, at);
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ProtocolError).text.en;
      }
      return 'accepted';
    };

    it('next, next, rate: the first ticket has the rating, the newly called one none', () => {
      const a = issue();
      const b = issue();
      run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + MINUTE);
      run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + 8 * MINUTE);
      rate(MONDAY_9AM + 9 * MINUTE);
      expect(core.state.ratings.map((r) => r.ticketId)).toEqual([a.ticketId]);
      // A second press is refused: one rating per ticket, never spilling onto the next citizen.
      expect(refusal(() => rate(MONDAY_9AM + 9 * MINUTE))).toMatch(/already been rated/);
      expect(core.state.ratings.some((r) => r.ticketId === b.ticketId)).toBe(false);
    });

    it('goes to the ticket being served, and to a called one once the window has passed', () => {
      const a = issue();
      const b = issue();
      run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + MINUTE);
      run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + 8 * MINUTE);
      run({ type: 'start', counterId: 'counter-1', ticketId: b.ticketId }, MONDAY_9AM + 9 * MINUTE);
      rate(MONDAY_9AM + 9 * MINUTE);
      expect(core.state.ratings.at(-1)!.ticketId).toBe(b.ticketId);
      expect(a.ticketId).not.toBe(b.ticketId);
      const c = issue();
      run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + 20 * MINUTE);
      rate(MONDAY_9AM + 30 * MINUTE);
      expect(core.state.ratings.at(-1)!.ticketId).toBe(c.ticketId);
    });

    it('is refused at a counter that served nobody, and for a ticket not served there', () => {
      expect(refusal(() => rate(MONDAY_9AM))).toMatch(/served nobody/);
      const a = issue();
      expect(refusal(() => rate(MONDAY_9AM, a.ticketId))).toMatch(/not served at this counter/);
      run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + MINUTE);
      run(
        { type: 'finish', counterId: 'counter-1', ticketId: a.ticketId, outcome: 'no_show' },
        MONDAY_9AM + 2 * MINUTE,
      );
      expect(refusal(() => rate(MONDAY_9AM + 2 * MINUTE, a.ticketId))).toMatch(/not served/);
      expect(refusal(() => rate(MONDAY_9AM + 2 * MINUTE))).toMatch(/served nobody/);
      expect(core.state.ratings).toEqual([]);
    });
  });

  it('restarts numbering on a new local day and closes what the old day left', () => {
    const a = issue('civil-status', MONDAY_9AM);
    issue('civil-status', MONDAY_9AM);
    run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + MINUTE);
    // 00:05 on Tuesday in Hà Nội is still Monday in UTC: the site's zone decides.
    const tuesday = Date.parse('2026-11-24T00:05:00+07:00');
    const t = issue('civil-status', tuesday);
    expect(t.number).toBe('A001');
    expect(core.state.day).toBe('2026-11-24');
    expect(core.state.tickets.has(a.ticketId)).toBe(false);
    const closing = log.filter((e) => e.at === tuesday).map((e) => e.type);
    expect(closing).toEqual(['ticket.finished', 'ticket.cancelled', 'day.started', 'ticket.issued']);
  });

  it('refuses tickets outside opening hours when they are enforced', () => {
    core = newCore({ enforceOpeningHours: true });
    expect(() => issue('civil-status', Date.parse('2026-11-23T06:00:00+07:00'))).toThrow(/opening hours/);
    expect(() => issue('civil-status', Date.parse('2026-11-22T09:00:00+07:00'))).toThrow(/opening hours/); // Sunday
    expect(issue('civil-status', MONDAY_9AM).number).toBe('A001');
  });

  it('rebuilds the same state by replaying the stored events', () => {
    issue('civil-status');
    const b = issue('land', MONDAY_9AM + MINUTE, { priority: 'elderly' } as never);
    run({ type: 'next', counterId: 'counter-2' }, MONDAY_9AM + 2 * MINUTE);
    run({ type: 'rate', counterId: 'counter-2', score: 4 });
    run({ type: 'transfer', counterId: 'counter-2', ticketId: b.ticketId, toServiceId: 'civil-status' });
    const replayed = log.reduce(applyEventInPlace, emptyState('2026-11-23', core.site.config.counters));
    expect(replayed.tickets).toEqual(core.state.tickets);
    expect(replayed.waiting).toEqual(core.state.waiting);
    expect(replayed.ratings).toEqual(core.state.ratings);
    expect(replayed.lastSeq).toEqual(core.state.lastSeq);
  });

  it('the summary counts waiting tickets and open counters per service', () => {
    issue('land');
    issue('land');
    run({ type: 'next', counterId: 'counter-2' });
    run({ type: 'sign-in', counterId: 'counter-3', officerId: 'officer-c' });
    const s = core.summary(MONDAY_9AM);
    expect(s.at).toBe('2026-11-23T09:00:00.000+07:00');
    expect(s.services.find((x) => x.serviceId === 'land')).toMatchObject({
      waiting: 1,
      countersOpen: 2,
      lastCalled: 'B001',
    });
    expect(s.counters.find((c) => c.counterId === 'counter-2')).toMatchObject({
      currentNumber: 'B001',
      currentStatus: 'called',
    });
  });
});

describe('counters are open only while someone serves at them', () => {
  const core = () => newCore();
  const ids = idSequence();

  it('a fresh day has no open counter: every service says so instead of a 0-minute wait', () => {
    const c = core();
    c.execute({ type: 'issue', serviceId: 'civil-status' }, MONDAY_9AM, ids);
    const s = c.summary(MONDAY_9AM);
    expect(s.counters.every((x) => !x.open)).toBe(true);
    for (const service of s.services)
      expect(service).toMatchObject({ countersOpen: 0, noCounterOpen: true, overTarget: false });
    expect(s.services[0]!.etaMinutes).toBeGreaterThan(0);
    const [ticket] = c.state.waiting.get('civil-status')!;
    expect(c.ticket(ticket!, MONDAY_9AM)).toMatchObject({ noCounterOpen: true });
  });

  it('opens with a sign-in or a call; closes when the officer signs out or the device goes offline', () => {
    const c = core();
    const open = () => c.state.counters.get('counter-1')!.open;
    c.execute({ type: 'sign-in', counterId: 'counter-1', officerId: 'officer-a' }, MONDAY_9AM, ids);
    expect(open()).toBe(true);
    expect(c.summary(MONDAY_9AM).services[0]).toMatchObject({ countersOpen: 1, noCounterOpen: false });
    // The officer is signed in: the device going away does not close the counter.
    expect(c.execute({ type: 'device-offline', counterId: 'counter-1' }, MONDAY_9AM, ids)).toEqual([]);
    c.execute({ type: 'sign-out', counterId: 'counter-1' }, MONDAY_9AM, ids);
    expect(open()).toBe(false);
    // A counter device in use (a call from it) opens it, until it goes offline.
    c.execute({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM, ids);
    expect(open()).toBe(true);
    c.execute({ type: 'device-offline', counterId: 'counter-1' }, MONDAY_9AM, ids);
    expect(open()).toBe(false);
  });

  it('another officer signing in ends the first one’s session, and tickets carry who served them', () => {
    const c = core();
    for (let i = 0; i < 2; i++) c.execute({ type: 'issue', serviceId: 'civil-status' }, MONDAY_9AM, ids);
    c.execute({ type: 'sign-in', counterId: 'counter-1', officerId: 'officer-a' }, MONDAY_9AM, ids);
    const [calledA] = c.execute({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM, ids);
    const events = c.execute(
      { type: 'sign-in', counterId: 'counter-1', officerId: 'officer-b' },
      MONDAY_9AM,
      ids,
    );
    expect(events.map((e) => e.type)).toEqual(['counter.signed-out', 'counter.signed-in']);
    const calledB = c.execute({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM, ids).at(-1)!;
    const officerOf = (e: QueueEvent) => c.state.tickets.get((e as { ticketId: string }).ticketId)!.officerId;
    expect([officerOf(calledA!), officerOf(calledB)]).toEqual(['officer-a', 'officer-b']);
  });
});

describe('site config cross-checks', () => {
  it('names duplicate ids, unknown services and a bad time zone', () => {
    const config = testConfig();
    config.counters.push({ ...config.counters[0]!, serviceIds: ['nope'] });
    config.site.timezone = 'Mars/Olympus';
    const problems = crossCheck(config).map((p) => `${p.path}: ${p.message}`);
    expect(problems).toContain('counters.3.id: mã "counter-1" bị trùng / duplicate id "counter-1"');
    expect(problems).toContain('counters.3.serviceIds.0: không có dịch vụ "nope" / unknown service "nope"');
    expect(problems).toContain('counters.3.number: số quầy 1 dùng hai lần / counter number 1 is used twice');
    expect(problems).toContain(
      'site.timezone: không có múi giờ "Mars/Olympus" / unknown time zone "Mars/Olympus"',
    );
  });
});

describe('service times per hour of day', () => {
  it('learns each local hour and predicts with the hour’s own mean once it has enough services', () => {
    const core = newCore();
    const ids = idSequence();
    const serve = (at: number, minutes: number) => {
      const [issued] = core.execute({ type: 'issue', serviceId: 'civil-status' }, at, ids);
      const ticketId = (issued as { ticketId: string }).ticketId;
      core.execute({ type: 'next', counterId: 'counter-1' }, at, ids);
      core.execute({ type: 'start', counterId: 'counter-1', ticketId }, at, ids);
      core.execute(
        { type: 'finish', counterId: 'counter-1', ticketId, outcome: 'done' },
        at + minutes * MINUTE,
        ids,
      );
    };
    // Quick services around 9:00, slow ones around 14:00 (Hà Nội time).
    const at = (hh: number, mm: number) =>
      Date.parse(`2026-11-23T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+07:00`);
    for (let i = 0; i < 10; i++) serve(at(9, i * 5), 3);
    for (let i = 0; i < 10; i++) serve(at(14, i * 4), 15); // all finish before 15:00
    const stats = core.state.serviceTimes.get('civil-status')!;
    expect(stats.byHour![9]).toMatchObject({ n: 10, meanMinutes: 3 });
    expect(stats.byHour![14]!.n).toBe(10);
    expect(stats.byHour![14]!.meanMinutes).toBeCloseTo(15, 5);
    // The same line predicts a longer wait at 14:30 than at 9:30.
    for (let i = 0; i < 6; i++) core.execute({ type: 'issue', serviceId: 'civil-status' }, at(14, 55), ids);
    core.execute({ type: 'next', counterId: 'counter-1' }, at(14, 55), ids);
    core.execute({ type: 'next', counterId: 'counter-3' }, at(14, 55), ids);
    const last = [...core.state.waiting.get('civil-status')!].at(-1)!;
    const morning = predictWait(core.site, core.state, core.state.tickets.get(last)!, at(9, 30));
    const afternoon = predictWait(core.site, core.state, core.state.tickets.get(last)!, at(14, 30));
    expect(afternoon.etaMinutes).toBeGreaterThan(morning.etaMinutes * 2);
  });
});
