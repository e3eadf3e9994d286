import { describe, expect, it } from 'vitest';
import { ageOn, isRealDate, localDate, localMinuteOfDay, localWeekday, toIsoLocal } from './time.ts';

describe('site time', () => {
  it('formats ISO 8601 with the site offset and milliseconds', () => {
    const t = Date.parse('2026-11-22T01:01:02.345Z');
    expect(toIsoLocal(t, 'Asia/Ho_Chi_Minh')).toBe('2026-11-22T08:01:02.345+07:00');
    expect(toIsoLocal(t + 59_000, 'Asia/Ho_Chi_Minh')).toBe('2026-11-22T08:02:01.345+07:00');
    expect(toIsoLocal(t, 'America/New_York')).toBe('2026-11-21T20:01:02.345-05:00');
  });

  it('gives the local date, minute of day and weekday in the site zone, across cache minutes and zones', () => {
    const late = Date.parse('2026-11-23T17:30:00Z'); // 00:30 on Tuesday in Hà Nội
    expect(localDate(late, 'Asia/Ho_Chi_Minh')).toBe('2026-11-24');
    expect(localDate(late, 'UTC')).toBe('2026-11-23');
    expect(localMinuteOfDay(late, 'Asia/Ho_Chi_Minh')).toBe(30);
    expect(localWeekday(late, 'Asia/Ho_Chi_Minh')).toBe(2);
    expect(localDate(late - 60 * 60_000, 'Asia/Ho_Chi_Minh')).toBe('2026-11-23');
  });

  it('follows daylight-saving changes', () => {
    // Europe/Berlin switched from +02:00 to +01:00 at 01:00 UTC on 2026-10-25.
    expect(toIsoLocal(Date.parse('2026-10-25T00:59:59.000Z'), 'Europe/Berlin')).toBe(
      '2026-10-25T02:59:59.000+02:00',
    );
    expect(toIsoLocal(Date.parse('2026-10-25T01:00:00.000Z'), 'Europe/Berlin')).toBe(
      '2026-10-25T02:00:00.000+01:00',
    );
  });

  it('computes ages and checks real dates', () => {
    expect(ageOn('1966-11-23', '2026-11-23')).toBe(60);
    expect(ageOn('1966-11-24', '2026-11-23')).toBe(59);
    expect(ageOn('2000-02-29', '2026-02-28')).toBe(25);
    expect(isRealDate('2024-02-29')).toBe(true);
    expect(isRealDate('2026-02-29')).toBe(false);
    expect(isRealDate('2026-13-01')).toBe(false);
  });
});
