/**
 * A group of tickets and ratings as sums that add up over days, services, officers and sites: what
 * the hub's summary tables store, so that a province's year reads a few rows per site and day instead
 * of every ticket. The figures come out of them through the same formulas as from records
 * (`meanMinutesOf`, `withinTargetShareOf`, `ratingStatsOfCounts`, kpis.ts). Waits are also kept by
 * whole minute, so the share within any whole-minute target can be counted; the 90th percentile does
 * not add up and is not given here.
 */
import {
  isLateWaiting,
  isServed,
  meanMinutesOf,
  type RatingStats,
  ratingStatsOfCounts,
  type SiteKpis,
  satisfiedScoresOf,
  serviceMs,
  type TicketFacts,
  waitTargetOfTicket,
  waitTargetOn,
  withinTargetShareOf,
} from './kpis.ts';
import type { Site } from './site.ts';

export interface KpiSums {
  issued: number;
  served: number;
  noShows: number;
  /** Tickets called at least once, and their waits (issue to first call) added up, in ms. */
  called: number;
  waitMs: number;
  /** Called tickets by wait in whole minutes rounded up (0: called at once); the last holds all longer. */
  waitsByMinute: number[];
  /** Served tickets' time at the counter added up, in ms. */
  serviceMs: number;
  /** Ratings by score 1..5. */
  scoreCounts: number[];
}

/** Buckets of `waitsByMinute`: 0..239 minutes, then one for every longer wait. */
export const WAIT_MINUTE_BUCKETS = 241;
const MINUTE = 60_000;

export function emptySums(): KpiSums {
  return {
    issued: 0,
    served: 0,
    noShows: 0,
    called: 0,
    waitMs: 0,
    waitsByMinute: [],
    serviceMs: 0,
    scoreCounts: [0, 0, 0, 0, 0],
  };
}

/** What one ticket, in its present state, adds to its group. */
export function ticketSums(t: TicketFacts): KpiSums {
  const sums = { ...emptySums(), issued: 1 };
  if (isServed(t)) {
    sums.served = 1;
    sums.serviceMs = serviceMs(t);
  }
  if (t.status === 'no_show') sums.noShows = 1;
  if (t.firstCalledAt !== undefined && t.firstCalledAt !== null) {
    const wait = t.firstCalledAt - t.issuedAt;
    sums.called = 1;
    sums.waitMs = wait;
    const bucket = Math.min(WAIT_MINUTE_BUCKETS - 1, Math.max(0, Math.ceil(wait / MINUTE)));
    sums.waitsByMinute = Array.from({ length: bucket + 1 }, (_, i) => (i === bucket ? 1 : 0));
  }
  return sums;
}

/** What one rating adds. */
export function ratingSums(score: number): KpiSums {
  return { ...emptySums(), scoreCounts: [1, 2, 3, 4, 5].map((s) => (s === score ? 1 : 0)) };
}

const addArrays = (a: readonly number[], b: readonly number[], sign: number) => {
  const out = Array.from(
    { length: Math.max(a.length, b.length) },
    (_, i) => (a[i] ?? 0) + sign * (b[i] ?? 0),
  );
  while (out.length > 0 && out[out.length - 1] === 0) out.pop();
  return out;
};

/** `a + b`, or `a - b` with `sign` -1 (a ticket's old state taken out of its group). */
export function addSums(a: KpiSums, b: KpiSums, sign: 1 | -1 = 1): KpiSums {
  return {
    issued: a.issued + sign * b.issued,
    served: a.served + sign * b.served,
    noShows: a.noShows + sign * b.noShows,
    called: a.called + sign * b.called,
    waitMs: a.waitMs + sign * b.waitMs,
    waitsByMinute: addArrays(a.waitsByMinute, b.waitsByMinute, sign),
    serviceMs: a.serviceMs + sign * b.serviceMs,
    scoreCounts: [0, 1, 2, 3, 4].map((i) => (a.scoreCounts[i] ?? 0) + sign * (b.scoreCounts[i] ?? 0)),
  };
}

export const isEmptySums = (s: KpiSums) =>
  s.issued === 0 && s.called === 0 && s.waitsByMinute.length === 0 && s.scoreCounts.every((c) => c === 0);

/**
 * Called tickets whose wait was within `targetMinutes`: exact for a whole-minute target below the
 * last bucket (a wait of w minutes is within a whole target T exactly when ⌈w⌉ ≤ T); null otherwise.
 */
export function withinTargetOf(waitsByMinute: readonly number[], targetMinutes: number): number | null {
  if (!Number.isInteger(targetMinutes) || targetMinutes >= WAIT_MINUTE_BUCKETS - 1) return null;
  return waitsByMinute.slice(0, targetMinutes + 1).reduce((a, n) => a + n, 0);
}

/** A local day's sums (the day decides the wait target: 30 minutes before 2025, the site's since). */
export interface DaySums {
  day: string;
  sums: KpiSums;
}

/** The period figures a ranking reads, as `periodKpis` gives them for the same records. */
export type HeadlineKpis = Pick<
  SiteKpis,
  'issued' | 'served' | 'called' | 'waiting' | 'meanWaitMinutes' | 'withinTargetShare' | 'targetWaitMinutes'
> &
  RatingStats;

/** The same figures picked from `periodKpis`' (what the sums must equal). */
export function headlineOf(k: SiteKpis): HeadlineKpis {
  return {
    issued: k.issued,
    served: k.served,
    called: k.called,
    waiting: k.waiting,
    targetWaitMinutes: k.targetWaitMinutes,
    meanWaitMinutes: k.meanWaitMinutes,
    withinTargetShare: k.withinTargetShare,
    ratings: k.ratings,
    meanScore: k.meanScore,
    satisfiedShare: k.satisfiedShare,
    responseRate: k.responseRate,
    scoreCounts: k.scoreCounts,
  };
}

/**
 * The period's figures from its days' sums and the tickets still waiting (their lateness depends on
 * `now`, so they are read as records). Null when a day's target is not a whole number of minutes the
 * buckets can count: the caller then reads the records.
 */
export function headlineKpis(
  site: Site,
  to: string,
  days: readonly DaySums[],
  stillWaiting: readonly TicketFacts[],
  now: number,
): HeadlineKpis | null {
  let total = emptySums();
  let within = 0;
  for (const d of days) {
    const n = withinTargetOf(d.sums.waitsByMinute, waitTargetOn(site, d.day));
    if (n === null) return null;
    within += n;
    total = addSums(total, d.sums);
  }
  const targetOf = waitTargetOfTicket(site);
  const pending = stillWaiting.filter(
    (t) => t.status === 'waiting' && (t.firstCalledAt === undefined || t.firstCalledAt === null),
  );
  const late = pending.filter((t) => isLateWaiting(t, now, targetOf)).length;
  return {
    issued: total.issued,
    served: total.served,
    called: total.called,
    waiting: pending.length,
    targetWaitMinutes: waitTargetOn(site, to),
    meanWaitMinutes: meanMinutesOf(total.waitMs, total.called),
    withinTargetShare: withinTargetShareOf(within, total.called, late),
    ...ratingStatsOfCounts(total.scoreCounts, total.served, satisfiedScoresOf(site)),
  };
}
