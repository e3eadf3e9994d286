/**
 * The leadership's report for a month, quarter or year: the period's indicators (kpis.ts, the one
 * definition), waits by priority class, and each officer against Decision 468's yearly floor, ranked.
 */
import {
  fail,
  type HourlyRow,
  isRealDate,
  localParts,
  type OfficerReport,
  type PeriodKind,
  type PeriodReport,
  type PriorityWaits,
  type ReportPeriod,
} from '@oss/protocol';
import {
  isServed,
  type KpiRecords,
  type OfficerKpi,
  PRODUCTIVITY_FLOORS,
  periodKpis,
  siteLevelOf,
  type TicketFacts,
  waitStats,
  waitTargetOfTicket,
  waitTargetOn,
} from './kpis.ts';
import type { Site } from './site.ts';
import type { SiteLevel } from './site-config.ts';

export type { HourlyRow, OfficerReport, PeriodKind, PeriodReport, PriorityWaits, ReportPeriod };

const PATTERNS: Record<PeriodKind, RegExp> = {
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  month: /^(\d{4})-(0[1-9]|1[0-2])$/,
  quarter: /^(\d{4})-Q([1-4])$/,
  year: /^(\d{4})$/,
};
const EXAMPLES: Record<PeriodKind, string> = {
  day: '2026-11-30',
  month: '2026-11',
  quarter: '2026-Q4',
  year: '2026',
};

const pad2 = (n: number) => String(n).padStart(2, '0');
const lastDayOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * The local days of a period named like `2026-11-30`, `2026-11`, `2026-Q4` or `2026`; a bad name is
 * `invalid_request`.
 */
export function reportPeriod(kind: PeriodKind, label: string): ReportPeriod {
  const m = PATTERNS[kind].exec(label);
  if (!m || (kind === 'day' && !isRealDate(label)))
    fail(
      'invalid_request',
      `Kỳ báo cáo "${label}" không hợp lệ: cần dạng ${EXAMPLES[kind]}`,
      `invalid ${kind} "${label}": expected the form ${EXAMPLES[kind]}`,
    );
  if (kind === 'day') return { kind, label, from: label, to: label };
  const year = Number(m[1]);
  const [first, last] =
    kind === 'month'
      ? [Number(m[2]), Number(m[2])]
      : kind === 'quarter'
        ? [Number(m[2]) * 3 - 2, Number(m[2]) * 3]
        : [1, 12];
  return {
    kind,
    label,
    from: `${year}-${pad2(first)}-01`,
    to: `${year}-${pad2(last)}-${pad2(lastDayOfMonth(year, last))}`,
  };
}

/** Checks `YYYY-MM-DD` as a real calendar day, with a message naming the parameter. */
export function checkDay(name: string, value: string): string {
  if (!isRealDate(value))
    fail(
      'invalid_request',
      `Tham số "${name}" = "${value}" không phải ngày hợp lệ dạng YYYY-MM-DD`,
      `parameter "${name}" = "${value}" is not a valid YYYY-MM-DD date`,
    );
  return value;
}

const DAY = 24 * 3600_000;

/** Share of the year elapsed at the end of local day `day` (1 at 31 December). */
function yearElapsed(day: string): number {
  const y = Number(day.slice(0, 4));
  const start = Date.UTC(y, 0, 1);
  const days = (Date.UTC(y + 1, 0, 1) - start) / DAY;
  return ((Date.parse(`${day}T00:00:00Z`) - start) / DAY + 1) / days;
}

function priorityWaits(
  classId: string,
  tickets: readonly TicketFacts[],
  now: number,
  targetOf: (at: number) => number,
): PriorityWaits {
  return { classId, issued: tickets.length, ...waitStats(tickets, now, targetOf) };
}

const bySatisfaction = (o: OfficerKpi) => o.satisfiedShare ?? -1;

/** Tickets served per officer. */
export function servedByOfficer(tickets: readonly TicketFacts[]): Map<string, number> {
  const served = new Map<string, number>();
  for (const t of tickets)
    if (isServed(t) && t.officerId) served.set(t.officerId, (served.get(t.officerId) ?? 0) + 1);
  return served;
}

