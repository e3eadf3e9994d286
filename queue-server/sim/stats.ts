/** Results of simulated days: waits by class, group and service, utilisation, ETA errors, with CIs. */
import type { DayResult, TicketOutcome } from './simulator.ts';

export interface WaitSummary {
  /** Tickets called (their wait is known). */
  n: number;
  mean: number | null;
  p90: number | null;
  max: number | null;
  /** Share called within the target, among called and never-called tickets. */
  withinTarget: number | null;
  /** Measured tickets never called before the end of the day. */
  unserved: number;
}

export interface EtaSummary {
  n: number;
  /** Mean absolute error, minutes. */
  mae: number;
  /** Mean of predicted − real, minutes. */
  bias: number;
  /** Share of real waits inside the range shown. */
  coverage: number;
  /** Mean width of the range, minutes. */
  meanWidth: number;
}

export interface Interval {
  mean: number;
  /** 95 % confidence half-width over replications (Student t). */
  halfWidth: number;
}

export interface Report {
  replications: number;
  targetMinutes: number;
  waits: {
    all: WaitSummary;
    byClass: Record<string, WaitSummary>;
    /** `normal` and every priority class together as `priority`. */
    byGroup: Record<string, WaitSummary>;
    byService: Record<string, WaitSummary>;
  };
  /** Busy time over open time, all counters. */
  utilisation: number;
  byCounter: Record<string, { utilisation: number; openMinutes: number }>;
  served: number;
  noShows: number;
  eta: Record<string, EtaSummary>;
  /** Confidence intervals of daily means over the replications. */
  ci: {
    meanWait: Interval;
    withinTarget: Interval;
    byGroup: Record<string, Interval>;
  };
  /** Mean minute (since midnight) at which the last counter finished. */
  endedAt: number;
  /** Counter switches per day made by following the advice (0 unless asked). */
  switchesPerDay: number;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function summariseWaits(tickets: TicketOutcome[], target: number): WaitSummary {
  const waits = tickets
    .map((t) => t.wait)
    .filter((w): w is number => w !== null)
    .sort((a, b) => a - b);
  const unserved = tickets.length - waits.length;
  const mean = waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length : null;
  return {
    n: waits.length,
    mean: mean === null ? null : round(mean),
    p90: quantile(waits, 0.9) === null ? null : round(quantile(waits, 0.9)!),
    max: waits.length ? round(waits.at(-1)!) : null,
    withinTarget: tickets.length ? round(waits.filter((w) => w <= target).length / tickets.length, 4) : null,
    unserved,
  };
}

function groupBy(tickets: TicketOutcome[], key: (t: TicketOutcome) => string): Map<string, TicketOutcome[]> {
  const groups = new Map<string, TicketOutcome[]>();
  for (const t of tickets) {
    const k = key(t);
    const list = groups.get(k);
    if (list) list.push(t);
    else groups.set(k, [t]);
  }
  return groups;
}

const summariseGroups = (groups: Map<string, TicketOutcome[]>, target: number) =>
  Object.fromEntries(
    [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, ts]) => [k, summariseWaits(ts, target)]),
  );

export const groupOf = (t: { priority: string }) => (t.priority === 'normal' ? 'normal' : 'priority');

export function etaSummary(tickets: TicketOutcome[], name: string): EtaSummary | null {
  const scored = tickets.filter((t) => t.wait !== null && t.predictions[name]);
  if (scored.length === 0) return null;
  let abs = 0;
  let bias = 0;
  let inside = 0;
  let width = 0;
  for (const t of scored) {
    const p = t.predictions[name]!;
    abs += Math.abs(p.etaMinutes - t.wait!);
    bias += p.etaMinutes - t.wait!;
    if (t.wait! >= p.low && t.wait! <= p.high) inside++;
    width += p.high - p.low;
  }
  const n = scored.length;
  return {
    n,
    mae: round(abs / n),
    bias: round(bias / n),
    coverage: round(inside / n, 4),
    meanWidth: round(width / n),
  };
}

/** Two-sided 95 % Student t quantiles for small degrees of freedom. */
function t95(df: number): number {
  const table = [12.71, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];
  if (df <= 0) return Number.NaN;
  if (df <= table.length) return table[df - 1]!;
  if (df <= 20) return 2.086;
  if (df <= 30) return 2.042;
  return 1.96;
}

export function interval(values: number[]): Interval {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean: round(mean, 3), halfWidth: Number.NaN };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean: round(mean, 3), halfWidth: round(t95(n - 1) * Math.sqrt(variance / n), 3) };
}

