import { describe, expect, it } from 'vitest';
import { hourRows } from './hourly.ts';
import type { HourlyRow, HourlyStats } from './types.ts';

const day = (rows: Record<number, Partial<HourlyRow>>): HourlyRow[] =>
  Array.from({ length: 24 }, (_, hour) => ({ hour, arrivals: 0, meanWaitMinutes: null, ...rows[hour] }));

describe('hourly chart rows', () => {
  it('keeps the hours with something, today beside the typical day', () => {
    const stats: HourlyStats = {
      day: '2026-11-24',
      from: '2026-11-24',
      to: '2026-11-24',
      hours: day({ 9: { arrivals: 3, meanWaitMinutes: 4.5 } }),
      typical: day({ 9: { arrivals: 5, meanWaitMinutes: 9 }, 10: { arrivals: 2.5, meanWaitMinutes: 8 } }),
      typicalDays: 3,
    };
    expect(hourRows(stats)).toEqual([
      { hour: 9, arrivals: 3, meanWaitMinutes: 4.5, typicalArrivals: 5, typicalMeanWaitMinutes: 9 },
      { hour: 10, arrivals: 0, meanWaitMinutes: null, typicalArrivals: 2.5, typicalMeanWaitMinutes: 8 },
    ]);
  });

  it('shows no typical day when no earlier day had tickets, nor for a period', () => {
    const oneDay: HourlyStats = {
      day: '2026-11-24',
      from: '2026-11-24',
      to: '2026-11-24',
      hours: day({ 9: { arrivals: 3, meanWaitMinutes: 4.5 } }),
      typical: day({ 10: { arrivals: 0 } }),
      typicalDays: 0,
    };
    const expected = [
      { hour: 9, arrivals: 3, meanWaitMinutes: 4.5, typicalArrivals: null, typicalMeanWaitMinutes: null },
    ];
    expect(hourRows(oneDay)).toEqual(expected);
    expect(hourRows({ ...oneDay, from: '2026-11-01', typical: [] })).toEqual(expected);
    expect(hourRows({ ...oneDay, hours: day({}) })).toEqual([]);
  });
});
