/** The province app's pure part: the hub's site rows, their alerts, sorting, filtering and hourly waits. */
import type { HubTicket } from '@oss/protocol';
import type { HubSite } from '@oss/protocol/http';

export type { HubSite };

export type AlertKind = 'over-target' | 'silent' | 'offline';

/** A site is silent when its feed has said nothing for this long while it is open. */
export const SILENT_MINUTES = 30;
const DEFAULT_TARGET = 15;

export function targetOf(site: HubSite): number {
  return site.waitTargetMinutes ?? DEFAULT_TARGET;
}

/** What needs the province's attention about a site, most urgent first. */
export function alertsOf(site: HubSite, now: number): AlertKind[] {
  const alerts: AlertKind[] = [];
  if (site.online === false) alerts.push('offline');
  const last = site.lastEventAt ? Date.parse(site.lastEventAt) : null;
  if (site.online !== false && (last === null || now - last > SILENT_MINUTES * 60_000)) alerts.push('silent');
  const wait = site.today.meanWaitMinutes;
  if (wait !== null && wait > targetOf(site)) alerts.push('over-target');
  return alerts;
}

export type SortKey = 'name' | 'issued' | 'waiting' | 'meanWait' | 'withinTarget' | 'satisfied' | 'alerts';

function sortValue(site: HubSite, key: SortKey, now: number): number | string {
  switch (key) {
    case 'name':
      return site.name.vi;
    case 'issued':
      return site.today.issued;
    case 'waiting':
      return site.today.waiting ?? -1;
    case 'meanWait':
      return site.today.meanWaitMinutes ?? -1;
    case 'withinTarget':
      return site.today.withinTargetShare ?? 2;
    case 'satisfied':
      return site.today.satisfiedShare ?? 2;
    case 'alerts':
      return alertsOf(site, now).length;
  }
}

/** Sorted by `key` (descending for figures where more is worse or larger, ascending for shares and names). */
export function sortSites(sites: HubSite[], key: SortKey, now: number, descending: boolean): HubSite[] {
  const sign = descending ? -1 : 1;
  return [...sites].sort((a, b) => {
    const [x, y] = [sortValue(a, key, now), sortValue(b, key, now)];
    const c = typeof x === 'string' ? x.localeCompare(String(y), 'vi') : x - (y as number);
    return c !== 0 ? sign * c : a.id.localeCompare(b.id);
  });
}

/** Case- and accent-insensitive: "ben thanh" finds "Bến Thành". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase();
}

export function filterSites(sites: HubSite[], query: string, onlyAlerts: boolean, now: number): HubSite[] {
  const q = fold(query.trim());
  return sites.filter(
    (s) =>
      (!q || fold(`${s.id} ${s.name.vi} ${s.name.en}`).includes(q)) &&
      (!onlyAlerts || alertsOf(s, now).length > 0),
  );
}

export interface HourWaits {
  hour: number;
  arrivals: number;
  /** Mean minutes from issue to first call of the tickets issued in that hour and called. */
  meanWait: number | null;
}

/** Arrivals and mean waits per local hour, from the tickets' ISO times (their own offset). */
export function waitsByHour(tickets: HubTicket[]): HourWaits[] {
  const hours = new Map<number, { arrivals: number; waits: number[] }>();
  for (const t of tickets) {
    const hour = Number(t.issuedAt.slice(11, 13));
    const h = hours.get(hour) ?? { arrivals: 0, waits: [] };
    h.arrivals++;
    if (t.calledAt) h.waits.push((Date.parse(t.calledAt) - Date.parse(t.issuedAt)) / 60_000);
    hours.set(hour, h);
  }
  return [...hours.entries()]
    .sort(([a], [b]) => a - b)
    .map(([hour, h]) => ({
      hour,
      arrivals: h.arrivals,
      meanWait: h.waits.length ? h.waits.reduce((a, b) => a + b, 0) / h.waits.length : null,
    }));
}

export type PeriodKind = 'day' | 'month' | 'quarter' | 'year';

/** The current period of a kind, named as the hub's routes take it (`2026-11-30`, `2026-11`, `2026-Q4`, `2026`). */
export function currentLabel(kind: PeriodKind, day: string): string {
  const [y, m] = [day.slice(0, 4), Number(day.slice(5, 7))];
  if (kind === 'day') return day;
  if (kind === 'month') return day.slice(0, 7);
  if (kind === 'quarter') return `${y}-Q${Math.ceil(m / 3)}`;
  return y;
}

/** Sites grouped by area (Vietnamese name), areas in alphabetical order, sites without one last. */
export function groupByArea<T extends { area: { vi: string } | null; rank: number }>(
  sites: readonly T[],
): { area: T['area']; sites: T[] }[] {
  const groups = new Map<string, { area: T['area']; sites: T[] }>();
  for (const s of sites) {
    const key = s.area?.vi ?? '';
    const g = groups.get(key) ?? groups.set(key, { area: s.area, sites: [] }).get(key)!;
    g.sites.push(s);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b, 'vi')))
    .map(([, g]) => ({ ...g, sites: g.sites.sort((a, b) => a.rank - b.rank) }));
}
