/** The versioned upward export over the hub's HTTP API, from batches stored by the real ingest. */
import type { RunningHub } from '@oss/hub';
import type { FeedEvent } from '@oss/protocol';
import { tempDir } from '@oss/tests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolAt, getJson, hubManager, startTestHub } from './harness.ts';

const T0 = Date.parse('2026-11-23T08:00:00+07:00');
const MIN = 60_000;
const dir = tempDir('oss-hub-export-');
let hub: RunningHub;
let baseUrl: string;
let cookie: string;

/** A day: four tickets (one elderly), three called by two officers, two ratings. */
function day(date: string, start: number): FeedEvent[] {
  let seq = 0;
  const e = (x: Record<string, unknown>, minutes: number) =>
    ({ seq: ++seq, at: start + minutes * MIN, ...x }) as FeedEvent;
  const issue = (id: string, minutes: number, priority = 'normal') =>
    e(
      {
        type: 'ticket.issued',
        ticketId: id,
        number: id,
        serviceId: 's',
        priority,
        priorityBasis: 'none',
        issuedAt: start + minutes * MIN,
        offline: false,
      },
      minutes,
    );
  const call = (id: string, minutes: number, officerId: string) =>
    e({ type: 'ticket.called', ticketId: id, counterId: 'c1', officerId }, minutes);
  const done = (id: string, minutes: number) =>
    e({ type: 'ticket.finished', ticketId: id, counterId: 'c1', outcome: 'done' }, minutes);
  const rate = (id: string, minutes: number, officerId: string, score: number) =>
    e(
      {
        type: 'rating.submitted',
        ratingId: `r${id}`,
        counterId: 'c1',
        ticketId: id,
        officerId,
        serviceId: 's',
        score,
      },
      minutes,
    );
  return [
    e({ type: 'day.started', day: date }, 0),
    issue('A001', 0),
    issue('A002', 0, 'elderly'),
    issue('A003', 0),
    issue('A004', 0),
    call('A002', 4, 'officer1'),
    done('A002', 10),
    rate('A002', 11, 'officer1', 5),
    call('A001', 10, 'officer2'),
    done('A001', 20),
    rate('A001', 21, 'officer2', 1),
    call('A003', 40, 'officer1'),
  ];
}

beforeAll(async () => {
  hub = await startTestHub(dir.path);
  await enrolAt(hub, 'xa-a');
  const events = day('2026-11-23', T0);
  await hub.store.ingest({ v: 1, site: 'xa-a', from: 1, to: events.length, events });
  ({ baseUrl, cookie } = await hubManager(hub));
}, 240_000);

afterAll(async () => {
  await hub?.stop();
  dir.remove();
});

interface Export {
  schema: string;
  version: number;
  period: { kind: string; from: string; to: string };
  sites: {
    siteId: string;
    issued: number;
    served: number;
    meanWaitMinutes: number | null;
    withinTargetShare: number | null;
    satisfiedShare: number | null;
    byPriority: { priority: string; issued: number; meanWaitMinutes: number | null }[];
    officers: { officerId: string; served: number; ratings: number; satisfiedShare: number | null }[];
  }[];
}

describe('the upward export', () => {
  it('gives a day’s indicators per site as versioned JSON', async () => {
    const { status, body } = await getJson<Export>(`${baseUrl}/api/export/v1/daily?day=2026-11-23`, cookie);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      schema: 'oss-hub-indicators',
      version: 1,
      period: { kind: 'day', from: '2026-11-23' },
    });
    const site = body.sites.find((s) => s.siteId === 'xa-a')!;
    // Waits 4, 10, 40 minutes; A004 never called (late by the end of the day).
    expect(site).toMatchObject({
      issued: 4,
      served: 2,
      meanWaitMinutes: 18,
      withinTargetShare: 0.5,
      satisfiedShare: 0.5,
    });
    expect(site.byPriority).toEqual([
      { priority: 'elderly', issued: 1, meanWaitMinutes: 4, withinTargetShare: 1 },
      { priority: 'normal', issued: 3, meanWaitMinutes: 25, withinTargetShare: 1 / 3 },
    ]);
    expect(site.officers).toEqual([
      { officerId: 'officer1', served: 1, ratings: 1, satisfiedShare: 1 },
      { officerId: 'officer2', served: 1, ratings: 1, satisfiedShare: 0 },
    ]);
  });

  it('gives the month and a CSV with the same figures', async () => {
    const month = await getJson<Export>(`${baseUrl}/api/export/v1/monthly?month=2026-11`, cookie);
    expect(month.body.sites[0]).toMatchObject({ siteId: 'xa-a', issued: 4, served: 2 });
    const res = await fetch(`${baseUrl}/api/export/v1/daily?day=2026-11-23&format=csv`, {
      headers: { cookie },
    });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'period_from,period_to,site_id,name_vi,issued,served,no_shows,mean_wait_minutes,p90_wait_minutes,within_target_share,target_wait_minutes,ratings,satisfied_share',
    );
    expect(lines[1]).toBe('2026-11-23,2026-11-23,xa-a,xa-a,4,2,0,18,40,0.5,15,2,0.5');
  });

  it('is for hub staff only, and names a bad period', async () => {
    expect((await getJson(`${baseUrl}/api/export/v1/daily?day=2026-11-23`)).status).toBe(401);
    const bad = await getJson<{ error: { message: string } }>(
      `${baseUrl}/api/export/v1/daily?day=2026-02-30`,
      cookie,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('Ngày không hợp lệ');
    const badMonth = await getJson<{ error: { message: string } }>(
      `${baseUrl}/api/export/v1/monthly?month=2026-13`,
      cookie,
    );
    expect(badMonth.status).toBe(400);
  });
});
