/**
 * Arrivals and mean wait by hour. From `/api/stats/hourly` when the server has it (today and a typical
 * day); otherwise today's figures are computed from the day's ticket CSV (`/api/reports/tickets.csv`).
 */
export interface HourRow {
  hour: number;
  arrivals: number;
  meanWaitMinutes: number | null;
  typicalArrivals: number | null;
  typicalMeanWaitMinutes: number | null;
}

type Loose = Record<string, unknown>;
const n = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/**
 * Accepts the server's `{day, hours:[{hour, arrivals, meanWaitMinutes}], typical:[…], typicalDays}`, or
 * `hours` rows carrying `typicalArrivals`/`typicalMeanWaitMinutes`, or `{today:[…], typical:[…]}`.
 * Hours with nothing today nor on a typical day are left out; no typical day (`typicalDays: 0`) → null.
 */
export function normaliseHourly(body: unknown): HourRow[] {
  const given = (body ?? {}) as Loose;
  const b: Loose = given.typicalDays === 0 ? { ...given, typical: undefined } : given;
  const rows = new Map<number, HourRow>();
  const row = (hour: number) => {
    let r = rows.get(hour);
    if (!r) {
      r = { hour, arrivals: 0, meanWaitMinutes: null, typicalArrivals: null, typicalMeanWaitMinutes: null };
      rows.set(hour, r);
    }
    return r;
  };
  const wait = (x: Loose) => n(x.meanWaitMinutes) ?? n(x.meanWait) ?? n(x.wait);
  if (Array.isArray(b.hours))
    for (const h of b.hours as Loose[]) {
      const hour = n(h.hour);
      if (hour === null) continue;
      const r = row(hour);
      r.arrivals = n(h.arrivals) ?? 0;
      r.meanWaitMinutes = wait(h);
      const typical = (h.typical ?? {}) as Loose;
      r.typicalArrivals = n(h.typicalArrivals) ?? n(typical.arrivals);
      r.typicalMeanWaitMinutes = n(h.typicalMeanWaitMinutes) ?? wait(typical);
    }
  for (const [key, typical] of [
    ['today', false],
    ['typical', true],
  ] as const)
    if (Array.isArray(b[key]))
      for (const h of b[key] as Loose[]) {
        const hour = n(h.hour);
        if (hour === null) continue;
        const r = row(hour);
        if (typical) {
          r.typicalArrivals = n(h.arrivals);
          r.typicalMeanWaitMinutes = wait(h);
        } else {
          r.arrivals = n(h.arrivals) ?? 0;
          r.meanWaitMinutes = wait(h);
        }
      }
  return [...rows.values()]
    .filter((r) => r.arrivals > 0 || (r.typicalArrivals ?? 0) > 0 || r.meanWaitMinutes !== null)
    .sort((a, b) => a.hour - b.hour);
}

/** Today's hours from the ticket CSV (issued_at and wait_minutes columns), in the site's time zone. */
export function hourlyFromCsv(csv: string, timeZone: string): HourRow[] {
  const lines = csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n');
  const header = (lines.shift() ?? '').split(',');
  const issued = header.indexOf('issued_at');
  const wait = header.indexOf('wait_minutes');
  if (issued < 0) return [];
  const hourOf = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' });
  const acc = new Map<number, { arrivals: number; waits: number[] }>();
  for (const line of lines) {
    const cells = line.split(',');
    const at = Date.parse(cells[issued] ?? '');
    if (!Number.isFinite(at)) continue;
    const hour = Number(hourOf.format(at));
    const a = acc.get(hour) ?? { arrivals: 0, waits: [] };
    a.arrivals++;
    const w = Number.parseFloat(cells[wait] ?? '');
    if (Number.isFinite(w)) a.waits.push(w);
    acc.set(hour, a);
  }
  return [...acc]
    .map(([hour, a]) => ({
      hour,
      arrivals: a.arrivals,
      meanWaitMinutes: a.waits.length
        ? Math.round((a.waits.reduce((x, y) => x + y, 0) / a.waits.length) * 10) / 10
        : null,
      typicalArrivals: null,
      typicalMeanWaitMinutes: null,
    }))
    .sort((a, b) => a.hour - b.hour);
}
