/** The dashboard's period picker: what each choice means in local days, and dates shown as 02/12/2026. */
import { vnDate } from '@oss/protocol/time';

export type PeriodMode = 'live' | 'day' | 'range' | 'month' | 'quarter' | 'year';

export interface PeriodChoice {
  mode: PeriodMode;
  day: string;
  from: string;
  to: string;
  /** `2026-11` */
  month: string;
  /** 1–4 */
  quarter: number;
  year: number;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** A choice starting on `today` (YYYY-MM-DD): live, with the other fields on today's day, month, quarter, year. */
export function initialChoice(today: string): PeriodChoice {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  return {
    mode: 'live',
    day: today,
    from: today,
    to: today,
    month: today.slice(0, 7),
    quarter: Math.ceil(m / 3),
    year: y,
  };
}

/** The local days a choice covers, or null for today's live figures. */
export function periodRange(c: PeriodChoice): { from: string; to: string } | null {
  switch (c.mode) {
    case 'live':
      return null;
    case 'day':
      return { from: c.day, to: c.day };
    case 'range':
      return c.from <= c.to ? { from: c.from, to: c.to } : { from: c.to, to: c.from };
    case 'month': {
      const [y, m] = c.month.split('-').map(Number) as [number, number];
      return { from: `${c.month}-01`, to: `${c.month}-${pad2(lastDay(y, m))}` };
    }
    case 'quarter':
      return {
        from: `${c.year}-${pad2(c.quarter * 3 - 2)}-01`,
        to: `${c.year}-${pad2(c.quarter * 3)}-${pad2(lastDay(c.year, c.quarter * 3))}`,
      };
    case 'year':
      return { from: `${c.year}-01-01`, to: `${c.year}-12-31` };
  }
}

/** The `/api/reports` query of a month, quarter or year choice; null for the others. */
export function reportQuery(c: PeriodChoice): string | null {
  if (c.mode === 'month') return `period=month&month=${c.month}`;
  if (c.mode === 'quarter') return `period=quarter&quarter=${c.year}-Q${c.quarter}`;
  if (c.mode === 'year') return `period=year&year=${c.year}`;
  return null;
}

/** `2026-12-02` → `02/12/2026`, the Vietnamese way (also used in English: it is unambiguous here). */
export function viDate(iso: string | undefined | null): string {
  return iso && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? vnDate(iso) : (iso ?? '');
}
