/**
 * The upward feed from a site to its province hub (PROTOCOL.md §5; topics and fields in
 * docs/protocol.md). Every event has explicit fields and no others: no CCCD number, hash or mask,
 * no name, birth date or phone can travel up, because the schema has no place for them and the hub
 * refuses unknown fields. Versioned by `v`: a hub accepts the versions it knows.
 */
import { type Static, Type } from '@sinclair/typebox';
import { DateOnly, Fraction, Id, LocalizedText, RatingScore, TicketIdentity } from './messages.ts';
import { SEGMENT_PATTERN, TOPIC_ROOT } from './topics.ts';
import { oneOf } from './validate.ts';

export const FEED_VERSION = 1;
/** At most this many events in one batch: a batch is one hub transaction and one ack. */
export const FEED_MAX_BATCH = 1000;

const Slug = Type.String({ pattern: SEGMENT_PATTERN.source });
const Seq = Type.Integer({ minimum: 1 });
const EpochMs = Type.Integer({ minimum: 0 });

/** One upward event type: the site's event sequence number, its time (epoch ms), and `fields`. */
function event<T extends string, P extends Parameters<typeof Type.Object>[0]>(type: T, fields: P) {
  return Type.Object(
    { type: Type.Literal(type), seq: Seq, at: EpochMs, ...fields },
    { additionalProperties: false },
  );
}

const OfficerRef = Type.Union([Id, Type.Null()]);

export const FeedEvent = Type.Union([
  event('day.started', { day: DateOnly }),
  event('ticket.issued', {
    ticketId: Id,
    number: Type.String({ minLength: 1, maxLength: 8 }),
    serviceId: Slug,
    priority: Slug,
    priorityBasis: oneOf('none', 'declared', 'birth-date'),
    /** The original issue time (differs from `at` for tickets a kiosk issued offline). */
    issuedAt: EpochMs,
    offline: Type.Boolean(),
    procedureId: Type.Optional(Slug),
  }),
  event('ticket.called', { ticketId: Id, counterId: Slug, officerId: OfficerRef }),
  event('ticket.recalled', { ticketId: Id, counterId: Slug }),
  event('ticket.started', { ticketId: Id, counterId: Slug }),
  event('ticket.finished', {
    ticketId: Id,
    counterId: Slug,
    outcome: oneOf('done', 'no_show'),
    /** Addition: dossiers received at this visit (a count; the receipt codes stay on the site). */
    dossiers: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  }),
  event('ticket.transferred', {
    ticketId: Id,
    counterId: Type.Union([Slug, Type.Null()]),
    fromServiceId: Slug,
    toServiceId: Slug,
  }),
  event('ticket.cancelled', { ticketId: Id, reason: oneOf('staff', 'day-end', 'citizen', 'voided') }),
  event('rating.submitted', {
    ratingId: Id,
    counterId: Slug,
    ticketId: Type.Union([Id, Type.Null()]),
    officerId: OfficerRef,
    serviceId: Type.Union([Slug, Type.Null()]),
    score: RatingScore,
  }),
  event('emotion.submitted', {
    ticketId: Id,
    counterId: Slug,
    officerId: OfficerRef,
    serviceId: Slug,
    satisfaction: Fraction,
    confidence: Fraction,
  }),
  event('counter.signed-in', { counterId: Slug, officerId: Id }),
  event('counter.signed-out', { counterId: Slug }),
  event('counter.opened', { counterId: Slug }),
  event('counter.closed', { counterId: Slug }),
  event('counter.services-set', { counterId: Slug, serviceIds: Type.Array(Slug, { maxItems: 64 }) }),
]);
export type FeedEvent = Static<typeof FeedEvent>;
export type FeedEventType = FeedEvent['type'];

/**
 * Site events `from`..`to` (inclusive) in order. Site events the feed does not carry (kiosk leases,
 * voided requests) leave gaps in `events`' seqs but not in the range, so the hub can tell a batch
 * that follows what it has from one that skips some.
 */
export const FeedBatch = Type.Object(
  {
    v: Type.Literal(FEED_VERSION),
    site: Slug,
    from: Seq,
    to: Seq,
    events: Type.Array(FeedEvent, { maxItems: FEED_MAX_BATCH }),
  },
  { additionalProperties: false },
);
export type FeedBatch = Static<typeof FeedBatch>;

