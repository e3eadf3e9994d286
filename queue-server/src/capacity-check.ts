/**
 * The booking capacity check for the manager: the site's last four weeks simulated with and without
 * every bookable slot full (`@oss/queue-server/sim`'s `bookingEffect`). The answer changes only when
 * a day closes or the capacity changes, so it is computed once per day and capacity (about a second
 * of CPU for the demo site's 600 citizens a day) and kept.
 */
import { localDate } from '@oss/protocol';
import type { CapacityCheck } from '@oss/protocol/http';
import { addDays, appointmentRules, slotsOfDay } from '@oss/queue-server/core';
import { bookingEffect, typicalDay } from '@oss/queue-server/sim';
import type { QueueService } from './queue-service.ts';
import type { ReportQueries } from './storage/reports.ts';

const HISTORY_DAYS = 28;
const REPLICATIONS = 6;

export class BookingCapacityCheck {
  private cached: { key: string; answer: CapacityCheck } | null = null;

  constructor(
    private readonly service: QueueService,
    private readonly reports: ReportQueries,
  ) {}

  answer(now: number): CapacityCheck {
    const { site } = this.service;
    const rules = appointmentRules(site);
    if (!rules) return { capacity: null, effect: null };
    const today = localDate(now, site.timeZone);
    const key = `${today}/${rules.capacity}`;
    if (this.cached?.key !== key) this.cached = { key, answer: this.compute(today, rules.capacity) };
    return this.cached.answer;
  }

  private compute(today: string, capacity: number): CapacityCheck {
    const { site } = this.service;
    const history = this.reports.tickets(addDays(today, -HISTORY_DAYS), addDays(today, -1));
    const days = new Set(history.map((t) => localDate(t.issuedAt, site.timeZone))).size;
    const date = this.nextBookableDay(today);
    if (days === 0 || !date) return { capacity, effect: null };
    const scenario = typicalDay(site.config, date, history, days);
    return { capacity, effect: bookingEffect(scenario, { historyDays: days, replications: REPLICATIONS }) };
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
