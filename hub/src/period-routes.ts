/**
 * The province's periods (docs/hub.md): every site ranked for a day, month, quarter or year, and one
 * site's report for it (officers against the 468 floors, hourly and daily charts). Hub staff only.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  fail,
  HubForecastQuery,
  HubForecastResponse,
  HubPeriodQuery,
  HubRankingsResponse,
  HubSiteReport,
  localDate,
  type ReportPeriod,
  TicketParams,
} from '@oss/protocol';
import { headlineKpis, hourlyProfile, periodKpis, reportPeriod } from '@oss/queue-server/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forecastDays } from './forecast-days.ts';
import type { ProvinceSettings } from './hub-config.ts';
import { coreSite, dailyRows, rankFigures, rankSites, siteReport } from './periods.ts';
import type { HubStore, SiteRow } from './store.ts';

export interface PeriodRouteDeps {
  store: HubStore;
  clock: () => number;
  staffOf: (r: FastifyRequest) => Promise<unknown>;
  settings: ProvinceSettings;
}

/** The site's records of the period, and the core's view of the site. */
async function periodData(store: HubStore, row: SiteRow, period: ReportPeriod, settings: ProvinceSettings) {
  const [tickets, ratings] = await Promise.all([
    store.ticketsBetween(row.id, period.from, period.to),
    store.ratingsBetween(row.id, period.from, period.to),
  ]);
  const site = coreSite(
    row.id,
    row.info,
    settings.placeOf(row.id),
    tickets.map((t) => t.priority),
  );
  return { site, tickets, records: { from: period.from, to: period.to, tickets, ratings, emotions: [] } };
}

export function periodRoutes(fastify: FastifyInstance, deps: PeriodRouteDeps): void {
  const { store, clock, staffOf, settings } = deps;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/api/rankings',
    { schema: { querystring: HubPeriodQuery, response: { 200: HubRankingsResponse } } },
    async (request) => {
      await staffOf(request);
      const period = reportPeriod(request.query.period, request.query.label);
      const now = clock();
      const [rows, sums] = await Promise.all([store.listSites(), store.periodSums(period.from, period.to)]);
      const inputs = await Promise.all(
        rows.map(async (row) => {
          const place = settings.placeOf(row.id);
          const site = coreSite(row.id, row.info, place, []);
          const summed = sums.get(row.id) ?? { days: [], waiting: [] };
          // The summed days; the records only for a site whose target is not in whole minutes.
          const figures =
            headlineKpis(site, period.to, summed.days, summed.waiting, now) ??
            periodKpis(site, (await periodData(store, row, period, settings)).records, now);
          return { siteId: row.id, name: site.config.site.name, ...place, ...rankFigures(figures) };
        }),
      );
      return { period, sites: rankSites(inputs) };
    },
  );

  app.get(
    '/api/sites/:id/report',
    { schema: { params: TicketParams, querystring: HubPeriodQuery, response: { 200: HubSiteReport } } },
    async (request) => {
      await staffOf(request);
      const { id } = request.params;
      const row = await store.findSite(id);
      if (!row) fail('not_found', `Không có đơn vị "${id}"`, `No site "${id}"`);
      const period = reportPeriod(request.query.period, request.query.label);
      const now = clock();
      const { site, tickets, records } = await periodData(store, row, period, settings);
      const today = localDate(now, site.timeZone);
      const end = period.to.localeCompare(today) < 0 ? period.to : today;
      const yearEnd = end < period.from ? period.to : end;
      const yearToDate = await store.servedByOfficer(id, `${period.to.slice(0, 4)}-01-01`, yearEnd);
      const data = {
        records,
        yearToDate,
        yearEnd,
        dossiersByOfficer: await store.dossiersByOfficer(id, period.from, period.to),
      };
      const daysWithTickets = new Set(tickets.map((t) => t.day)).size;
      return {
        siteId: id,
        name: site.config.site.name,
        ...settings.placeOf(id),
        ...siteReport(site, period, data, now, settings),
        hourly: hourlyProfile(tickets, site.timeZone, daysWithTickets),
        daily: dailyRows(site, tickets, now),
        services: site.config.services.map((s) => ({ id: s.id, name: s.name })),
      };
    },
  );

  app.get(
    '/api/sites/:id/forecast',
    {
      schema: { params: TicketParams, querystring: HubForecastQuery, response: { 200: HubForecastResponse } },
    },
    async (request) => {
      await staffOf(request);
      const { id } = request.params;
      const row = await store.findSite(id);
      if (!row) fail('not_found', `Không có đơn vị "${id}"`, `No site "${id}"`);
      return forecastDays(store, row, settings, clock(), Number(request.query.days ?? 7));
    },
  );
}
