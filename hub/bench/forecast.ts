/**
 * The forecast's error on simulated history (docs/hub.md "Forecast"): weeks of the demo site's days
 * from the simulator's arrival process, with weekday factors and a slow trend; the last weeks held
 * out, each day forecast from the days before it by the seasonal and by the naive model.
 *
 *   node hub/bench/forecast.ts [weeks=12] [heldOut=4] [seed=1]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { QUEUE_SERVER_ROOT } from '@oss/queue-server';
import {
  createRng,
  generateArrivals,
  loadScenario,
  localMidnight,
  type Scenario,
} from '@oss/queue-server/sim';
import { addDays, countArrivals, forecastError, naiveForecast, seasonalForecast } from '../src/forecast.ts';

/** Monday … Sunday: busier at the start and end of the week, half a day on Saturday, closed Sunday. */
export const WEEKDAY_FACTORS = [1.2, 1, 1, 0.95, 1.1, 0.5, 0];
/** Growth per week (a slow trend the seasonal model does not know of). */
export const WEEKLY_GROWTH = 0.005;

export const demoScenario = (): Scenario =>
  loadScenario(resolve(QUEUE_SERVER_ROOT, 'sim/scenarios/demo-site.json'));

/** The scenario's day scaled by `factor`. */
function scaled(s: Scenario, factor: number): Scenario {
  return {
    ...s,
    segments: s.segments.map((g) => ({ ...g, perMinute: g.perMinute * factor })),
    openingBatch: s.openingBatch
      ? { ...s.openingBatch, count: Math.round(s.openingBatch.count * factor) }
      : null,
  };
}

/** Tickets of `weeks` simulated weeks from Monday `start`: each citizen's service and issue time. */
export function simulatedHistory(scenario: Scenario, start: string, weeks: number, seed: number) {
  const tickets: { originalServiceId: string; issuedAt: number }[] = [];
  for (let d = 0; d < weeks * 7; d++) {
    const factor = WEEKDAY_FACTORS[d % 7]! * (1 + WEEKLY_GROWTH) ** Math.floor(d / 7);
    if (factor === 0) continue;
    const day = addDays(start, d);
    const midnight = localMidnight(day, scenario.config.site.timezone);
    for (const a of generateArrivals(scaled(scenario, factor), createRng(seed * 1000 + d)))
      tickets.push({ originalServiceId: a.serviceId, issuedAt: midnight + Math.round(a.at * 60_000) });
  }
  return tickets;
}

/** Both models' errors on the last `heldOut` weeks of `weeks` simulated ones. */
export function measureForecast(weeks: number, heldOut: number, seed: number) {
  const scenario = demoScenario();
  const start = '2026-06-01'; // a Monday
  const history = countArrivals(
    simulatedHistory(scenario, start, weeks, seed),
    scenario.config.site.timezone,
  );
  const days = Array.from({ length: heldOut * 7 }, (_, i) => addDays(start, (weeks - heldOut) * 7 + i));
  return {
    seasonal: forecastError(history, days, (past, day) => seasonalForecast(past, day)),
    naive: forecastError(history, days, naiveForecast),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [weeks = 12, heldOut = 4, seed = 1] = process.argv.slice(2).map(Number);
  console.log(JSON.stringify({ weeks, heldOut, seed, ...measureForecast(weeks, heldOut, seed) }));
}