/**
 * `records` cover the period; `yearToDate` the tickets from 1 January of the period's last year to
 * `yearEnd` (the period's end, or today when that is earlier).
 */
export function periodReport(
  site: Site,
  period: ReportPeriod,
  records: KpiRecords,
  /** Or, already counted, each officer's served since 1 January (the hub's summed days). */
  yearToDate: readonly TicketFacts[] | ReadonlyMap<string, number>,
  yearEnd: string,
  now: number,
  /** Dossiers received per officer in the period (PROTOCOL.md §6); empty when the site records none. */
  dossiersByOfficer: ReadonlyMap<string, number> = new Map(),
  /** The floors by level: Decision 468's unless a hub's configuration says otherwise. */
  floors: Readonly<Record<SiteLevel, number>> = PRODUCTIVITY_FLOORS,
): PeriodReport {
  const kpis = periodKpis(site, records, now);
  const targetOf = waitTargetOfTicket(site);
  const floor = floors[siteLevelOf(site)];
  const yearServed = yearToDate instanceof Map ? yearToDate : servedByOfficer(yearToDate as TicketFacts[]);
  const floorToDate = Math.round(floor * yearElapsed(yearEnd));
  const ranked = [...kpis.officers].sort(
    (a, b) =>
      b.served - a.served || bySatisfaction(b) - bySatisfaction(a) || a.officerId.localeCompare(b.officerId),
  );
  const priority = records.tickets.filter((t) => t.priority !== 'normal');
  const normal = records.tickets.filter((t) => t.priority === 'normal');
  return {
    period,
    generatedAt: now,
    level: siteLevelOf(site),
    productivityFloor: floor,
    targets: {
      waitMinutes: waitTargetOn(site, period.to),
      withinTargetShare: site.config.targets.withinTargetShare,
      satisfactionShare: site.config.targets.satisfactionShare,
    },
    kpis,
    priorityClasses: site.config.priorityClasses.map((c) =>
      priorityWaits(
        c.id,
        records.tickets.filter((t) => t.priority === c.id),
        now,
        targetOf,
      ),
    ),
    priorityVsNormal: {
      priority: priorityWaits('priority', priority, now, targetOf),
      normal: priorityWaits('normal', normal, now, targetOf),
    },
    officers: ranked.map((o, i) => {
      const served = yearServed.get(o.officerId) ?? 0;
      return {
        ...o,
        rank: i + 1,
        dossiersReceived: dossiersByOfficer.size ? (dossiersByOfficer.get(o.officerId) ?? 0) : null,
        yearServed: served,
        floorToDate,
        yearFloorShare: served / floor,
      };
    }),
    unattributedServed: records.tickets.filter((t) => isServed(t) && !t.officerId).length,
  };
}

/** Hourly arrivals (mean per day over `days`) and mean wait by local issue hour. */
export function hourlyProfile(
  tickets: readonly Pick<TicketFacts, 'issuedAt' | 'firstCalledAt'>[],
  timeZone: string,
  days: number,
): HourlyRow[] {
  const arrivals = new Array<number>(24).fill(0);
  const waitSum = new Array<number>(24).fill(0);
  const waitN = new Array<number>(24).fill(0);
  for (const t of tickets) {
    const hour = localParts(t.issuedAt, timeZone).hour;
    arrivals[hour]!++;
    if (t.firstCalledAt !== undefined && t.firstCalledAt !== null) {
      waitSum[hour]! += (t.firstCalledAt - t.issuedAt) / 60_000;
      waitN[hour]!++;
    }
  }
  return arrivals.map((n, hour) => ({
    hour,
    arrivals: days > 0 ? Math.round((n / days) * 10) / 10 : 0,
    meanWaitMinutes: waitN[hour] ? Math.round((waitSum[hour]! / waitN[hour]!) * 10) / 10 : null,
  }));
}
