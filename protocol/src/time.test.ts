import { describe, expect, it } from 'vitest';
import {
  ageOn,
  isKnownTimeZone,
  isRealDate,
  localClock,
  localDate,
  localMinuteOfDay,
  localParts,
  localWeekday,
  toIsoLocal,
} from './time.ts';

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

  it('computes fixed-offset zones without ICU exactly as ICU does', () => {
    const icu = (timeZone: string) => {
      const format = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      });
      return (epochMs: number) => {
        const parts = format.formatToParts(new Date(epochMs));
        const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
        return [n('year'), n('month'), n('day'), n('hour'), n('minute')];
      };
    };
    // Every ~37 hours from 1976 to 2100 (all hours of the day, leap days, year ends), per zone.
    for (const zone of ['Asia/Ho_Chi_Minh', 'Asia/Saigon', 'Asia/Bangkok', 'UTC', 'Etc/UTC']) {
      const expected = icu(zone);
      for (let t = Date.UTC(1976, 0, 1); t < Date.UTC(2100, 0, 1); t += 37 * 3_600_000 + 61_000) {
        const p = localParts(t, zone);
        expect([p.year, p.month, p.day, p.hour, p.minute], `${zone} ${new Date(t).toISOString()}`).toEqual(
          expected(t),
        );
      }
    }
    // Before 1976 Việt Nam's offset changed: ICU decides.
    expect(toIsoLocal(Date.parse('1960-06-01T00:00:00Z'), 'Asia/Ho_Chi_Minh')).toBe(
      '1960-06-01T08:00:00.000+08:00',
    );
  });

  it("writes the site's wall clock as vi-VN and en-GB write it, without asking ICU for Việt Nam", () => {
    for (const zone of ['Asia/Ho_Chi_Minh', 'Europe/Berlin', 'America/New_York']) {
      const options = { timeZone: zone, hour: '2-digit', minute: '2-digit' } as const;
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 7 * 3_600_000 + 13 * 60_000) {
        const clock = localClock(t, zone);
        expect(clock, `${zone} ${new Date(t).toISOString()}`).toBe(
          new Date(t).toLocaleTimeString('vi-VN', options),
        );
        expect(clock).toBe(new Date(t).toLocaleTimeString('en-GB', options));
      }
    }
  });

  it('tells known time zones from unknown ones', () => {
    expect(isKnownTimeZone('Asia/Ho_Chi_Minh')).toBe(true);
    expect(isKnownTimeZone('Europe/Berlin')).toBe(true);
    expect(isKnownTimeZone('Asia/Hanoi')).toBe(false);
    expect(isKnownTimeZone('')).toBe(false);
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
