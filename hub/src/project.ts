/**
 * The hub's pure part: tickets as the feed's events leave them (the same transitions as the site's
 * core), and a site's figures for a day through the core's own definitions (waitStats, ratingStats).
 */
import type { FeedEvent, HubTicket, SiteDayFigures } from '@oss/protocol';
import { toIsoLocal } from '@oss/protocol';
import {
  groupBy,
  ratingStats,
  type TicketFacts,
  type TicketRecord,
  ticketIdentity,
  waitStats,
} from '@oss/queue-server/core';

/**
 * A ticket at the hub: what the core's indicators read of a site's record, its identity, its day and
 * rating (no device, request or citizen).
 */
export type TicketRow = TicketFacts &
  Pick<TicketRecord, 'id' | 'number' | 'serviceId' | 'counterId'> & { day: string; rating?: number };

export interface RatingRow {
  id: string;
  day: string;
  at: number;
  score: number;
  counterId: string;
  ticketId: string | null;
  officerId: string | null;
  serviceId: string | null;
}

/** What a batch changes: tickets touched (final state), ratings added, the site's day after it. */
export interface Projection {
  tickets: Map<string, TicketRow>;
  ratings: RatingRow[];
  day: string | null;
}

/**
 * Applies events in order to the tickets they touch. `known` holds those tickets as stored (left as
 * they are: each is copied once, when first touched, and the copy changed in place); `day` is the
 * site's current day before the batch (each ticket belongs to the day the site had started).
 */
export function project(
  events: readonly FeedEvent[],
  known: ReadonlyMap<string, TicketRow>,
  day: string | null,
): Projection {
  const tickets = new Map<string, TicketRow>();
  const ratings: RatingRow[] = [];
  const touch = (id: string) => {
    let t = tickets.get(id);
    if (t) return t;
    const stored = known.get(id);
    if (!stored) return undefined;
    t = { ...stored };
    tickets.set(id, t);
    return t;
  };
  for (const e of events) {
    switch (e.type) {
      case 'day.started':
        day = e.day;
        break;
      case 'ticket.issued':
        tickets.set(e.ticketId, {
          id: e.ticketId,
          day: day ?? '',
          number: e.number,
          serviceId: e.serviceId,
          originalServiceId: e.serviceId,
          priority: e.priority,
          status: 'waiting',
          issuedAt: e.issuedAt,
        });
        break;
      case 'rating.submitted': {
        ratings.push({
          id: e.ratingId,
          day: day ?? '',
          at: e.at,
          score: e.score,
          counterId: e.counterId,
          ticketId: e.ticketId,
          officerId: e.officerId,
          serviceId: e.serviceId,
        });
        const t = e.ticketId ? touch(e.ticketId) : undefined;
        if (t) t.rating = e.score;
        break;
      }
      default:
        if ('ticketId' in e) {
          const t = touch(e.ticketId);
          if (t) transition(t, e);
        }
    }
  }
  return { tickets, ratings, day };
}

/** Changes `t` (the projection's own copy) as the event does. */
function transition(t: TicketRow, e: FeedEvent): void {
  switch (e.type) {
    case 'ticket.called':
      t.status = 'called';
      t.calledAt = e.at;
      t.firstCalledAt ??= e.at;
      t.counterId = e.counterId;
      if (e.officerId) t.officerId = e.officerId;
      return;
    case 'ticket.recalled':
      t.calledAt = e.at;
      return;
    case 'ticket.started':
      t.status = 'serving';
      t.startedAt = e.at;
      return;
    case 'ticket.finished':
      t.status = e.outcome;
      t.finishedAt = e.at;
      return;
    case 'ticket.cancelled':
      t.status = 'cancelled';
      t.finishedAt = e.at;
      return;
    case 'ticket.transferred':
      delete t.calledAt;
      delete t.startedAt;
      delete t.counterId;
      t.status = 'waiting';
      t.serviceId = e.toServiceId;
      return;
  }
}

/** A site's figures for the tickets and ratings of one day, as the site's dashboard defines them. */
export function dayFigures(
  tickets: readonly TicketRow[],
  ratings: readonly { score: number }[],
  now: number,
  targetMinutes: number,
): SiteDayFigures {
  const waits = waitStats([...tickets], now, () => targetMinutes);
  const served = tickets.filter((t) => t.status === 'done').length;
  return {
    issued: tickets.length,
    served,
    waiting: waits.waiting,
    meanWaitMinutes: waits.meanWaitMinutes,
    withinTargetShare: waits.withinTargetShare,
    // The core's default satisfied scores (4–5): the feed does not carry a site's own choice.
    satisfiedShare: ratingStats([...ratings], served).satisfiedShare,
  };
}

/** The §5 view of a ticket: times ISO with the site's offset. */
export function ticketView(t: TicketRow, timeZone: string): HubTicket {
  const iso = (ms: number | undefined) => (ms === undefined ? null : toIsoLocal(ms, timeZone));
  return {
    ...ticketIdentity(t, timeZone),
    calledAt: iso(t.calledAt),
    finishedAt: iso(t.finishedAt),
    counterId: t.counterId ?? null,
    rating: t.rating ?? null,
  };
}

/** Export format version: bump when a field changes meaning or goes away (adding one is allowed). */
export const EXPORT_VERSION = 1;

export interface PeriodFigures extends SiteDayFigures {
  noShows: number;
  p90WaitMinutes: number | null;
  ratings: number;
  /** Waits per priority class (elderly, disabled… against normal). */
  byPriority: {
    priority: string;
    issued: number;
    meanWaitMinutes: number | null;
    withinTargetShare: number | null;
  }[];
  /** Per officer: tickets finished as done, and their ratings. */
  officers: { officerId: string; served: number; ratings: number; satisfiedShare: number | null }[];
}

/** A site's indicators over any period (a day, a month), with the same definitions as `dayFigures`. */
export function periodFigures(
  tickets: readonly TicketRow[],
  ratings: readonly RatingRow[],
  now: number,
  targetMinutes: number,
): PeriodFigures {
  const waits = waitStats([...tickets], now, () => targetMinutes);
  const ratingsByOfficer = groupBy(ratings, (r) => r.officerId);
  const doneByOfficer = groupBy(
    tickets.filter((t) => t.status === 'done'),
    (t) => t.officerId,
  );
  const officerIds = [...new Set([...doneByOfficer.keys(), ...ratingsByOfficer.keys()])].sort();
  return {
    ...dayFigures(tickets, ratings, now, targetMinutes),
    noShows: tickets.filter((t) => t.status === 'no_show').length,
    p90WaitMinutes: waits.p90WaitMinutes,
    ratings: ratings.length,
    byPriority: [...groupBy(tickets, (t) => t.priority)]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([priority, group]) => {
        const w = waitStats(group, now, () => targetMinutes);
        return {
          priority,
          issued: group.length,
          meanWaitMinutes: w.meanWaitMinutes,
          withinTargetShare: w.withinTargetShare,
        };
      }),
    officers: officerIds.map((officerId) => {
      const r = ratingsByOfficer.get(officerId) ?? [];
      const served = doneByOfficer.get(officerId)?.length ?? 0;
      return {
        officerId,
        served,
        ratings: r.length,
        satisfiedShare: ratingStats(r, served).satisfiedShare,
      };
    }),
  };
}