/** The hub holds every event of the site up to `upTo`; the site sends from `upTo + 1` next. */
export const FeedAck = Type.Object(
  { v: Type.Literal(FEED_VERSION), upTo: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export type FeedAck = Static<typeof FeedAck>;

/** What the hub needs to name and judge a site (retained; sent at every connect). */
export const SiteInfo = Type.Object(
  {
    v: Type.Literal(FEED_VERSION),
    site: Slug,
    name: LocalizedText,
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
    waitTargetMinutes: Type.Number({ exclusiveMinimum: 0 }),
    services: Type.Array(
      Type.Object(
        { id: Slug, prefix: Type.String({ pattern: '^[A-Z]$' }), name: LocalizedText },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    counters: Type.Array(
      Type.Object(
        { id: Slug, number: Type.Integer({ minimum: 1 }), name: LocalizedText },
        { additionalProperties: false },
      ),
      { maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);
export type SiteInfo = Static<typeof SiteInfo>;

/** The feed link's presence (retained); the last will is `{"online":false}`. */
export const FeedStatus = Type.Object({ online: Type.Boolean() }, { additionalProperties: false });

/** A ticket as the hub knows it (`GET /api/sites/{id}/tickets`, PROTOCOL.md §5). */
export const HubTicket = Type.Object({
  ...TicketIdentity.properties,
  calledAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  counterId: Type.Union([Type.String(), Type.Null()]),
  rating: Type.Union([Type.Integer(), Type.Null()]),
});
export type HubTicket = Static<typeof HubTicket>;

/** A site's figures for one day (`GET /api/sites`, PROTOCOL.md §5). */
export const SiteDayFigures = Type.Object({
  issued: Type.Integer(),
  served: Type.Integer(),
  /** Addition: tickets waiting for their first call now. */
  waiting: Type.Integer(),
  meanWaitMinutes: Type.Union([Type.Number(), Type.Null()]),
  withinTargetShare: Type.Union([Type.Number(), Type.Null()]),
  satisfiedShare: Type.Union([Type.Number(), Type.Null()]),
});
export type SiteDayFigures = Static<typeof SiteDayFigures>;

const HUB_ROOT = `${TOPIC_ROOT}/`;
const HUB_CHANNELS = ['feed', 'info', 'status', 'ack'] as const;
type HubChannel = (typeof HUB_CHANNELS)[number];

/** Topics of the feed, all under `oss/v1/{site}/hub/`. */
export const hubTopics = {
  feed: (site: string) => `${HUB_ROOT}${site}/hub/feed`,
  info: (site: string) => `${HUB_ROOT}${site}/hub/info`,
  status: (site: string) => `${HUB_ROOT}${site}/hub/status`,
  ack: (site: string) => `${HUB_ROOT}${site}/hub/ack`,
  /** The hub's subscriptions; `group` makes the feed a shared subscription spread over workers. */
  allFeeds: (group?: string) => `${group ? `$share/${group}/` : ''}${HUB_ROOT}+/hub/feed`,
  allInfo: `${HUB_ROOT}+/hub/info`,
  allStatus: `${HUB_ROOT}+/hub/status`,
} as const;

/** Parses `oss/v1/{site}/hub/{channel}`; null for anything else. */
export function parseHubTopic(topic: string): { site: string; channel: HubChannel } | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT || parts[3] !== 'hub') return null;
  const [site, channel] = [parts[2]!, parts[4] as HubChannel];
  return SEGMENT_PATTERN.test(site) && HUB_CHANNELS.includes(channel) ? { site, channel } : null;
}

/** Hub ACL: a site publishes its own feed, info and status, nothing else. */
export function siteMayPublishToHub(site: string, topic: string): boolean {
  const t = parseHubTopic(topic);
  return t !== null && t.site === site && t.channel !== 'ack';
}

/** Hub ACL: a site subscribes only to its own acknowledgements. */
export function siteMaySubscribeAtHub(site: string, filter: string): boolean {
  return filter === hubTopics.ack(site);
}
