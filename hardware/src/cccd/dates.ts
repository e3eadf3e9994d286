/** True when y-m-d is a real calendar date. */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [
    31,
    (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return d <= days[m - 1]!;
}

/** 'ddmmyyyy' or 'dd/mm/yyyy' (also '-' or '.') as written on the card → 'YYYY-MM-DD', or undefined. */
export function cardDateToIso(text: string): string | undefined {
  const m = /^(\d{2})[/.-]?(\d{2})[/.-]?(\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isCalendarDate(y, mo, d)) return undefined;
  return `${m[3]}-${m[2]}-${m[1]}`;
}
