/**
 * The booking capacity check: a typical day learned from simulated history has the history's
 * demand, and filling every slot takes counter time from walk-ins, more with more places per slot.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TicketFacts } from '../../core/kpis.ts';
import { bookedArrivals, bookingEffect, bookingEffectSteps, typicalDay } from '../bookings.ts';
import { expectedWork } from '../capacity.ts';
import { loadScenario, type Scenario } from '../scenario.ts';
import { simulateDay } from '../simulator.ts';

const demo = loadScenario(fileURLToPath(new URL('../scenarios/demo-site.json', import.meta.url)));
const HISTORY_DAYS = 3;

/** Three simulated Mondays of the demo site, as the site's database would hold them. */
function history(): TicketFacts[] {
  return Array.from({ length: HISTORY_DAYS }, (_, d) => {
    let tickets: TicketFacts[] = [];
    simulateDay(demo, { seed: 100 + d, onEvents: (_e, state) => (tickets = [...state.tickets.values()]) });
    return tickets;
  }).flat();
}

const arrivalsPerDay = (s: Scenario) =>
  (s.openingBatch?.count ?? 0) + s.segments.reduce((a, x) => a + (x.to - x.from) * x.perMinute, 0);

describe('booking capacity against the simulator', () => {
  const learned = typicalDay(demo.config, demo.date, history(), HISTORY_DAYS);

  it('learns the history’s demand: arrivals per day, service mix and work', () => {
    expect(arrivalsPerDay(learned)).toBeGreaterThan(arrivalsPerDay(demo) * 0.9);
    expect(arrivalsPerDay(learned)).toBeLessThan(arrivalsPerDay(demo) * 1.1);
    const land = (s: Scenario) => s.serviceMix.find((m) => m.serviceId === 'land')!.share;
    expect(Math.abs(land(learned) - land(demo))).toBeLessThan(0.05);
    const work = (s: Scenario) => [...expectedWork(s).values()].reduce((a, b) => a + b, 0);
    expect(work(learned) / work(demo)).toBeGreaterThan(0.8);
    expect(work(learned) / work(demo)).toBeLessThan(1.2);
  });

  it('fills every bookable slot to capacity with appointment-class citizens', () => {
    const booked = bookedArrivals(learned);
    const services = demo.config.appointments!.serviceIds!.length;
    expect(booked.length % (services * demo.config.appointments!.capacity)).toBe(0);
    expect(booked.length).toBeGreaterThan(0);
    expect(new Set(booked.map((b) => b.priority))).toEqual(new Set(['appointment']));
  });

  it('shows walk-ins waiting longer the more places each slot gives', () => {
    const effect = (capacity: number) =>
      bookingEffect(
        {
          ...learned,
          config: { ...learned.config, appointments: { ...learned.config.appointments!, capacity } },
        },
        { historyDays: HISTORY_DAYS, replications: 4 },
      );
    const two = effect(2);
    const eight = effect(8);
    expect(two.bookedPerDay * 4).toBe(eight.bookedPerDay);
    expect(two.booked.n).toBeGreaterThan(0);
    expect(two.walkInWith.mean!).toBeGreaterThanOrEqual(two.walkInWithout.mean!);
    expect(eight.walkInWith.mean!).toBeGreaterThan(two.walkInWith.mean!);
    // Same walk-in citizens in both runs: without bookings the capacity makes no difference.
    expect(eight.walkInWithout).toEqual(two.walkInWithout);
    expect(eight.meetsTarget).toBe(eight.walkInWith.mean! <= eight.targetMinutes);
  });

  it('step by step: one simulated day a step, the same answer', () => {
    const options = { historyDays: HISTORY_DAYS, replications: 3 };
    const steps = bookingEffectSteps(learned, options);
    let yielded = 0;
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) {
        expect(step.value).toEqual(bookingEffect(learned, options));
        break;
      }
      yielded++;
    }
    // Three days without bookings, three with.
    expect(yielded).toBe(6);
  });
});
