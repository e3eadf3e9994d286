/** The hourly charts' rows from `GET /api/stats/hourly`: one day (or a period's mean day) against a typical day. */
import type { HourlyStats } from './types.ts';

export interface HourRow {
  hour: number;
  arrivals: number;
  meanWaitMinutes: number | null;
  typicalArrivals: number | null;
  typicalMeanWaitMinutes: number | null;
}

/**
 * One row per hour with something today or on a typical day (the route answers all 24); without a
 * typical day (`typicalDays: 0`, and always for a period) the typical values are null.
 */
export function hourRows(stats: HourlyStats): HourRow[] {
  const typical = new Map(stats.typicalDays > 0 ? stats.typical.map((r) => [r.hour, r]) : []);
  const today = new Map(stats.hours.map((r) => [r.hour, r]));
  return [...new Set([...today.keys(), ...typical.keys()])]
    .map((hour) => ({
      hour,
      arrivals: today.get(hour)?.arrivals ?? 0,
      meanWaitMinutes: today.get(hour)?.meanWaitMinutes ?? null,
      typicalArrivals: typical.get(hour)?.arrivals ?? null,
      typicalMeanWaitMinutes: typical.get(hour)?.meanWaitMinutes ?? null,
    }))
    .filter((r) => r.arrivals > 0 || (r.typicalArrivals ?? 0) > 0 || r.meanWaitMinutes !== null)
    .sort((a, b) => a.hour - b.hour);
}
