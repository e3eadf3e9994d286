/** The forecast route's work: the site's last weeks from the store, each next day foreseen and sized. */
import { type HubForecastResponse, localDate } from '@oss/protocol';
import { runWithPauses } from '@oss/queue-server/sim';
import {
  addDays,
  countArrivals,
  countersNeeded,
  FORECAST_WEEKS,
  forecastScenario,
  seasonalForecast,
  serviceMeans,
} from './forecast.ts';
import type { ProvinceSettings } from './hub-config.ts';
import { coreSite } from './periods.ts';
import type { HubStore, SiteRow } from './store.ts';

/** Before a site has its own served tickets: a mean service time of 10 minutes. */
const FALLBACK_SERVICE_MINUTES = 10;
const round1 = (x: number) => Math.round(x * 10) / 10;

export async function forecastDays(
  store: HubStore,
  row: SiteRow,
  settings: ProvinceSettings,
  now: number,
  days: number,
): Promise<HubForecastResponse> {
  const zone = row.info?.timeZone ?? 'Asia/Ho_Chi_Minh';
  const today = localDate(now, zone);
  const tickets = await store.ticketsBetween(row.id, addDays(today, -7 * FORECAST_WEEKS), addDays(today, -1));
  const site = coreSite(row.id, row.info, settings.placeOf(row.id), []);
  const history = countArrivals(tickets, zone);
  const means = serviceMeans(tickets, FALLBACK_SERVICE_MINUTES);
  const out: HubForecastResponse['days'] = [];
  for (let i = 1; i <= days; i++) {
    const day = addDays(today, i);
    const forecast = seasonalForecast(history, day);
    const scenario = forecastScenario(site, day, forecast, means);
    // The capacity search is CPU work (about a second a day): ingest and other requests run between its trials.
    const sized = scenario
      ? (await runWithPauses(countersNeeded(scenario, site.waitTargetMinutes))).answer
      : null;
    const services = [...forecast].map(([serviceId, hours]) => ({ serviceId, hours: hours.map(round1) }));
    out.push({
      day,
      services,
      total: round1([...forecast.values()].flat().reduce((a, b) => a + b, 0)),
      countersNeeded: sized?.counters ?? null,
      meanWaitMinutes: sized ? round1(sized.meanWait.mean) : null,
    });
  }
  return { siteId: row.id, targetWaitMinutes: site.waitTargetMinutes, weeks: FORECAST_WEEKS, days: out };
}
