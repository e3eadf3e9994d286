/**
 * The indicators against the policy targets, for today or any period: one definition, fed either the
 * day's state or stored records. A ticket's wait is from its issue to its first call. Tickets still
 * waiting count in `maxWaitMinutes`, and in the within-target share once they are past it.
 */
import {
  type EmotionStats,
  type OfficerKpi,
  type RatingStats,
  type ServiceKpi,
  type SiteKpis,
  type WaitStats,
  zonedEpoch,
} from '@oss/protocol';
import type { Site } from './site.ts';
import type { SiteLevel } from './site-config.ts';
import type { EmotionRecord, QueueState, RatingRecord, TicketRecord } from './state.ts';

/** What the indicators read of a ticket: today's records and stored rows both have it. */
export type TicketFacts = Pick<
  TicketRecord,
  | 'originalServiceId'
  | 'priority'
  | 'status'
  | 'issuedAt'
  | 'firstCalledAt'
  | 'calledAt'
  | 'startedAt'
  | 'finishedAt'
  | 'officerId'
>;
export type RatingFacts = Pick<RatingRecord, 'officerId' | 'serviceId' | 'score'>;
export type EmotionFacts = Pick<
  EmotionRecord,
  'officerId' | 'serviceId' | 'satisfaction' | 'confidence' | 'frames'
>;

/** The records of a period of local days `from`..`to` (inclusive). */
export interface KpiRecords {
  from: string;
  to: string;
  tickets: readonly TicketFacts[];
  ratings: readonly RatingFacts[];
  emotions: readonly EmotionFacts[];
}

/** The indicators' shapes are the HTTP contract's (protocol/src/http.ts): one definition. */
export type { EmotionStats, OfficerKpi, RatingStats, ServiceKpi, SiteKpis, WaitStats };

const MINUTE = 60_000;

/** Satisfied scores when the site does not say: 4 (Hài lòng) and 5 (Rất hài lòng); 3 is neutral. */
export const DEFAULT_SATISFIED_SCORES = [4, 5];

export function satisfiedScoresOf(site: Site): number[] {
  return [...(site.config.targets.satisfiedScores ?? DEFAULT_SATISFIED_SCORES)].sort((a, b) => a - b);
}

/**
 * Decision 468/QĐ-TTg's average-wait targets by the local date they took effect: 30 min (2022), then
 * 15 min from 2025. From 2025 the site's own `targets.waitMinutes` (15 by default) applies.
 */
export const WAIT_TARGET_2022 = { from: '2022-01-01', minutes: 30 };
export const WAIT_TARGET_2025_FROM = '2025-01-01';

export function waitTargetOn(site: Site, day: string): number {
  return day < WAIT_TARGET_2025_FROM ? WAIT_TARGET_2022.minutes : site.waitTargetMinutes;
}

/** The target for a ticket by its issue time: one comparison, not a date per ticket. */
export function waitTargetOfTicket(site: Site): (issuedAt: number) => number {
  const switchAt = zonedEpoch(WAIT_TARGET_2025_FROM, 0, site.timeZone);
  return (issuedAt) => (issuedAt < switchAt ? WAIT_TARGET_2022.minutes : site.waitTargetMinutes);
}

/** Decision 468's floor of dossiers received per officer per year, by the site's level. */
export const PRODUCTIVITY_FLOORS: Record<SiteLevel, number> = {
  ministry: 2000,
  'central-city': 1800,
  province: 1600,
  rural: 1200,
  remote: 800,
};

export function siteLevelOf(site: Site): SiteLevel {
  return site.config.site.level ?? 'province';
}

export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

export const isServed = (t: Pick<TicketFacts, 'status'>) => t.status === 'done';

/** A mean in minutes from a sum of milliseconds: one formula for records and the hub's sums. */
export const meanMinutesOf = (ms: number, n: number) => round1(n > 0 ? ms / n / MINUTE : null);

/** Called within the target, over called and still waiting past it. */
export const withinTargetShareOf = (within: number, called: number, late: number) =>
  share(within, called + late);

