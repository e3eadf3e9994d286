import type { FeedBatch } from '@oss/protocol';
import { describe, expect, it } from 'vitest';
import { type HeldSite, planGroup, takeGroup } from '../src/ingest-group.ts';

function batch(site: string, from: number, to: number): FeedBatch {
  const events = [];
  for (let seq = from; seq <= to; seq++)
    events.push({ type: 'counter.opened' as const, seq, at: 1_790_000_000_000 + seq, counterId: 'c1' });
  return { v: 1, site, from, to, events };
}

const held = (rows: Record<string, number>) =>
  new Map<string, HeldSite>(
    Object.entries(rows).map(([id, last_seq]) => [id, { last_seq, current_day: null }]),
  );

describe('takeGroup', () => {
  it('takes the front of the queue up to the batch and event bounds, in arrival order', () => {
    const queue = [batch('a', 1, 5), batch('b', 1, 5), batch('a', 6, 10), batch('c', 1, 5)];
    expect(takeGroup(queue, { batches: 3, events: 100 }).map((b) => [b.site, b.from])).toEqual([
      ['a', 1],
      ['b', 1],
      ['a', 6],
    ]);
    expect(queue.map((b) => b.site)).toEqual(['c']);
  });

  it('stops before the batch that would pass the event bound, but always takes one', () => {
    const queue = [batch('a', 1, 8), batch('b', 1, 8), batch('c', 1, 3)];
    expect(takeGroup(queue, { batches: 10, events: 10 }).map((b) => b.site)).toEqual(['a']);
    const big = [batch('a', 1, 50)];
    expect(takeGroup(big, { batches: 10, events: 10 })).toHaveLength(1);
    expect(big).toEqual([]);
  });

  it('leaves the batches of sites being stored in the queue, in their order', () => {
    const queue = [batch('a', 6, 10), batch('b', 1, 5), batch('a', 11, 15), batch('c', 1, 5)];
    expect(takeGroup(queue, { batches: 10, events: 100 }, new Set(['a'])).map((b) => b.site)).toEqual([
      'b',
      'c',
    ]);
    expect(queue.map((b) => b.from)).toEqual([6, 11]);
  });
});

describe('planGroup', () => {
  it('judges each batch as if stored alone, a site’s batches in order', () => {
    const plan = planGroup(
      [
        batch('a', 1, 3),
        batch('a', 1, 3),
        batch('a', 3, 6),
        batch('b', 5, 6),
        batch('c', 2, 4),
        batch('x', 1, 1),
      ],
      held({ a: 0, b: 2, c: 4 }),
    );
    expect(
      plan.batches.map((b) =>
        'error' in b ? b : { upTo: b.upTo, gap: b.gap, seqs: b.fresh.map((e) => e.seq) },
      ),
    ).toEqual([
      { upTo: 3, gap: false, seqs: [1, 2, 3] },
      { upTo: 3, gap: false, seqs: [] }, // a repeat
      { upTo: 6, gap: false, seqs: [4, 5, 6] }, // overlaps the first: only the new part
      { upTo: 2, gap: true, seqs: [] }, // after a gap: the site must rewind to 3
      { upTo: 4, gap: false, seqs: [] }, // already held
      { error: 'unknown site x' },
    ]);
    expect([...plan.sites].map(([site, s]) => [site, s.upTo, s.events.map((e) => e.seq)])).toEqual([
      ['a', 6, [1, 2, 3, 4, 5, 6]],
    ]);
  });

  it('lets a batch after a gap in the group wait for the rewind, even if an earlier one fills it later', () => {
    const plan = planGroup([batch('a', 4, 5), batch('a', 1, 3)], held({ a: 0 }));
    expect(plan.batches.map((b) => ('error' in b ? b : [b.upTo, b.gap]))).toEqual([
      [0, true],
      [3, false],
    ]);
    expect(plan.sites.get('a')?.upTo).toBe(3);
  });
});
