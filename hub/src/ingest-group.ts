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

/** The bounds of one group: a transaction's size, and so the lag a batch may wait behind it. */
export interface GroupLimits {
  batches: number;
  events: number;
}

export const GROUP_LIMITS: GroupLimits = { batches: 200, events: 10_000 };

/** Takes the next group off the front of `queue` (at least one batch; arrival order kept). */
export function takeGroup(queue: FeedBatch[], limits: GroupLimits = GROUP_LIMITS): FeedBatch[] {
  let events = 0;
  let n = 0;
  while (n < queue.length && n < limits.batches) {
    events += queue[n]!.events.length;
    if (n > 0 && events > limits.events) break;
    n++;
  }
  return queue.splice(0, n);
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
