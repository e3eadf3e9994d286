import { describe, expect, it } from 'vitest';
import type { Command } from '../command.ts';
import { naiveWait, predictWait, predictWaitWithLaterArrivals, serversFor } from '../eta.ts';
import { QueueCore } from '../queue-core.ts';
import { compileSite } from '../site.ts';
import type { QueueEvent } from '../state.ts';
import { idSequence, MINUTE, MONDAY_9AM, testConfig } from './fixtures.ts';

function centre(policy?: string) {
  const core = new QueueCore(compileSite(testConfig(), policy), '2026-11-23');
  const ids = idSequence();
  const run = (c: Command, at = MONDAY_9AM) => core.execute(c, at, ids);
  const issue = (serviceId: string, at: number, priority?: string) =>
    (
      run({ type: 'issue', serviceId, ...(priority ? { priority } : {}) } as Command, at).find(
        (e) => e.type === 'ticket.issued',
      ) as Extract<QueueEvent, { type: 'ticket.issued' }>
    ).ticketId;
  return { core, run, issue };
}

describe('wait prediction', () => {
  it('a shared counter gives its time to the line that takes longest to clear', () => {
    const { core, run, issue } = centre();
    // counter-3 serves land and civil status; land has far more work waiting.
    for (let i = 0; i < 8; i++) issue('land', MONDAY_9AM + i * 1000);
    issue('civil-status', MONDAY_9AM + 9000);
    for (const counterId of ['counter-1', 'counter-2', 'counter-3']) run({ type: 'next', counterId });
    issue('civil-status', MONDAY_9AM + 10_000);
    const land = serversFor(core.site, core.state, 'land').servers;
    const civil = serversFor(core.site, core.state, 'civil-status').servers;
    // Land: counter-2 plus most of counter-3; civil status: counter-1 plus a little of counter-3.
    expect(land).toBeGreaterThan(1.6);
    expect(civil).toBeLessThan(1.4);
    // Both lines have people waiting: the three open counters are shared out exactly.
    expect(land + civil).toBeCloseTo(3, 6);
  });

  it('with later arrivals: a normal ticket waits longer when priority citizens have been arriving', () => {
    const now = MONDAY_9AM;
    /** The same hour at the same centre, except for the class of the twelve citizens served earlier. */
    const withHistory = (priority?: string, policy?: string) => {
      const c = centre(policy);
      const start = now - 55 * MINUTE;
      for (let i = 0; i < 12; i++) c.issue('civil-status', start + i * MINUTE, priority);
      let t = start;
      for (let k = 0; k < 7; k++, t += 6 * MINUTE)
        for (const counterId of ['counter-1', 'counter-3']) c.run({ type: 'next', counterId }, t);
      for (let i = 0; i < 6; i++) c.issue('civil-status', now - 5 * MINUTE + i * 1000);
      for (const counterId of ['counter-1', 'counter-3'])
        c.run({ type: 'next', counterId }, now - 4 * MINUTE);
      const id = c.issue('civil-status', now);
      const ticket = c.core.state.tickets.get(id)!;
      return {
        ...predictWaitWithLaterArrivals(c.core.site, c.core.state, ticket, now),
        shown: predictWait(c.core.site, c.core.state, ticket, now).etaMinutes,
      };
    };
    const quiet = withHistory();
    const crowded = withHistory('elderly');
    expect(crowded.ahead).toBe(quiet.ahead);
    expect(crowded.etaMinutes).toBeGreaterThan(quiet.etaMinutes);
    // The prediction shown on tickets does not use the arrival history.
    expect(crowded.shown).toBe(quiet.shown);
    // Under FIFO nobody overtakes, whatever the history.
    expect(withHistory('elderly', 'fifo')).toEqual(withHistory(undefined, 'fifo'));
  });

  it('a priority ticket is predicted to wait less than a normal one issued at the same time', () => {
    const { core, run, issue } = centre();
    for (let i = 0; i < 6; i++) issue('civil-status', MONDAY_9AM + i * 1000);
    run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + 10_000);
    run({ type: 'next', counterId: 'counter-3' }, MONDAY_9AM + 10_000);
    const now = MONDAY_9AM + 20_000;
    const normal = core.state.tickets.get(issue('civil-status', now))!;
    const elderly = core.state.tickets.get(issue('civil-status', now, 'elderly'))!;
    const n = predictWait(core.site, core.state, normal, now);
    const e = predictWait(core.site, core.state, elderly, now);
    expect(e.etaMinutes).toBeLessThan(n.etaMinutes);
    for (const p of [n, e]) {
      expect(p.low).toBeLessThanOrEqual(p.etaMinutes);
      expect(p.high).toBeGreaterThanOrEqual(p.etaMinutes);
      expect(p.high - p.low).toBeGreaterThan(0);
    }
    // The naive estimate counts arrival order only.
    expect(naiveWait(core.site, core.state, elderly).ahead).toBe(5);
  });
});
