/** Time helpers shared by the server, the agent and the apps. Pure: the instant is always passed in. */

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Offset from UTC in minutes (+420 for Asia/Ho_Chi_Minh). */
  offsetMinutes: number;
}

/** The last minute computed per time zone: offsets change only on minute boundaries. */
const minuteCache = new Map<string, { minute: number; parts: LocalParts }>();

export function localParts(epochMs: number, timeZone: string): LocalParts {
  const minute = Math.floor(epochMs / 60_000);
  const cached = minuteCache.get(timeZone);
  if (cached?.minute === minute)
    return { ...cached.parts, second: Math.floor((epochMs - minute * 60_000) / 1000) };
  const parts = computeLocalParts(minute * 60_000, timeZone);
  minuteCache.set(timeZone, { minute, parts });
  return { ...parts, second: Math.floor((epochMs - minute * 60_000) / 1000) };
}

/**
 * Zones on one UTC offset (minutes) with no daylight saving since 1976: their local time is plain
 * arithmetic. Asking ICU (Intl.DateTimeFormat) instead makes Node page in ~5 MB of its locale and
 * time-zone data, which a kiosk Pi in Việt Nam never needs. Checked against ICU in time.test.ts.
 */
const FIXED_OFFSET_ZONES: Readonly<Record<string, number>> = {
  'Asia/Ho_Chi_Minh': 420,
  'Asia/Saigon': 420,
  'Asia/Bangkok': 420,
  UTC: 0,
  'Etc/UTC': 0,
};
const FIXED_SINCE = Date.UTC(1976, 0, 1);

/** True for a time zone name this runtime knows (`Asia/Ho_Chi_Minh`), for config checks. */
export function isKnownTimeZone(timeZone: string): boolean {
  if (timeZone in FIXED_OFFSET_ZONES) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function computeLocalParts(epochMs: number, timeZone: string): LocalParts {
  const fixed = FIXED_OFFSET_ZONES[timeZone];
  if (fixed !== undefined && epochMs >= FIXED_SINCE) {
    const d = new Date(epochMs + fixed * 60_000);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      offsetMinutes: fixed,
    };
  }
  const get: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') get[p.type] = Number(p.value);
  }
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  const asUtc = Date.UTC(get.year!, get.month! - 1, get.day!, get.hour!, get.minute!, get.second!);
  return {
    year: get.year!,
    month: get.month!,
    day: get.day!,
    hour: get.hour!,
    minute: get.minute!,
    second: get.second!,
    offsetMinutes: Math.round((asUtc - wholeSecond) / 60_000),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO 8601 with the site's offset and milliseconds: `2026-11-22T08:01:02.345+07:00`. */
export function toIsoLocal(epochMs: number, timeZone: string): string {
  const p = localParts(epochMs, timeZone);
  const sign = p.offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(p.offsetMinutes);
  return (
    `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` +
    `.${pad(((epochMs % 1000) + 1000) % 1000, 3)}${sign}${pad(Math.floor(off / 60))}:${pad(off % 60)}`
  );
}

/**
 * The wall clock `HH:MM` at the site (24 h, as Vietnamese and British English both write it), for the
 * kiosk's and the board's clocks: `toLocaleTimeString` costs 50–150 ms of ICU loading on first use,
 * a long task on a kiosk's first screen.
 */
export function localClock(epochMs: number, timeZone: string): string {
  const p = localParts(epochMs, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** The local calendar date `YYYY-MM-DD` at the site. */
export function localDate(epochMs: number, timeZone: string): string {
  const p = localParts(epochMs, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** Minutes since local midnight at the site. */
export function localMinuteOfDay(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  return p.hour * 60 + p.minute;
}

/** ISO weekday 1 (Monday) … 7 (Sunday) at the site. */
export function localWeekday(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** Whole years between a birth date (`YYYY-MM-DD`) and a local date (`YYYY-MM-DD`). */
export function ageOn(birthDate: string, onDate: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = onDate.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** True when `YYYY-MM-DD` names a real calendar day. */
export function isRealDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The instant of a local wall-clock time (`day` + minutes since midnight) in a time zone. */
export function zonedEpoch(day: string, minuteOfDay: number, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + minuteOfDay * 60_000;
  // The offset at the guess, then once more at the corrected instant (a DST edge moves it once).
  let epoch = wall - localParts(wall, timeZone).offsetMinutes * 60_000;
  epoch = wall - localParts(epoch, timeZone).offsetMinutes * 60_000;
  return epoch;
}

/** `2026-12-02` → `02/12/2026`, as dates are written in Việt Nam. */
export function vnDate(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}