/** A ticket never called, still waiting at `now` beyond its target. */
export const isLateWaiting = (t: TicketFacts, now: number, targetOf: (issuedAt: number) => number) =>
  (t.firstCalledAt === undefined || t.firstCalledAt === null) &&
  t.status === 'waiting' &&
  (now - t.issuedAt) / MINUTE > targetOf(t.issuedAt);

export function waitStats(
  tickets: readonly TicketFacts[],
  now: number,
  targetOf: (issuedAt: number) => number,
): WaitStats {
  const waits: number[] = [];
  let waitMs = 0;
  let within = 0;
  let late = 0;
  let waiting = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (const t of tickets) {
    if (t.firstCalledAt !== undefined && t.firstCalledAt !== null) {
      waitMs += t.firstCalledAt - t.issuedAt;
      const w = (t.firstCalledAt - t.issuedAt) / MINUTE;
      waits.push(w);
      if (w <= targetOf(t.issuedAt)) within++;
      if (w > max) max = w;
    } else if (t.status === 'waiting') {
      const w = (now - t.issuedAt) / MINUTE;
      waiting++;
      if (isLateWaiting(t, now, targetOf)) late++;
      if (w > max) max = w;
    }
  }
  waits.sort((a, b) => a - b);
  return {
    called: waits.length,
    waiting,
    meanWaitMinutes: meanMinutesOf(waitMs, waits.length),
    p90WaitMinutes: round1(quantile(waits, 0.9)),
    maxWaitMinutes: Number.isFinite(max) ? round1(max) : null,
    withinTargetShare: withinTargetShareOf(within, waits.length, late),
  };
}

/** Satisfaction over rated tickets, with the response rate over `served` beside it. */
export function ratingStats(
  ratings: readonly { score: number }[],
  served: number,
  satisfiedScores: readonly number[] = DEFAULT_SATISFIED_SCORES,
): RatingStats {
  const scoreCounts: RatingStats['scoreCounts'] = [0, 0, 0, 0, 0];
  for (const r of ratings) scoreCounts[r.score - 1]!++;
  return ratingStatsOfCounts(scoreCounts, served, satisfiedScores);
}

/** `ratingStats` from the count of each score 1..5 (what the hub's summary tables hold). */
export function ratingStatsOfCounts(
  counts: readonly number[],
  served: number,
  satisfiedScores: readonly number[] = DEFAULT_SATISFIED_SCORES,
): RatingStats {
  const scoreCounts = [0, 1, 2, 3, 4].map((i) => counts[i] ?? 0) as RatingStats['scoreCounts'];
  const n = scoreCounts.reduce((a, c) => a + c, 0);
  const total = scoreCounts.reduce((a, c, i) => a + c * (i + 1), 0);
  const satisfied = satisfiedScores.reduce((a, s) => a + (scoreCounts[s - 1] ?? 0), 0);
  return {
    ratings: n,
    meanScore: round1(n > 0 ? total / n : null),
    satisfiedShare: share(satisfied, n),
    responseRate: share(n, served),
    scoreCounts,
  };
}

/**
 * Below these, the camera's estimate of a group (an officer, a service, the site) says more about a few
 * faces than about the service: every screen marks it "not enough data" (`emotionEnoughData`).
 * A few services, several frames each, and a mean confidence above the device's own floor (0.2).
 */
export const EMOTION_DISPLAY_MINIMUM = { estimates: 5, frames: 20, meanConfidence: 0.3 } as const;

export function emotionStats(
  estimates: readonly Pick<EmotionFacts, 'satisfaction' | 'confidence' | 'frames'>[],
): EmotionStats {
  const weight = estimates.reduce((a, e) => a + e.confidence, 0);
  const frames = estimates.reduce((a, e) => a + e.frames, 0);
  const round2 = (x: number) => Math.round(x * 100) / 100;
  const min = EMOTION_DISPLAY_MINIMUM;
  return {
    emotionEstimates: estimates.length,
    emotionFrames: frames,
    emotionEnoughData:
      estimates.length >= min.estimates &&
      frames >= min.frames &&
      weight / estimates.length >= min.meanConfidence,
    emotionSatisfaction:
      weight > 0 ? round2(estimates.reduce((a, e) => a + e.satisfaction * e.confidence, 0) / weight) : null,
    emotionMeanConfidence: estimates.length ? round2(weight / estimates.length) : null,
  };
}

