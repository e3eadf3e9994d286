/** Hourly figures for the dashboard's charts: today against a typical day (the same weekday, recent weeks). */
import { localDate, localParts, localWeekday } from '@oss/protocol';
import type { Store } from '../storage/store.ts';

export interface HourlyRow {
  hour: number;
  arrivals: number;
  meanWaitMinutes: number | null;
}

export interface HourlyStats {
  day: string;
  hours: HourlyRow[];
  /** Mean over up to `weeks` earlier days with the same weekday that had tickets. */
  typical: HourlyRow[];
  typicalDays: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function bucket(
  rows: { issued_at: number; first_called_at: number | null }[],
  timeZone: string,
  days: number,
): HourlyRow[] {
  const arrivals = new Array<number>(24).fill(0);
  const waitSum = new Array<number>(24).fill(0);
  const waitN = new Array<number>(24).fill(0);
  for (const r of rows) {
    const hour = localParts(r.issued_at, timeZone).hour;
    arrivals[hour]!++;
    if (r.first_called_at !== null) {
      waitSum[hour]! += (r.first_called_at - r.issued_at) / MINUTE;
      waitN[hour]!++;
    }
  }
  return arrivals.map((n, hour) => ({
    hour,
    arrivals: days > 0 ? Math.round((n / days) * 10) / 10 : 0,
    meanWaitMinutes: waitN[hour] ? Math.round((waitSum[hour]! / waitN[hour]!) * 10) / 10 : null,
  }));
}

export function hourlyStats(
  store: Store,
  day: string,
  timeZone: string,
  now: number,
  weeks = 8,
): HourlyStats {
  const rowsOf = (d: string) =>
    store.db.prepare('SELECT issued_at, first_called_at FROM tickets WHERE day = ?').all(d) as {
      issued_at: number;
      first_called_at: number | null;
    }[];
  const weekday = localWeekday(Date.parse(`${day}T12:00:00Z`), 'UTC');
  const earlier: { issued_at: number; first_called_at: number | null }[] = [];
  let typicalDays = 0;
  for (let back = 1; back <= weeks * 7; back++) {
    const d = localDate(now - back * DAY, timeZone);
    if (d >= day || localWeekday(Date.parse(`${d}T12:00:00Z`), 'UTC') !== weekday) continue;
    const rows = rowsOf(d);
    if (rows.length === 0) continue;
    earlier.push(...rows);
    typicalDays++;
  }
  return {
    day,
    hours: bucket(rowsOf(day), timeZone, 1),
    typical: bucket(earlier, timeZone, typicalDays),
    typicalDays,
  };
}
