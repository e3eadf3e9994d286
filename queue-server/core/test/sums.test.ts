/**
 * The summed figures (what the hub's summary tables give) equal the figures from the records, over
 * random days of tickets and ratings, whichever way the sums are grouped, and with a ticket's old
 * state taken out when it changes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { periodKpis, type TicketFacts } from '../kpis.ts';
import { compileSite } from '../site.ts';
import {
  addSums,
  emptySums,
  headlineKpis,
  headlineOf,
  type KpiSums,
  ratingSums,
  ticketSums,
  withinTargetOf,
} from '../sums.ts';
import { MINUTE, testConfig } from './fixtures.ts';

const DAY_START = Date.parse('2026-11-23T07:30:00+07:00');
const STATUSES = ['waiting', 'called', 'serving', 'done', 'no_show', 'cancelled'] as const;

const ticket = fc
  .record({
    issue: fc.integer({ min: 0, max: 8 * 60 * MINUTE }),
    wait: fc.option(fc.integer({ min: 0, max: 300 * MINUTE }), { nil: undefined }),
    service: fc.integer({ min: 5 * 1000, max: 40 * MINUTE }),
    status: fc.constantFrom(...STATUSES),
    originalServiceId: fc.constantFrom('civil-status', 'land'),
    priority: fc.constantFrom('normal', 'elderly'),
    officerId: fc.option(fc.constantFrom('o1', 'o2'), { nil: undefined }),
  })
  .map(({ issue, wait, service, status, ...rest }): TicketFacts => {
    const issuedAt = DAY_START + issue;
    const called = wait === undefined ? undefined : issuedAt + wait;
    const state = called === undefined && status !== 'cancelled' ? 'waiting' : status;
    return {
      ...rest,
      issuedAt,
      status: state,
      ...(called === undefined ? {} : { firstCalledAt: called, calledAt: called }),
      ...(state === 'done' || state === 'no_show' ? { finishedAt: (called ?? issuedAt) + service } : {}),
    };
  });
const rating = fc.record({
  score: fc.integer({ min: 1, max: 5 }),
  serviceId: fc.constantFrom('civil-status', 'land'),
  officerId: fc.constantFrom('o1', 'o2'),
});

const sumAll = (tickets: readonly TicketFacts[], scores: readonly number[]): KpiSums =>
  [...tickets.map(ticketSums), ...scores.map(ratingSums)].reduce((a, b) => addSums(a, b), emptySums());

describe('indicators from sums', () => {
  it('equal the indicators from the records, for any whole-minute target', () => {
    fc.assert(
      fc.property(
        fc.array(ticket, { maxLength: 60 }),
        fc.array(rating, { maxLength: 20 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 10 * 60 * MINUTE }),
        (tickets, ratings, waitMinutes, later) => {
          const config = testConfig();
          const site = compileSite({ ...config, targets: { ...config.targets, waitMinutes } });
          const now = DAY_START + later;
          const records = { from: '2026-11-23', to: '2026-11-23', tickets, ratings, emotions: [] };
          const k = periodKpis(site, records, now);
          // Two groups (as two services' rows) added up, like the hub's query does.
          const half = Math.floor(tickets.length / 2);
          const days = [
            {
              day: '2026-11-23',
              sums: sumAll(
                tickets.slice(0, half),
                ratings.map((r) => r.score),
              ),
            },
            { day: '2026-11-23', sums: sumAll(tickets.slice(half), []) },
          ];
          const h = headlineKpis(site, '2026-11-23', days, tickets, now);
          expect(h).toEqual(headlineOf(k));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a ticket replaced by its new state leaves the sums of the new state alone', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(ticket, ticket), { maxLength: 30 }), (pairs) => {
        const before = sumAll(
          pairs.map(([a]) => a),
          [],
        );
        const moved = pairs.reduce(
          (s, [a, b]) => addSums(addSums(s, ticketSums(a), -1), ticketSums(b)),
          before,
        );
        expect(moved).toEqual(
          sumAll(
            pairs.map(([, b]) => b),
            [],
          ),
        );
      }),
    );
  });

  it('counts within a target only where the buckets can', () => {
    expect(withinTargetOf([2, 1, 0, 3], 2)).toBe(3);
    expect(withinTargetOf([2, 1, 0, 3], 15)).toBe(6);
    expect(withinTargetOf([2, 1], 7.5)).toBeNull();
    expect(withinTargetOf([2, 1], 240)).toBeNull();
  });
});
