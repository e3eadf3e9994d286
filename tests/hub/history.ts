/** A site's day as the feed carries it, for the hub's period, forecast and province-app tests. */
import type { RunningHub } from '@oss/hub';
import type { FeedEvent, SiteInfo } from '@oss/protocol';
import { enrolAt } from './harness.ts';

const MIN = 60_000;

/** One visit: issued at `issue` minutes, called at `call` by `officer`, done with `dossiers`. */
interface Visit {
  id: string;
  issue: number;
  call?: number;
  officer?: string;
  dossiers?: number;
  score?: number;
}

export function dayEvents(date: string, start: number, visits: Visit[]): FeedEvent[] {
  let seq = 0;
  const e = (minutes: number, x: Record<string, unknown>) =>
    ({ seq: ++seq, at: start + minutes * MIN, ...x }) as FeedEvent;
  const events = [e(0, { type: 'day.started', day: date })];
  for (const v of visits)
    events.push(
      e(v.issue, {
        type: 'ticket.issued',
        ticketId: v.id,
        number: v.id,
        serviceId: 'land',
        priority: 'normal',
        priorityBasis: 'none',
        issuedAt: start + v.issue * MIN,
        offline: false,
      }),
    );
  const called = visits.filter((v) => v.call !== undefined).sort((a, b) => a.call! - b.call!);
  for (const v of called) {
    events.push(e(v.call!, { type: 'ticket.called', ticketId: v.id, counterId: 'c1', officerId: v.officer }));
    events.push(
      e(v.call! + 5, {
        type: 'ticket.finished',
        ticketId: v.id,
        counterId: 'c1',
        outcome: 'done',
        ...(v.dossiers ? { dossiers: v.dossiers } : {}),
      }),
    );
    if (v.score)
      events.push(
        e(v.call! + 6, {
          type: 'rating.submitted',
          ratingId: `r-${v.id}`,
          counterId: 'c1',
          ticketId: v.id,
          officerId: v.officer,
          serviceId: 'land',
          score: v.score,
        }),
      );
  }
  return events;
}

export const info = (site: string, vi: string): SiteInfo => ({
  v: 1,
  site,
  name: { vi, en: vi },
  timeZone: 'Asia/Ho_Chi_Minh',
  waitTargetMinutes: 15,
  services: [{ id: 'land', prefix: 'A', name: { vi: 'Đất đai', en: 'Land' } }],
  counters: [{ id: 'c1', number: 1, name: { vi: 'Quầy 1', en: 'Counter 1' } }],
});

export async function feed(hub: RunningHub, site: string, name: string, events: FeedEvent[]) {
  await enrolAt(hub, site);
  await hub.store.saveInfo(info(site, name));
  await hub.store.ingest({ v: 1, site, from: 1, to: events.length, events });
}
