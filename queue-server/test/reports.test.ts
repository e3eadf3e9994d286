/**
 * Figures for any period over real MQTT and HTTP: a day worked through a kiosk and a counter device,
 * then read back after the day rolled over, from the stored records, by the same definitions.
 */
import type { ResponseEnvelope } from '@oss/protocol';
import type { PeriodReport } from '@oss/queue-server/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.ts';
import {
  connectDevice,
  type DeviceClient,
  enrolDevice,
  okResult,
  signIn,
  startTestServer,
  tempDir,
} from './helpers.ts';

const MINUTE = 60_000;
const MONDAY = Date.parse('2026-11-02T08:00:00+07:00');
const TUESDAY = Date.parse('2026-11-03T09:00:00+07:00');

let now = MONDAY;
let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let base: string;
let manager: string;
let kiosk: DeviceClient;
let counter: DeviceClient;

const get = (path: string, cookie = manager) => fetch(`${base}${path}`, { headers: { cookie } });
const getJson = async <T = Record<string, unknown>>(path: string): Promise<T> => {
  const res = await get(path);
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return (await res.json()) as T;
};
const ok = <T = Record<string, unknown>>(r: ResponseEnvelope) => okResult<T>(r);
const issue = async (extra: Record<string, unknown> = {}) =>
  ok<{ ticket: { id: string } }>(
    await kiosk.request('ticket.issue', { serviceId: 'civil-status', lang: 'vi', ...extra }),
  ).ticket.id;

/** Monday's live KPIs, read before the day rolled over. */
let mondayLive: Record<string, unknown>;
const ids: string[] = [];

async function start() {
  server = await startTestServer(dir.path, {}, { clock: () => now });
  base = `http://127.0.0.1:${server.httpPort}`;
  manager = await signIn(base, 'manager', 'demo-manager');
}

