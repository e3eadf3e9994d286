/**
 * Today's indicators against the policy targets. A ticket's wait is from its issue to its first call.
 * Tickets still waiting count in `maxWaitMinutes`, and in the within-target share once they are past it.
 */
import type { Site } from './site.ts';
import type { QueueState, RatingRecord, TicketRecord } from './state.ts';

export interface WaitStats {
  /** Tickets called so far (their wait is known). */
  called: number;
  waiting: number;
  meanWaitMinutes: number | null;
  p90WaitMinutes: number | null;
  maxWaitMinutes: number | null;
  /** Share of tickets called within the target, among those whose outcome against it is known. */
  withinTargetShare: number | null;
}

export interface RatingStats {
  ratings: number;
  meanScore: number | null;
  /** (ratings − dissatisfied ratings) / ratings, as in Decision 766's satisfaction index. */
  satisfiedShare: number | null;
}

/**
 * The camera's estimates, weighted by their confidence. Never the only basis for judging an officer:
 * shown beside the button ratings, with how many there are and how sure they were.
 */
export interface EmotionStats {
  emotionEstimates: number;
  /** Confidence-weighted mean satisfaction 0..1. */
  emotionSatisfaction: number | null;
  emotionMeanConfidence: number | null;
}

export interface ServiceKpi extends WaitStats, RatingStats, EmotionStats {
  serviceId: string;
  served: number;
  noShows: number;
  meanServiceMinutes: number | null;
}

export interface OfficerKpi extends RatingStats, EmotionStats {
  officerId: string;
  served: number;
  noShows: number;
  meanServiceMinutes: number | null;
}

export interface SiteKpis extends WaitStats, RatingStats, EmotionStats {
  day: string;
  issued: number;
  served: number;
  targetWaitMinutes: number;
  services: ServiceKpi[];
  officers: OfficerKpi[];
}

const MINUTE = 60_000;

export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/** Also the province hub's definition (hub/src/project.ts): it passes the same three fields. */
export function waitStats(
  tickets: Pick<TicketRecord, 'issuedAt' | 'firstCalledAt' | 'status'>[],
  now: number,
  target: number,
): WaitStats {
  const waits = tickets
    .filter((t) => t.firstCalledAt !== undefined)
    .map((t) => (t.firstCalledAt! - t.issuedAt) / MINUTE)
    .sort((a, b) => a - b);
  const stillWaiting = tickets.filter((t) => t.status === 'waiting' && t.firstCalledAt === undefined);
  const ongoing = stillWaiting.map((t) => (now - t.issuedAt) / MINUTE);
  const late = ongoing.filter((w) => w > target).length;
  const within = waits.filter((w) => w <= target).length;
  const known = waits.length + late;
  const max = Math.max(waits.at(-1) ?? Number.NEGATIVE_INFINITY, ...ongoing);
  return {
    called: waits.length,
    waiting: stillWaiting.length,
    meanWaitMinutes: round1(mean(waits)),
    p90WaitMinutes: round1(quantile(waits, 0.9)),
    maxWaitMinutes: Number.isFinite(max) ? round1(max) : null,
    withinTargetShare: known ? within / known : null,
  };
}

export function ratingStats(ratings: { score: number }[]): RatingStats {
  const n = ratings.length;
  return {
    ratings: n,
    meanScore: round1(mean(ratings.map((r) => r.score))),
    satisfiedShare: n ? ratings.filter((r) => r.score >= 3).length / n : null,
  };
}

export function emotionStats(estimates: { satisfaction: number; confidence: number }[]): EmotionStats {
  const weight = estimates.reduce((a, e) => a + e.confidence, 0);
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return {
    emotionEstimates: estimates.length,
    emotionSatisfaction:
      weight > 0 ? round2(estimates.reduce((a, e) => a + e.satisfaction * e.confidence, 0) / weight) : null,
    emotionMeanConfidence: estimates.length ? round2(weight / estimates.length) : null,
  };
}

function serviceMinutes(tickets: TicketRecord[]): number | null {
  return round1(
    mean(
      tickets
        .filter((t) => t.status === 'done')
        .map((t) => (t.finishedAt! - (t.startedAt ?? t.calledAt!)) / MINUTE),
    ),
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

export function computeKpis(site: Site, state: QueueState, now: number): SiteKpis {
  const target = site.waitTargetMinutes;
  const all = [...state.tickets.values()];
  const byService = groupBy(all, (t) => t.originalServiceId);
  const ratingsByService = groupBy<RatingRecord>(state.ratings, (r) => r.serviceId);
  const finished = all.filter((t) => t.status === 'done' || t.status === 'no_show');
  const byOfficer = groupBy(finished, (t) => t.officerId);
  const ratingsByOfficer = groupBy<RatingRecord>(state.ratings, (r) => r.officerId);
  const emotionsByService = groupBy(state.emotions, (e) => e.serviceId);
  const emotionsByOfficer = groupBy(state.emotions, (e) => e.officerId);
  const officerIds = new Set([...byOfficer.keys(), ...ratingsByOfficer.keys(), ...emotionsByOfficer.keys()]);
  return {
    day: state.day,
    issued: all.length,
    served: all.filter((t) => t.status === 'done').length,
    targetWaitMinutes: target,
    ...waitStats(all, now, target),
    ...ratingStats(state.ratings),
    ...emotionStats(state.emotions),
    services: site.config.services.map((s) => {
      const tickets = byService.get(s.id) ?? [];
      return {
        serviceId: s.id,
        served: tickets.filter((t) => t.status === 'done').length,
        noShows: tickets.filter((t) => t.status === 'no_show').length,
        meanServiceMinutes: serviceMinutes(tickets),
        ...waitStats(tickets, now, target),
        ...ratingStats(ratingsByService.get(s.id) ?? []),
        ...emotionStats(emotionsByService.get(s.id) ?? []),
      };
    }),
    officers: [...officerIds].sort().map((officerId) => {
      const tickets = byOfficer.get(officerId) ?? [];
      return {
        officerId,
        served: tickets.filter((t) => t.status === 'done').length,
        noShows: tickets.filter((t) => t.status === 'no_show').length,
        meanServiceMinutes: serviceMinutes(tickets),
        ...ratingStats(ratingsByOfficer.get(officerId) ?? []),
        ...emotionStats(emotionsByOfficer.get(officerId) ?? []),
      };
    }),
  };
}
