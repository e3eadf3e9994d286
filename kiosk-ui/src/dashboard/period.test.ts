import { describe, expect, it } from 'vitest';
import { initialChoice, periodRange, reportQuery, viDate } from './period.ts';

describe('period picker', () => {
  const today = initialChoice('2026-12-02');

  it('starts live on today, its month, quarter and year', () => {
    expect(periodRange(today)).toBeNull();
    expect(today).toMatchObject({ month: '2026-12', quarter: 4, year: 2026 });
  });

  it('turns each choice into local days and the report query', () => {
    expect(periodRange({ ...today, mode: 'month', month: '2024-02' })).toEqual({
      from: '2024-02-01',
      to: '2024-02-29',
    });
    expect(periodRange({ ...today, mode: 'quarter', quarter: 2 })).toEqual({
      from: '2026-04-01',
      to: '2026-06-30',
    });
    expect(periodRange({ ...today, mode: 'range', from: '2026-11-30', to: '2026-11-02' })).toEqual({
      from: '2026-11-02',
      to: '2026-11-30',
    });
    expect(reportQuery({ ...today, mode: 'quarter', quarter: 3 })).toBe('period=quarter&quarter=2026-Q3');
    expect(reportQuery({ ...today, mode: 'day' })).toBeNull();
  });

  it('writes dates as 02/12/2026', () => {
    expect(viDate('2026-12-02')).toBe('02/12/2026');
    expect(viDate('')).toBe('');
  });
});
