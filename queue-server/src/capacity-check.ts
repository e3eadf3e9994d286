/**
 * The booking capacity check for the manager: the site's last four weeks simulated with and without
 * every bookable slot full (`@oss/queue-server/sim`'s `bookingEffect`). The answer changes only when
 * a day closes or the capacity changes, so it is computed once per day and capacity (about a second
 * of CPU for the demo site's 600 citizens a day, several on a Pi) and kept. It runs one simulated day
 * at a time with a pause between them, so tickets and calls go on while a manager waits for it.
 */
import { localDate } from '@oss/protocol';
import type { CapacityCheck } from '@oss/protocol/http';
import { addDays, appointmentRules, slotsOfDay } from '@oss/queue-server/core';
import { bookingEffectSteps, runWithPauses, typicalDay } from '@oss/queue-server/sim';
import type { QueueService } from './queue-service.ts';
import type { ReportQueries } from './storage/reports.ts';

const HISTORY_DAYS = 28;
const REPLICATIONS = 6;

export class BookingCapacityCheck {
  private cached: { key: string; answer: Promise<CapacityCheck> } | null = null;

  constructor(
    private readonly service: QueueService,
    private readonly reports: ReportQueries,
  ) {}

  answer(now: number): Promise<CapacityCheck> {
    const { site } = this.service;
    const rules = appointmentRules(site);
    if (!rules) return Promise.resolve({ capacity: null, effect: null });
    const today = localDate(now, site.timeZone);
    const key = `${today}/${rules.capacity}`;
    // One computation per key, shared by every manager who asks while it runs; a failed one is retried.
    if (this.cached?.key !== key) {
      const answer = this.compute(today, rules.capacity);
      this.cached = { key, answer };
      answer.catch(() => {
        if (this.cached?.answer === answer) this.cached = null;
      });
    }
    return this.cached.answer;
  }

  private async compute(today: string, capacity: number): Promise<CapacityCheck> {
    const { site } = this.service;
    const history = this.reports.tickets(addDays(today, -HISTORY_DAYS), addDays(today, -1));
    const days = new Set(history.map((t) => localDate(t.issuedAt, site.timeZone))).size;
    const date = this.nextBookableDay(today);
    if (days === 0 || !date) return { capacity, effect: null };
    const scenario = typicalDay(site.config, date, history, days);
    const steps = bookingEffectSteps(scenario, { historyDays: days, replications: REPLICATIONS });
    return { capacity, effect: await runWithPauses(steps) };
  }

  /** The first day from today that has bookable slots (its weekday decides the opening hours). */
  private nextBookableDay(today: string): string | null {
    const { site } = this.service;
    for (let d = 0; d < 7; d++) {
      const day = addDays(today, d);
      if (site.config.services.some((s) => slotsOfDay(site, s.id, day).length > 0)) return day;
    }
    return null;
  }
}
