/**
 * From a row of the site's `events` table to the upward feed's event: pure. Each field is copied by
 * name, so whatever else a stored event holds (a kiosk's request id, the camera's expressions, and
 * anything personal a future event might carry) stays on the site. Event types the hub does not use
 * map to null and are skipped (the batch's range still covers them).
 */
import type { FeedEvent, FeedEventType, SiteInfo } from '@oss/protocol';
import { FEED_VERSION } from '@oss/protocol';
import type { QueueEvent, Site } from '@oss/queue-server/core';

export interface EventRow {
  seq: number;
  data: string;
}

export function toFeedEvent(row: EventRow): FeedEvent | null {
  return mapEvent(row.seq, JSON.parse(row.data) as QueueEvent);
}

/** The fields each carried event type copies, by name; nothing else goes up. */
const FIELDS = {
  'day.started': ['day'],
  'ticket.issued': [
    'ticketId',
    'number',
    'serviceId',
    'priority',
    'priorityBasis',
    'issuedAt',
    'offline',
    'procedureId',
  ],
  'ticket.called': ['ticketId', 'counterId', 'officerId'],
  'ticket.recalled': ['ticketId', 'counterId'],
  'ticket.started': ['ticketId', 'counterId'],
  'ticket.finished': ['ticketId', 'counterId', 'outcome', 'dossiers'],
  'ticket.transferred': ['ticketId', 'counterId', 'fromServiceId', 'toServiceId'],
  'ticket.cancelled': ['ticketId', 'reason'],
  'rating.submitted': ['ratingId', 'counterId', 'ticketId', 'officerId', 'serviceId', 'score'],
  'emotion.submitted': ['ticketId', 'counterId', 'officerId', 'serviceId', 'satisfaction', 'confidence'],
  'counter.signed-in': ['counterId', 'officerId'],
  'counter.signed-out': ['counterId'],
  'counter.opened': ['counterId'],
  'counter.closed': ['counterId'],
  'counter.services-set': ['counterId', 'serviceIds'],
} as const satisfies Record<FeedEventType, readonly string[]>;

/**
 * The feed event for a stored event, or null for types the hub does not use (lease.granted,
 * request.voided, and types added later until they are listed in FIELDS).
 */
export function mapEvent(seq: number, e: QueueEvent): FeedEvent | null {
  const fields: readonly string[] | undefined = FIELDS[e.type as FeedEventType];
  if (!fields) return null;
  const source = e as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { type: e.type, seq, at: e.at };
  for (const f of fields) if (source[f] !== undefined) out[f] = source[f];
  if (e.type === 'ticket.issued') out.offline = e.offline ?? false;
  return out as FeedEvent;
}

/** The site's description for the hub, from its configuration. */
export function siteInfo(site: Site): SiteInfo {
  const { config } = site;
  return {
    v: FEED_VERSION,
    site: site.id,
    name: { vi: config.site.name.vi, en: config.site.name.en },
    timeZone: site.timeZone,
    waitTargetMinutes: site.waitTargetMinutes,
    services: config.services.map((s) => ({
      id: s.id,
      prefix: s.prefix,
      name: { vi: s.name.vi, en: s.name.en },
    })),
    counters: config.counters.map((c) => ({
      id: c.id,
      number: c.number,
      name: { vi: c.name.vi, en: c.name.en },
    })),
  };
}
