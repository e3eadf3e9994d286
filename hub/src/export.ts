/**
 * The versioned upward export (docs/hub.md): each site's indicators for a day or a month, as JSON or
 * CSV, for the national monitoring systems. Hub staff only.
 */
import { fail, isRealDate, toIsoLocal } from '@oss/protocol';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EXPORT_VERSION, type PeriodFigures, periodFigures } from './project.ts';
import type { HubStore, SiteRow } from './store.ts';

const DEFAULT_TARGET_MINUTES = 15;
const ZONE = 'Asia/Ho_Chi_Minh';

interface Period {
  kind: 'day' | 'month';
  from: string;
  to: string;
}

export interface SiteIndicators extends PeriodFigures {
  siteId: string;
  name: { vi: string; en: string };
  targetWaitMinutes: number;
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

function periodOf(request: FastifyRequest, kind: Period['kind']): Period {
  const query = request.query as { day?: string; month?: string };
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
  app: FastifyInstance,
  store: HubStore,
  clock: () => number,
  staffOf: (r: FastifyRequest) => Promise<unknown>,
) {
  const querystring = Type.Object(
    {
      day: Type.Optional(Type.String({ maxLength: 10 })),
      month: Type.Optional(Type.String({ maxLength: 7 })),
      format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
    },
    { additionalProperties: false },
  );
  for (const kind of ['day', 'month'] as const)
    app.get(
      `/api/export/v${EXPORT_VERSION}/${kind === 'day' ? 'daily' : 'monthly'}`,
      { schema: { querystring } },
      async (request, reply) => {
        await staffOf(request);
        const period = periodOf(request, kind);
        const now = clock();
        const sites = await Promise.all(
          (await store.listSites()).map((s) => indicators(store, s, period, now)),
        );
        if ((request.query as { format?: string }).format === 'csv')
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="oss-${kind}-${period.from}.csv"`)
            .send(toCsv(period, sites));
        return {
          schema: 'oss-hub-indicators',
          version: EXPORT_VERSION,
          period,
          generatedAt: toIsoLocal(now, ZONE),
          sites,
        };
      },
    );
}
