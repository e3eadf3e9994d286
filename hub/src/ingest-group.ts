/**
 * The pure part of storing several sites' batches in one transaction: which batches a worker takes
 * as the next group, and which events of each batch are new given the sites' locked rows (a site's
 * batches in arrival order, as if each were stored alone).
 */
import type { FeedBatch, FeedEvent } from '@oss/protocol';

export interface IngestResult {
  /** The hub holds every event of the site up to here (the ack). */
  upTo: number;
  /** Events stored by this batch (0 for a repeat). */
  stored: number;
  /** The batch starts after a gap: nothing stored, the site must send from `upTo + 1`. */
  gap: boolean;
}

/** A batch of a group that could not be stored (an unknown site, a failed statement): not acked. */
export interface IngestFailure {
  error: string;
}

export type IngestOutcome = IngestResult | IngestFailure;

export const isFailure = <T extends object>(o: T | IngestFailure): o is IngestFailure => 'error' in o;

/**
 * The bounds of one group (a transaction's size, and so the lag a batch may wait behind it), how many
 * groups a worker stores at once, and how many events may wait for a group: past that, a batch is
 * neither held nor acked, and its site sends it again, as after a lost ack.
 */
export interface GroupLimits {
  batches: number;
  events: number;
  inFlight: number;
  queued: number;
}

/**
 * Up to three groups at once (a small one and two full ones beside it, ingest.ts): one's statements
 * run while another's commit waits for the disk, on both cores. 200,000
 * events waiting (a few hundred bytes each once parsed) hold a batch from each of 3,300 sites in a
 * burst, and re-sends while PostgreSQL is slow cannot pile up past it.
 */
export const GROUP_LIMITS: GroupLimits = { batches: 200, events: 10_000, inFlight: 3, queued: 200_000 };

/**
 * Takes the next group out of `queue` (at least one batch if any can go), in arrival order, leaving
 * the batches of `busy` sites (in a group being stored) where they are, so a site's batches keep
 * their order.
 */
export function takeGroup(
  queue: FeedBatch[],
  limits: Pick<GroupLimits, 'batches' | 'events'> = GROUP_LIMITS,
  busy: ReadonlySet<string> = new Set(),
): FeedBatch[] {
  const group: FeedBatch[] = [];
  let events = 0;
  for (let i = 0; i < queue.length && group.length < limits.batches; ) {
    const batch = queue[i]!;
    if (busy.has(batch.site)) {
      i++;
      continue;
    }
    // Stop rather than skip: a later batch of this site must not go before it.
    if (group.length > 0 && events + batch.events.length > limits.events) break;
    events += batch.events.length;
    group.push(...queue.splice(i, 1));
  }
  return group;
}

/** A site's row as locked at the start of the group's transaction. */
export interface HeldSite {
  last_seq: number;
  current_day: string | null;
}

/** What a group would store: each batch's outcome (before counting the inserts) and each site's new events. */
export interface GroupPlan {
  /** Per batch, in the group's order: a failure, or its ack and the events new for it. */
  batches: (IngestFailure | (Omit<IngestResult, 'stored'> & { fresh: FeedEvent[] }))[];
  /** Per site whose `last_seq` advances: its events in order, and the new `last_seq`. */
  sites: Map<string, { events: FeedEvent[]; upTo: number }>;
}

/**
 * Plans a group against the sites' held seqs: a batch after a gap stores nothing and acks what the
 * hub holds; a batch already held acks the same; otherwise its events past the held seq are new and
 * the site's held seq moves to its end (so the site's next batch in the group is judged after it).
 */
export function planGroup(batches: readonly FeedBatch[], held: ReadonlyMap<string, HeldSite>): GroupPlan {
  const seqs = new Map([...held].map(([id, row]) => [id, row.last_seq]));
  const sites: GroupPlan['sites'] = new Map();
  const planned = batches.map((batch): GroupPlan['batches'][number] => {
    const at = seqs.get(batch.site);
    if (at === undefined) return { error: `unknown site ${batch.site}` };
    if (batch.from > at + 1) return { upTo: at, gap: true, fresh: [] };
    if (batch.to <= at) return { upTo: at, gap: false, fresh: [] };
    const fresh = batch.events.filter((e) => e.seq > at && e.seq <= batch.to);
    seqs.set(batch.site, batch.to);
    const site = sites.get(batch.site) ?? { events: [], upTo: batch.to };
    sites.set(batch.site, { events: [...site.events, ...fresh], upTo: batch.to });
    return { upTo: batch.to, gap: false, fresh };
  });
  return { batches: planned, sites };
}