beforeAll(async () => {
  dir = tempDir();
  await start();
  kiosk = await connectDevice(server.mqttUrl, 'demo', enrolDevice(server, ['kiosk-1', 'kiosk']));
  counter = await connectDevice(
    server.mqttUrl,
    'demo',
    enrolDevice(server, ['counter-1', 'counter', '--counter', 'counter-1']),
  );
  const officer = await signIn(base, 'officer1', 'demo-officer');
  const signedIn = await fetch(`${base}/api/counters/counter-1/sign-in`, {
    method: 'POST',
    headers: { cookie: officer, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(signedIn.status).toBe(200);

  // Monday: three citizens at 08:00, the second elderly (called first, at 08:10, served 5 min); the
  // first called at 08:30 (4 min); the third called at 08:50 and sent on to the land desk.
  ids.push(await issue(), await issue({ priority: 'elderly' }), await issue());
  const next = async (at: number) => {
    now = at;
    return ok<{ ticket: { id: string } }>(await counter.request('counter.next', { counterId: 'counter-1' }))
      .ticket.id;
  };
  const first = await next(MONDAY + 10 * MINUTE);
  now += 5 * MINUTE;
  ok(await counter.request('counter.finish', { counterId: 'counter-1', ticketId: first }));
  ok(await counter.request('rating.submit', { counterId: 'counter-1', ticketId: first, score: 5 }));
  ok(
    await counter.request('emotion.submit', {
      counterId: 'counter-1',
      ticketId: first,
      satisfaction: 0.2,
      confidence: 0.9,
      frames: 10,
      facesFound: 10,
      model: 'test',
    }),
  );
  const second = await next(MONDAY + 30 * MINUTE);
  now += 4 * MINUTE;
  ok(await counter.request('counter.finish', { counterId: 'counter-1', ticketId: second }));
  ok(await counter.request('rating.submit', { counterId: 'counter-1', ticketId: second, score: 3 }));
  const third = await next(MONDAY + 50 * MINUTE);
  ok(
    await counter.request('counter.transfer', {
      counterId: 'counter-1',
      ticketId: third,
      toServiceId: 'land',
    }),
  );
  now = MONDAY + 60 * MINUTE;
  mondayLive = await getJson('/api/kpis');

  // Tuesday: one ticket rolls the day over.
  now = TUESDAY;
  manager = await signIn(base, 'manager', 'demo-manager');
  ids.push(await issue());
});

afterAll(async () => {
  await Promise.all([kiosk, counter].map((d) => d?.close()));
  await server?.stop();
  dir?.remove();
});

describe('KPIs for any period', () => {
  it('a past day read from storage equals what the live figures said that day', async () => {
    expect(mondayLive).toMatchObject({ day: '2026-11-02', issued: 3, served: 2, ratings: 2 });
    const monday = await getJson('/api/kpis?day=2026-11-02');
    expect(monday).toEqual(mondayLive);
    // The second read came from the closed day's stored facts (day_facts); today is never stored.
    const factDays = server.service.store.db.prepare('SELECT day FROM day_facts').pluck().all();
    expect(factDays).toEqual(['2026-11-02']);
    expect(await getJson('/api/kpis?from=2026-11-02&to=2026-11-02')).toEqual(mondayLive);
    expect(await getJson('/api/kpis?from=2026-11-02&to=2026-11-03')).toMatchObject({ issued: 4 });
  });

  it('defines satisfaction once: 4–5 over rated tickets, response rate beside it, the camera apart', async () => {
    const k = await getJson<Record<string, unknown> & { officers: Record<string, unknown>[] }>(
      '/api/kpis?day=2026-11-02',
    );
    // Scores 5 and 3: "Bình thường" is not satisfied.
    expect(k).toMatchObject({ satisfiedShare: 0.5, responseRate: 1, satisfiedScores: [4, 5] });
    expect(k.scoreCounts).toEqual([0, 0, 1, 0, 1]);
    expect(k.officers[0]).toMatchObject({
      officerId: 'officer1',
      displayName: 'Cán bộ quầy 1',
      served: 2,
      satisfiedShare: 0.5,
      emotionSatisfaction: 0.2,
      emotionEstimates: 1,
    });
  });

  it('answers for today live and for a range of days', async () => {
    expect(await getJson('/api/kpis')).toMatchObject({ day: '2026-11-03', issued: 1 });
    const both = await getJson('/api/kpis?from=2026-11-01&to=2026-11-03');
    expect(both).toMatchObject({ from: '2026-11-01', to: '2026-11-03', issued: 4, served: 2 });
    const waits = await getJson<{ hours: { hour: number; arrivals: number }[] }>(
      '/api/stats/hourly?day=2026-11-02',
    );
    expect(waits.hours[8]!.arrivals).toBe(3);
    const range = await getJson<{ hours: { hour: number; arrivals: number }[] }>(
      '/api/stats/hourly?from=2026-11-02&to=2026-11-03',
    );
    // A mean day over the two days with tickets.
    expect(range.hours[8]!.arrivals).toBe(1.5);
    expect(range.hours[9]!.arrivals).toBe(0.5);
  });

  it('refuses bad dates with a message in Vietnamese and English, for every period route', async () => {
    const cases = [
      ['day=2026-02-30', /day/],
      ['day=02/11/2026', /day/],
      ['from=2026-11-03&to=2026-11-02', /after/],
      ['from=2026-11-01', /both/],
      ['day=2026-11-02&from=2026-11-01&to=2026-11-02', /either/],
      ['from=2025-01-01&to=2026-11-02', /too long/],
      ['week=1', /unknown field "week"/],
    ] as const;
    for (const route of ['/api/kpis', '/api/stats/hourly', '/api/reports/tickets.csv'])
      for (const [query, en] of cases) {
        const res = await get(`${route}?${query}`);
        expect(res.status, `${route}?${query}`).toBe(400);
        const { error } = (await res.json()) as { error: { code: string; text: { vi: string; en: string } } };
        expect(error.code).toBe('invalid_request');
        expect(error.text.en).toMatch(en);
        expect(error.text.vi).toMatch(/[àáảãạăâđèéêìíòóôơùúưỳý]/);
      }
  });

  it('start-up restores today only, without replaying earlier days', async () => {
    const events = (
      server.service.store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }
    ).n;
    await server.stop();
    await start();
    const replayed = server.service.store.eventsOfCurrentDay();
    expect(replayed[0]).toMatchObject({ type: 'day.started', day: '2026-11-03' });
    expect(replayed.length).toBeLessThan(events / 2);
    expect([...server.service.core.state.tickets.keys()]).toEqual([ids[3]]);
    // The plan for that lookup uses the index, not a scan of the whole event record.
    const plan = server.service.store.db
      .prepare("EXPLAIN QUERY PLAN SELECT max(seq) AS seq FROM events WHERE type = 'day.started'")
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX/);
    kiosk.close();
    counter.close();
    kiosk = await connectDevice(server.mqttUrl, 'demo', enrolDevice(server, ['kiosk-1', 'kiosk']));
    counter = await connectDevice(
      server.mqttUrl,
      'demo',
      enrolDevice(server, ['counter-1', 'counter', '--counter', 'counter-1']),
    );
  });
});

/** A CSV parser for quoted fields (RFC 4180), to read the export as a spreadsheet program would. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',' || c === '\n') {
      row.push(field);
      field = '';
      if (c === '\n') {
        rows.push(row);
        row = [];
      }
    } else if (c !== '\r') field += c;
  }
  return rows;
}

describe('tickets CSV', () => {
  it('has a BOM, local times with the offset, names beside ids, transfers, the officer, minutes and ratings', async () => {
    const res = await get('/api/reports/tickets.csv?day=2026-11-02');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/tickets-2026-11-02\.csv/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(bytes.toString('utf8').slice(1));
    const records = rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));
    expect(records).toHaveLength(3);
    const [first, second, third] = records as Record<string, string>[];
    expect(first).toMatchObject({
      day: '2026-11-02',
      number: 'A001',
      original_service: 'Hộ tịch',
      service: 'Hộ tịch',
      issued_at: '2026-11-02T08:00:00.000+07:00',
      first_called_at: '2026-11-02T08:30:00.000+07:00',
      officer: 'officer1',
      officer_name: 'Cán bộ quầy 1',
      wait_minutes: '30.0',
      service_minutes: '4.0',
      rating: '3',
      status: 'done',
    });
    expect(second).toMatchObject({
      number: 'A002',
      priority: 'elderly',
      priority_class: 'Người cao tuổi (từ 60 tuổi)',
      wait_minutes: '10.0',
      service_minutes: '5.0',
      rating: '5',
    });
    expect(third).toMatchObject({
      original_service_id: 'civil-status',
      service_id: 'land',
      service: 'Đất đai',
      rating: '',
      wait_minutes: '50.0',
    });
    const range = await get('/api/reports/tickets.csv?from=2026-11-02&to=2026-11-03');
    expect(parseCsv((await range.text()).slice(1))).toHaveLength(5);
  });
});

describe('period report', () => {
  it('gives the month’s waits against the target, priority classes and officers against the floor', async () => {
    const r = await getJson<PeriodReport>('/api/reports?period=month&month=2026-11');
    expect(r.period).toMatchObject({ kind: 'month', from: '2026-11-01', to: '2026-11-30' });
    expect(r).toMatchObject({ level: 'central-city', productivityFloor: 1800 });
    expect(r.targets.waitMinutes).toBe(15);
    expect(r.kpis).toMatchObject({ issued: 4, served: 2, satisfiedShare: 0.5 });
    expect(r.priorityVsNormal.priority).toMatchObject({ issued: 1, meanWaitMinutes: 10 });
    expect(r.priorityVsNormal.normal).toMatchObject({ issued: 3, meanWaitMinutes: 40 });
    expect(r.priorityClasses.find((c) => c.classId === 'elderly')?.issued).toBe(1);
    expect(r.officers[0]).toMatchObject({
      officerId: 'officer1',
      displayName: 'Cán bộ quầy 1',
      rank: 1,
      yearServed: 2,
      dossiersReceived: null,
    });
    const year = await getJson<PeriodReport>('/api/reports?period=year&year=2026');
    expect(year.kpis.issued).toBe(4);
    const quarter = await getJson<PeriodReport>('/api/reports?period=quarter&quarter=2026-Q3');
    expect(quarter.kpis.issued).toBe(0);
  });

  it('refuses a bad period in both languages and anyone but managers', async () => {
    for (const q of [
      'period=month&month=2026-13',
      'period=week&week=1',
      'period=month',
      'period=year&year=26',
    ]) {
      const res = await get(`/api/reports?${q}`);
      expect(res.status, q).toBe(400);
      const { error } = (await res.json()) as { error: { text: { vi: string; en: string } } };
      expect(error.text.vi.length).toBeGreaterThan(5);
      expect(error.text.en.length).toBeGreaterThan(5);
    }
    const officer = await signIn(base, 'officer2', 'demo-officer');
    expect((await get('/api/reports?period=year&year=2026', officer)).status).toBe(403);
    expect((await get('/api/kpis?day=2026-11-02', officer)).status).toBe(403);
    expect((await fetch(`${base}/api/reports?period=year&year=2026`)).status).toBe(401);
  });
});