const meanWait = (ts: TicketOutcome[]) => {
  const waits = ts.filter((t) => t.wait !== null).map((t) => t.wait!);
  return waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length : 0;
};

export function summariseDays(days: DayResult[], target: number): Report {
  const measured = days.map((d) => d.tickets.filter((t) => t.measured));
  const all = measured.flat();
  const busy = days.flatMap((d) => d.counters).reduce((a, c) => a + c.busyMinutes, 0);
  const open = days.flatMap((d) => d.counters).reduce((a, c) => a + c.openMinutes, 0);
  const byCounter: Report['byCounter'] = {};
  for (const c of days[0]?.counters ?? []) {
    const same = days.flatMap((d) => d.counters.filter((x) => x.counterId === c.counterId));
    const o = same.reduce((a, x) => a + x.openMinutes, 0);
    byCounter[c.counterId] = {
      utilisation: o ? round(same.reduce((a, x) => a + x.busyMinutes, 0) / o, 4) : 0,
      openMinutes: round(o / days.length, 1),
    };
  }
  const names = [...new Set(all.flatMap((t) => Object.keys(t.predictions)))];
  const groups = [...new Set(all.map(groupOf))].sort();
  return {
    replications: days.length,
    targetMinutes: target,
    waits: {
      all: summariseWaits(all, target),
      byClass: summariseGroups(
        groupBy(all, (t) => t.priority),
        target,
      ),
      byGroup: summariseGroups(groupBy(all, groupOf), target),
      byService: summariseGroups(
        groupBy(all, (t) => t.serviceId),
        target,
      ),
    },
    utilisation: open ? round(busy / open, 4) : 0,
    byCounter,
    served: all.filter((t) => t.wait !== null && !t.noShow).length,
    noShows: all.filter((t) => t.wait !== null && t.noShow).length,
    eta: Object.fromEntries(names.map((n) => [n, etaSummary(all, n)!]).filter(([, s]) => s !== null)),
    ci: {
      meanWait: interval(measured.map(meanWait)),
      withinTarget: interval(measured.map((ts) => summariseWaits(ts, target).withinTarget ?? 0)),
      byGroup: Object.fromEntries(
        groups.map((g) => [g, interval(measured.map((ts) => meanWait(ts.filter((t) => groupOf(t) === g))))]),
      ),
    },
    endedAt: round(days.reduce((a, d) => a + d.endedAt, 0) / days.length, 1),
    switchesPerDay: round(days.reduce((a, d) => a + d.switches, 0) / days.length, 1),
  };
}

/**
 * Mean of y over replications, corrected by control variates whose expectations are known
 * (y − β·(x − E[x]), β by least squares), with a 95 % half-width from the regression residuals.
 * Used to check the simulator against theory with far fewer simulated days.
 */
export function controlledMean(y: number[], xs: number[][], expected: number[]): Interval {
  const n = y.length;
  const k = expected.length;
  const centred = xs.map((row) => row.map((x, j) => x - expected[j]!));
  const meanY = y.reduce((a, b) => a + b, 0) / n;
  const meanX = expected.map((_, j) => centred.reduce((a, r) => a + r[j]!, 0) / n);
  // Normal equations on centred data: (XᵀX) β = Xᵀy.
  const xtx = expected.map((_, i) =>
    expected.map((_, j) => centred.reduce((a, r) => a + (r[i]! - meanX[i]!) * (r[j]! - meanX[j]!), 0)),
  );
  const xty = expected.map((_, i) =>
    centred.reduce((a, r, d) => a + (r[i]! - meanX[i]!) * (y[d]! - meanY), 0),
  );
  const beta = solve(xtx, xty);
  const estimate = meanY - beta.reduce((a, b, j) => a + b * meanX[j]!, 0);
  const residuals = y.map(
    (v, d) => v - meanY - beta.reduce((a, b, j) => a + b * (centred[d]![j]! - meanX[j]!), 0),
  );
  const s2 = residuals.reduce((a, r) => a + r * r, 0) / (n - k - 1);
  // Variance of the intercept at x = E[x]: s²(1/n + m̄ᵀ(XᵀX)⁻¹m̄).
  const inv = solve(xtx, meanX);
  const leverage = 1 / n + meanX.reduce((a, m, j) => a + m * inv[j]!, 0);
  return { mean: round(estimate, 3), halfWidth: round(t95(n - k - 1) * Math.sqrt(s2 * leverage), 3) };
}

/** Gaussian elimination for the small systems above. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}