/** A served ticket's time at the counter, from its call (or start) to its end. */
export const serviceMs = (t: TicketFacts) => t.finishedAt! - (t.startedAt ?? t.calledAt!);

export function serviceMinutes(tickets: readonly TicketFacts[]): number | null {
  const served = tickets.filter(isServed);
  return meanMinutesOf(
    served.reduce((a, t) => a + serviceMs(t), 0),
    served.length,
  );
}

export function groupBy<T>(
  items: Iterable<T>,
  key: (item: T) => string | null | undefined,
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k == null) continue;
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const count = <T>(items: readonly T[], pred: (t: T) => boolean) =>
  items.reduce((n, t) => n + (pred(t) ? 1 : 0), 0);

/** Today's indicators from the day's state. */
export function computeKpis(site: Site, state: QueueState, now: number): SiteKpis {
  return periodKpis(
    site,
    {
      from: state.day,
      to: state.day,
      tickets: [...state.tickets.values()],
      ratings: state.ratings,
      emotions: state.emotions,
    },
    now,
  );
}

/** The indicators of any period, from its records. `now` bounds the waits of tickets still waiting. */
export function periodKpis(site: Site, records: KpiRecords, now: number): SiteKpis {
  const targetOf = waitTargetOfTicket(site);
  const satisfied = satisfiedScoresOf(site);
  const { tickets: all, ratings, emotions } = records;
  const byService = groupBy(all, (t) => t.originalServiceId);
  const ratingsByService = groupBy(ratings, (r) => r.serviceId);
  const byOfficer = groupBy(
    all.filter((t) => t.status === 'done' || t.status === 'no_show'),
    (t) => t.officerId,
  );
  const ratingsByOfficer = groupBy(ratings, (r) => r.officerId);
  const emotionsByService = groupBy(emotions, (e) => e.serviceId);
  const emotionsByOfficer = groupBy(emotions, (e) => e.officerId);
  const officerIds = new Set([...byOfficer.keys(), ...ratingsByOfficer.keys(), ...emotionsByOfficer.keys()]);
  const served = count(all, isServed);
  return {
    day: records.to,
    from: records.from,
    to: records.to,
    issued: all.length,
    served,
    targetWaitMinutes: waitTargetOn(site, records.to),
    satisfiedScores: satisfied,
    ...waitStats(all, now, targetOf),
    ...ratingStats(ratings, served, satisfied),
    ...emotionStats(emotions),
    services: site.config.services.map((s) => {
      const tickets = byService.get(s.id) ?? [];
      const servedHere = count(tickets, isServed);
      return {
        serviceId: s.id,
        served: servedHere,
        noShows: count(tickets, (t) => t.status === 'no_show'),
        meanServiceMinutes: serviceMinutes(tickets),
        ...waitStats(tickets, now, targetOf),
        ...ratingStats(ratingsByService.get(s.id) ?? [], servedHere, satisfied),
        ...emotionStats(emotionsByService.get(s.id) ?? []),
      };
    }),
    officers: [...officerIds].sort().map((officerId) => {
      const tickets = byOfficer.get(officerId) ?? [];
      const servedBy = count(tickets, isServed);
      return {
        officerId,
        served: servedBy,
        noShows: count(tickets, (t) => t.status === 'no_show'),
        meanServiceMinutes: serviceMinutes(tickets),
        ...ratingStats(ratingsByOfficer.get(officerId) ?? [], servedBy, satisfied),
        ...emotionStats(emotionsByOfficer.get(officerId) ?? []),
      };
    }),
  };
}
