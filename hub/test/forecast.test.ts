/** The forecast: its model on a small history, its error against the naive one, the counters it asks for. */
import { compileSite } from '@oss/queue-server/core';
import { runToEnd } from '@oss/queue-server/sim';
import { describe, expect, it } from 'vitest';
import { demoScenario, measureForecast } from '../bench/forecast.ts';
import {
  addDays,
  countArrivals,
  countersNeeded,
  type DayForecast,
  forecastScenario,
  naiveForecast,
  seasonalForecast,
} from '../src/forecast.ts';

const ZONE = 'Asia/Ho_Chi_Minh';
const at = (day: string, hour: number) => Date.parse(`${day}T${String(hour).padStart(2, '0')}:10:00+07:00`);
const tickets = (day: string, hour: number, n: number, service = 'land') =>
  Array.from({ length: n }, () => ({ originalServiceId: service, issuedAt: at(day, hour) }));

describe('the forecast', () => {
  it('averages the same weekday and hour over earlier weeks, skipping days without tickets', () => {
    // Mondays 2026-11-02, -09 (closed: no tickets), -16; the forecast is for Monday -23.
    const history = countArrivals(
      [...tickets('2026-11-02', 8, 4), ...tickets('2026-11-16', 8, 8), ...tickets('2026-11-17', 9, 50)],
      ZONE,
    );
    expect(seasonalForecast(history, '2026-11-23').get('land')?.[8]).toBe(6);
    expect(seasonalForecast(history, '2026-11-23').get('land')?.[9]).toBe(0);
    expect(naiveForecast(history, '2026-11-23').get('land')?.[8]).toBe(8);
    expect(naiveForecast(history, '2026-11-30').size).toBe(0);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('is closer than "the same hour last week" on held-out weeks of simulated history', () => {
    const { seasonal, naive } = measureForecast(10, 3, 7);
    expect(seasonal.days).toBe(21);
    expect(seasonal.cellMae).toBeLessThan(naive.cellMae);
    expect(seasonal.hourMae).toBeLessThan(naive.hourMae);
  }, 120_000);

  it('asks the simulator for the fewest counters within 15 min, more for a busier day', () => {
    const scenario = demoScenario();
    const site = compileSite(scenario.config);
    const day = '2026-11-23';
    const history = countArrivals(
      Array.from({ length: 4 }, (_, w) =>
        Object.entries({ 8: 30, 9: 40, 10: 25, 14: 20 }).flatMap(([h, n]) => [
          ...tickets(addDays(day, -7 * (w + 1)), Number(h), n, 'land'),
          ...tickets(addDays(day, -7 * (w + 1)), Number(h), n, 'civil-status'),
        ]),
      ).flat(),
      ZONE,
    );
    const forecast = seasonalForecast(history, day);
    const means = () => 8;
    const quiet = runToEnd(countersNeeded(forecastScenario(site, day, forecast, means)!, 15));
    const busy: DayForecast = new Map([...forecast].map(([s, hours]) => [s, hours.map((n) => n * 2)]));
    const doubled = runToEnd(countersNeeded(forecastScenario(site, day, busy, means)!, 15));
    expect(quiet.answer).not.toBeNull();
    expect(quiet.answer!.meanWait.mean).toBeLessThanOrEqual(15);
    expect(doubled.answer!.counters).toBeGreaterThan(quiet.answer!.counters);
    expect(forecastScenario(site, day, new Map(), means)).toBeNull();
  }, 120_000);
});
