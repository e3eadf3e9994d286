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
 * Applies events in order to the tickets they touch. `known` holds those tickets as stored; `day` is
 * the site's current day before the batch (each ticket belongs to the day the site had started).
 */
export function project(
  events: readonly FeedEvent[],
  known: Map<string, TicketRow>,
  day: string | null,
): Projection {
  const tickets = new Map<string, TicketRow>();
  const ratings: RatingRow[] = [];
  const get = (id: string) => tickets.get(id) ?? known.get(id);
  const put = (t: TicketRow) => tickets.set(t.id, t);
  for (const e of events) {
    switch (e.type) {
      case 'day.started':
        day = e.day;
        break;
      case 'ticket.issued':
        put({
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
        const t = e.ticketId ? get(e.ticketId) : undefined;
        if (t) put({ ...t, rating: e.score });
        break;
      }
      default:
        if ('ticketId' in e) {
          const t = get(e.ticketId);
          if (t) put(transition(t, e));
        }
    }
  }
  return { tickets, ratings, day };
}

function transition(t: TicketRow, e: FeedEvent): TicketRow {
  switch (e.type) {
    case 'ticket.called':
      return {
        ...t,
        status: 'called',
        calledAt: e.at,
        firstCalledAt: t.firstCalledAt ?? e.at,
        counterId: e.counterId,
        ...(e.officerId ? { officerId: e.officerId } : {}),
      };
    case 'ticket.recalled':
      return { ...t, calledAt: e.at };
    case 'ticket.started':
      return { ...t, status: 'serving', startedAt: e.at };
    case 'ticket.finished':
      return { ...t, status: e.outcome, finishedAt: e.at };
    case 'ticket.cancelled':
      return { ...t, status: 'cancelled', finishedAt: e.at };
    case 'ticket.transferred': {
      const { calledAt: _c, startedAt: _s, counterId: _counter, ...rest } = t;
      return { ...rest, status: 'waiting', serviceId: e.toServiceId };
    }
    default:
      return t;
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
