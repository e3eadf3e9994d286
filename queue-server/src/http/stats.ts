/**
 * The manager's figures for any period, from stored records through the core's one definition:
 * the period asked for (`?day=` or `?from=&to=`), hourly charts, the tickets CSV and the period report.
 */
import {
  fail,
  type HourlyStats,
  localDate,
  localWeekday,
  type PeriodQuery,
  REPORT_KINDS,
  type ReportKind,
  type ReportQuery,
  toIsoLocal,
} from '@oss/protocol';
import {
  checkDay,
  hourlyProfile,
  type PeriodReport,
  periodReport,
  reportPeriod,
  type Site,
  type TicketFacts,
} from '@oss/queue-server/core';
import type { CsvTicketRow, ReportQueries } from '../storage/reports.ts';

export interface Period {
  from: string;
  to: string;
}

/** Longest period the KPI, hourly and CSV routes answer for: a leap year. */
export const MAX_PERIOD_DAYS = 366;
const DAY = 24 * 3600_000;

/** The period a query names, or null when it names none (today's live figures). */
export function periodOf(query: PeriodQuery): Period | null {
  const { day, from, to } = query;
  if (day !== undefined) {
    if (from !== undefined || to !== undefined)
      fail(
        'invalid_request',
        'Dùng "day" hoặc "from" và "to", không dùng cả hai',
        'use either "day" or "from" and "to", not both',
      );
    checkDay('day', day);
    return { from: day, to: day };
  }
  if (from === undefined && to === undefined) return null;
  if (from === undefined || to === undefined)
    fail(
      'invalid_request',
      'Cần cả "from" và "to" (YYYY-MM-DD)',
      'both "from" and "to" are needed (YYYY-MM-DD)',
    );
  checkDay('from', from);
  checkDay('to', to);
  if (from > to)
    fail(
      'invalid_request',
      `Ngày bắt đầu ${from} sau ngày kết thúc ${to}`,
      `the start ${from} is after the end ${to}`,
    );
  const days = (Date.parse(to) - Date.parse(from)) / DAY + 1;
  if (days > MAX_PERIOD_DAYS)
    fail(
      'invalid_request',
      `Khoảng ${days} ngày quá dài: tối đa ${MAX_PERIOD_DAYS} ngày`,
      `a period of ${days} days is too long: at most ${MAX_PERIOD_DAYS}`,
    );
  return { from, to };
}

/** Hourly figures for the dashboard's charts: one day against a typical day, or a period's mean day. */
export function hourlyStats(
  reports: ReportQueries,
  period: Period,
  timeZone: string,
  now: number,
  weeks = 8,
): HourlyStats {
  const { from, to } = period;
  const base = { day: to, from, to };
  if (from !== to)
    return {
      ...base,
      hours: hourlyProfile(reports.tickets(from, to), timeZone, reports.daysWithTickets(from, to)),
      typical: [],
      typicalDays: 0,
    };
  const weekday = localWeekday(Date.parse(`${to}T12:00:00Z`), 'UTC');
  const earlier: TicketFacts[] = [];
  let typicalDays = 0;
  for (let back = 1; back <= weeks * 7; back++) {
    const d = localDate(now - back * DAY, timeZone);
    if (d >= to || localWeekday(Date.parse(`${d}T12:00:00Z`), 'UTC') !== weekday) continue;
    const rows = reports.tickets(d, d);
    if (rows.length === 0) continue;
    earlier.push(...rows);
    typicalDays++;
  }
  return {
    ...base,
    hours: hourlyProfile(reports.tickets(to, to), timeZone, 1),
    typical: hourlyProfile(earlier, timeZone, typicalDays),
    typicalDays,
  };
}

const CSV_HEADER = [
  'day',
  'number',
  'original_service_id',
  'original_service',
  'service_id',
  'service',
  'procedure_id',
  'procedure',
  'priority',
  'priority_class',
  'status',
  'issued_at',
  'first_called_at',
  'started_at',
  'finished_at',
  'counter',
  'officer',
  'officer_name',
  'wait_minutes',
  'service_minutes',
  'rating',
  'offline',
];

/** RFC 4180 quoting; a text starting like a formula is kept as text in spreadsheet programs. */
function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const minutes = (from?: number, to?: number) =>
  from === undefined || to === undefined ? '' : ((to - from) / 60_000).toFixed(1);

/**
 * The period's tickets for a spreadsheet: UTF-8 with a BOM and CRLF (Excel reads Vietnamese right),
 * local times with the site's offset, names in Vietnamese beside ids, no personal data.
 */
export function ticketsCsv(site: Site, rows: CsvTicketRow[], officerNames: Map<string, string>): string {
  const time = (ms?: number) => (ms === undefined ? '' : toIsoLocal(ms, site.timeZone));
  const serviceName = (id: string) => site.services.get(id)?.name.vi ?? '';
  const lines = rows.map((t) =>
    [
      t.day,
      t.number,
      t.originalServiceId,
      serviceName(t.originalServiceId),
      t.serviceId,
      serviceName(t.serviceId),
      t.procedureId ?? '',
      t.procedureId ? (site.procedures.get(t.procedureId)?.name.vi ?? '') : '',
      t.priority,
      site.classes.get(t.priority)?.name.vi ?? '',
      t.status,
      time(t.issuedAt),
      time(t.firstCalledAt),
      time(t.startedAt),
      time(t.finishedAt),
      t.counterId ? (site.counters.get(t.counterId)?.number ?? t.counterId) : '',
      t.officerId ?? '',
      t.officerId ? (officerNames.get(t.officerId) ?? '') : '',
      minutes(t.issuedAt, t.firstCalledAt),
      t.status === 'done' ? minutes(t.startedAt ?? t.calledAt, t.finishedAt) : '',
      t.rating,
      t.offline ? 1 : 0,
    ]
      .map(csvField)
      .join(','),
  );
  return `\uFEFF${[CSV_HEADER.join(','), ...lines].join('\r\n')}\r\n`;
}

/** The leadership's report for `?period=month&month=2026-11` (or quarter=2026-Q4, year=2026). */
export function reportFor(site: Site, reports: ReportQueries, query: ReportQuery, now: number): PeriodReport {
  const kind = query.period as ReportKind;
  if (!REPORT_KINDS.includes(kind))
    fail(
      'invalid_request',
      `Kỳ "${query.period}" không hợp lệ: month, quarter hoặc year`,
      `period "${query.period}" is invalid: month, quarter or year`,
    );
  const label = query[kind];
  if (label === undefined)
    fail('invalid_request', `Thiếu tham số "${kind}"`, `the parameter "${kind}" is missing`);
  const period = reportPeriod(kind, label);
  const today = localDate(now, site.timeZone);
  const yearEnd = period.to.localeCompare(today) < 0 ? period.to : today;
  const records = reports.records(period.from, period.to);
  const yearToDate =
    kind === 'year' ? records.tickets : reports.tickets(`${period.to.slice(0, 4)}-01-01`, yearEnd);
  const dossiers = reports.dossiersByOfficer(period.from, period.to);
  return periodReport(
    site,
    period,
    records,
    yearToDate,
    yearEnd < period.from ? period.to : yearEnd,
    now,
    dossiers,
  );
}
