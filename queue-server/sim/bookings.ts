/**
 * What booked appointments do to walk-ins' waits: the site's typical day, learned from its recent
 * history, simulated with and without every bookable slot filled to its capacity, on the same walk-in
 * citizens (their draws come first, so both runs see them alike). It answers the manager's question
 * "does a capacity of N per slot push walk-ins over the target?" before citizens find out.
 */
import { APPOINTMENT_CLASS, localMinuteOfDay } from '@oss/protocol';
import type { BookingEffect } from '@oss/protocol/http';
import { bookableService, slotsOfDay } from '../core/appointments.ts';
import type { TicketFacts } from '../core/kpis.ts';
import { compileSite } from '../core/site.ts';
import type { SiteConfig } from '../core/site-config.ts';
import { resolveScenario, type Scenario, type ScenarioFile } from './scenario.ts';
import { simulateDay, type TicketOutcome } from './simulator.ts';
import { summariseWaits } from './stats.ts';
import { runToEnd, type Steps } from './steps.ts';

export type { BookingEffect };

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (minute: number) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;

/**
 * A scenario of one day from `days` days of history: arrivals per hour, the mix of services and of
 * priority classes, and service times as they were (walk-ins only: booked citizens are added apart).
 */
export function typicalDay(
  config: SiteConfig,
  date: string,
  history: readonly TicketFacts[],
  days: number,
): Scenario {
  const tz = config.site.timezone;
  const walkIns = history.filter((t) => t.priority !== APPOINTMENT_CLASS);
  const perHour = new Map<number, number>();
  const mix: Record<string, number> = {};
  const classes: Record<string, number> = {};
  for (const t of walkIns) {
    const hour = Math.floor(localMinuteOfDay(t.issuedAt, tz) / 60);
    perHour.set(hour, (perHour.get(hour) ?? 0) + 1 / days);
    mix[t.originalServiceId] = (mix[t.originalServiceId] ?? 0) + 1;
    if (t.priority !== 'normal') classes[t.priority] = (classes[t.priority] ?? 0) + 1;
  }
  const prioritised = Object.values(classes).reduce((a, b) => a + b, 0);
  const file: ScenarioFile = {
    name: `typical day from ${days} days of history`,
    siteConfig: '(the running site)',
    date,
    arrivals: {
      profile: [...perHour]
        .sort(([a], [b]) => a - b)
        .map(([h, n]) => ({ from: hhmm(h * 60), to: hhmm(Math.min(h * 60 + 60, 24 * 60 - 1)), perHour: n })),
      serviceMix: mix,
    },
    priority: { share: walkIns.length ? prioritised / walkIns.length : 0, classes },
    serviceTimes: { default: {}, services: serviceTimesOf(walkIns) },
  };
  return resolveScenario(file, config);
}

/** Mean service minutes per service as served (sites without a record keep the configured mean). */
function serviceTimesOf(tickets: readonly TicketFacts[]): Record<string, { mean: number }> {
  const sums = new Map<string, { total: number; n: number }>();
  for (const t of tickets) {
    if (t.status !== 'done' || t.startedAt == null || t.finishedAt == null) continue;
    const s = sums.get(t.originalServiceId) ?? { total: 0, n: 0 };
    s.total += (t.finishedAt - t.startedAt) / 60_000;
    s.n++;
    sums.set(t.originalServiceId, s);
  }
  return Object.fromEntries(
    [...sums].filter(([, s]) => s.total > 0).map(([id, s]) => [id, { mean: s.total / s.n }]),
  );
}

/** Every bookable slot of the day filled to capacity, arriving spread over the slot's first half. */
export function bookedArrivals(scenario: Scenario): NonNullable<Scenario['scheduled']> {
  const site = compileSite(scenario.config);
  return scenario.config.services
    .filter((s) => bookableService(site, s.id))
    .flatMap((s) =>
      slotsOfDay(site, s.id, scenario.date).flatMap((slot) => {
        const start = (slot.start - scenario.midnightMs) / 60_000;
        const half = (slot.end - slot.start) / 120_000;
        return Array.from({ length: slot.capacity }, (_, i) => ({
          at: start + (i * half) / slot.capacity,
          serviceId: s.id,
          priority: APPOINTMENT_CLASS,
        }));
      }),
    );
}

export function bookingEffect(
  scenario: Scenario,
  options: { historyDays: number; replications?: number; seed?: number },
): BookingEffect {
  return runToEnd(bookingEffectSteps(scenario, options));
}

/**
 * The same, one simulated day per step: a server drives it with a pause between steps, so that the
 * dozen simulated days never hold its event loop (and the kiosks' tickets) for long in one go.
 */
export function* bookingEffectSteps(
  scenario: Scenario,
  options: { historyDays: number; replications?: number; seed?: number },
): Steps<BookingEffect> {
  const replications = options.replications ?? 10;
  const seed = options.seed ?? 1;
  const target = scenario.config.targets.waitMinutes;
  const scheduled = bookedArrivals(scenario);
  function* run(s: Scenario) {
    const tickets: TicketOutcome[] = [];
    for (let r = 0; r < replications; r++) {
      tickets.push(...simulateDay(s, { seed: seed + r }).tickets);
      yield;
    }
    return tickets;
  }
  const without = yield* run(scenario);
  const withBookings = yield* run({ ...scenario, scheduled });
  const walkIn = (ts: typeof without) => ts.filter((t) => t.priority !== APPOINTMENT_CLASS);
  const walkInWith = summariseWaits(walkIn(withBookings), target);
  return {
    date: scenario.date,
    historyDays: options.historyDays,
    targetMinutes: target,
    replications,
    bookedPerDay: scheduled.length,
    walkInWithout: summariseWaits(walkIn(without), target),
    walkInWith,
    booked: summariseWaits(
      withBookings.filter((t) => t.priority === APPOINTMENT_CLASS),
      target,
    ),
    meetsTarget: walkInWith.mean !== null && walkInWith.mean <= target,
  };
}
