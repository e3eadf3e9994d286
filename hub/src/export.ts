/**
 * The versioned upward export (docs/hub.md): each site's indicators for a day or a month, as JSON or
 * CSV, for the national monitoring systems. Hub staff only.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  type ExportQuery,
  ExportQuery as ExportQuerySchema,
  fail,
  IndicatorsExport,
  isRealDate,
  type SiteIndicators,
  toIsoLocal,
} from '@oss/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EXPORT_VERSION, periodFigures } from './project.ts';
import type { HubStore, SiteRow } from './store.ts';

const DEFAULT_TARGET_MINUTES = 15;
const ZONE = 'Asia/Ho_Chi_Minh';

interface Period {
  kind: 'day' | 'month';
  from: string;
  to: string;
}

/** The CSV's columns, in order: the flat figures (per-priority and per-officer detail is in the JSON). */
const CSV_COLUMNS: [string, (s: SiteIndicators) => string | number | null][] = [
  ['site_id', (s) => s.siteId],
  ['name_vi', (s) => s.name.vi],
  ['issued', (s) => s.issued],
  ['served', (s) => s.served],
  ['no_shows', (s) => s.noShows],
  ['mean_wait_minutes', (s) => s.meanWaitMinutes],
  ['p90_wait_minutes', (s) => s.p90WaitMinutes],
  ['within_target_share', (s) => s.withinTargetShare],
  ['target_wait_minutes', (s) => s.targetWaitMinutes],
  ['ratings', (s) => s.ratings],
  ['satisfied_share', (s) => s.satisfiedShare],
];

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(period: Period, sites: SiteIndicators[]): string {
  const header = ['period_from', 'period_to', ...CSV_COLUMNS.map(([name]) => name)].join(',');
  const rows = sites.map((s) =>
    [period.from, period.to, ...CSV_COLUMNS.map(([, get]) => get(s))].map(csvCell).join(','),
  );
  return `\uFEFF${[header, ...rows].join('\r\n')}\r\n`;
}

async function indicators(
  store: HubStore,
  site: SiteRow,
  period: Period,
  now: number,
): Promise<SiteIndicators> {
  const target = site.info?.waitTargetMinutes ?? DEFAULT_TARGET_MINUTES;
  const [tickets, ratings] = await Promise.all([
    store.ticketsBetween(site.id, period.from, period.to),
    store.ratingsBetween(site.id, period.from, period.to),
  ]);
  return {
    siteId: site.id,
    name: site.info?.name ?? { vi: site.id, en: site.id },
    targetWaitMinutes: target,
    ...periodFigures(tickets, ratings, now, target),
  };
}

function periodOf(query: ExportQuery, kind: Period['kind']): Period {
  if (kind === 'day') {
    const day = query.day ?? '';
    if (!isRealDate(day)) fail('invalid_request', `Ngày không hợp lệ: "${day}"`, `not a date: "${day}"`);
    return { kind, from: day, to: day };
  }
  const month = query.month ?? '';
  if (!isRealDate(`${month}-01`))
    fail('invalid_request', `Tháng không hợp lệ: "${month}" (YYYY-MM)`, `not a month: "${month}" (YYYY-MM)`);
  return { kind, from: `${month}-01`, to: `${month}-31` };
}

export function exportRoutes(
  fastify: FastifyInstance,
  store: HubStore,
  clock: () => number,
  staffOf: (r: FastifyRequest) => Promise<unknown>,
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  for (const kind of ['day', 'month'] as const)
    app.get(
      `/api/export/v${EXPORT_VERSION}/${kind === 'day' ? 'daily' : 'monthly'}`,
      // The CSV form has no schema: it is text.
      { schema: { querystring: ExportQuerySchema, response: { 200: IndicatorsExport } } },
      async (request, reply) => {
        await staffOf(request);
        const period = periodOf(request.query, kind);
        const now = clock();
        const sites = await Promise.all(
          (await store.listSites()).map((s) => indicators(store, s, period, now)),
        );
        if (request.query.format === 'csv')
          return (
            reply
              .type('text/csv; charset=utf-8')
              .header('content-disposition', `attachment; filename="oss-${kind}-${period.from}.csv"`)
              // A string with a text content type goes out as it is (the 200 schema is the JSON form's).
              .send(toCsv(period, sites) as unknown as IndicatorsExport)
          );
        return {
          schema: 'oss-hub-indicators' as const,
          version: EXPORT_VERSION,
          period,
          generatedAt: toIsoLocal(now, ZONE),
          sites,
        };
      },
    );
}
