import { describe, expect, it } from 'vitest';
import { hourlyFromCsv, normaliseHourly } from './hourly.ts';

describe('hourly chart data', () => {
  it('computes today by local issue hour from the ticket CSV (BOM, UTC times, missing waits)', () => {
    const csv =
      '\uFEFFnumber,service,priority,status,issued_at,first_called_at,finished_at,counter,officer,wait_minutes,offline\n' +
      'A001,civil-status,normal,done,2026-11-24T01:05:00.000Z,2026-11-24T01:15:00.000Z,,counter-1,officer1,10.0,0\n' +
      'A002,civil-status,normal,done,2026-11-24T01:50:00.000Z,2026-11-24T02:10:00.000Z,,counter-1,officer1,20.0,0\n' +
      'B001,certification,normal,waiting,2026-11-24T02:30:00.000Z,,,,,,0\n';
    // Asia/Ho_Chi_Minh is UTC+7: 01:05Z → 8 h, 02:30Z → 9 h.
    expect(hourlyFromCsv(csv, 'Asia/Ho_Chi_Minh')).toEqual([
      { hour: 8, arrivals: 2, meanWaitMinutes: 15, typicalArrivals: null, typicalMeanWaitMinutes: null },
      { hour: 9, arrivals: 1, meanWaitMinutes: null, typicalArrivals: null, typicalMeanWaitMinutes: null },
    ]);
    expect(hourlyFromCsv('', 'Asia/Ho_Chi_Minh')).toEqual([]);
  });

  it('accepts both shapes of /api/stats/hourly', () => {
    const a = normaliseHourly({
      hours: [{ hour: 9, arrivals: 4, meanWaitMinutes: 7, typicalArrivals: 5, typicalMeanWaitMinutes: 9 }],
    });
    const b = normaliseHourly({
      today: [{ hour: 9, arrivals: 4, meanWaitMinutes: 7 }],
      typical: [
        { hour: 9, arrivals: 5, meanWaitMinutes: 9 },
        { hour: 10, arrivals: 6 },
      ],
    });
    expect(a).toEqual([
      { hour: 9, arrivals: 4, meanWaitMinutes: 7, typicalArrivals: 5, typicalMeanWaitMinutes: 9 },
    ]);
    expect(b[0]).toEqual(a[0]);
    expect(b[1]).toEqual({
      hour: 10,
      arrivals: 0,
      meanWaitMinutes: null,
      typicalArrivals: 6,
      typicalMeanWaitMinutes: null,
    });
    expect(normaliseHourly(null)).toEqual([]);
    // The queue server's shape: 24 rows each, a typical day only when earlier weeks had tickets.
    const zero = (hour: number) => ({ hour, arrivals: 0, meanWaitMinutes: null });
    const server = {
      day: '2026-11-24',
      hours: Array.from({ length: 24 }, (_, h) =>
        h === 9 ? { hour: 9, arrivals: 3, meanWaitMinutes: 4.5 } : zero(h),
      ),
      typical: Array.from({ length: 24 }, (_, h) => zero(h)),
      typicalDays: 0,
    };
    expect(normaliseHourly(server)).toEqual([
      { hour: 9, arrivals: 3, meanWaitMinutes: 4.5, typicalArrivals: null, typicalMeanWaitMinutes: null },
    ]);
    server.typical[10] = { hour: 10, arrivals: 2.5, meanWaitMinutes: 8 } as never;
    server.typicalDays = 3;
    expect(normaliseHourly(server).map((r) => [r.hour, r.typicalArrivals])).toEqual([
      [9, 0],
      [10, 2.5],
    ]);
    expect(normaliseHourly({ hours: [{ arrivals: 3 }] })).toEqual([]);
  });
});
