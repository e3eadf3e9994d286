/**
 * The province's periods over real HTTP, from batches stored by the real ingest, on PGlite and on a
 * real PostgreSQL: sites ranked, a site's report with officers against the configured 468 floors and
 * the dossiers the feed counted, and a bad configuration or period refused with its reason.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHubEnv, startHub } from '@oss/hub';
import type { TestPostgres } from '@oss/hub/testing';
import {
  type HubForecastResponse,
  type HubRankingsResponse,
  type HubSiteReport,
  localDate,
} from '@oss/protocol';
import { silentLogger } from '@oss/queue-server';
import { tempDir } from '@oss/tests';
import { describe, expect, it } from 'vitest';
import { getJson, hubManager, onBothDatabases, startTestHub } from './harness.ts';
import { dayEvents, feed } from './history.ts';

const SLOW = 240_000;
const NOV_23 = Date.parse('2026-11-23T08:00:00+07:00');

/** Rural floor 2 a year: by 23 November 2 served are due (2 × 327/365, rounded). */
const CONFIG = {
  productivityFloors: { rural: 2 },
  sites: {
    'xa-a': { area: { vi: 'Khu vực Bắc', en: 'North' }, level: 'rural' },
    'xa-b': { area: { vi: 'Khu vực Nam', en: 'South' } },
  },
};

async function periodsScenario(pg: TestPostgres | null) {
  const dir = tempDir('oss-hub-periods-');
  const configFile = join(dir.path, 'hub-config.json');
  writeFileSync(configFile, JSON.stringify(CONFIG));
  const hub = await startTestHub(dir.path, {
    OSS_HUB_CONFIG: configFile,
    ...(pg ? { OSS_HUB_DATABASE_URL: pg.url } : {}),
  });
  try {
    // xa-a: waits 2, 30 and 40 minutes; officer1 served two (3 dossiers), officer2 one.
    await feed(
      hub,
      'xa-a',
      'Xã A',
      dayEvents('2026-11-23', NOV_23, [
        { id: 'A001', issue: 0, call: 2, officer: 'officer1', dossiers: 2, score: 5 },
        { id: 'A002', issue: 0, call: 30, officer: 'officer1', dossiers: 1, score: 2 },
        { id: 'A003', issue: 0, call: 40, officer: 'officer2' },
      ]),
    );
    // xa-b: every citizen within the target.
    await feed(
      hub,
      'xa-b',
      'Xã B',
      dayEvents('2026-11-23', NOV_23, [
        { id: 'B001', issue: 0, call: 5, officer: 'officer9', score: 5 },
        { id: 'B002', issue: 1, call: 10, officer: 'officer9' },
      ]),
    );
    const { baseUrl, cookie } = await hubManager(hub);

    const ranked = await getJson<HubRankingsResponse>(
      `${baseUrl}/api/rankings?period=day&label=2026-11-23`,
      cookie,
    );
    expect(ranked.status).toBe(200);
    expect(ranked.body.period).toEqual({
      kind: 'day',
      label: '2026-11-23',
      from: '2026-11-23',
      to: '2026-11-23',
    });
    expect(ranked.body.sites.map((s) => [s.siteId, s.rank, s.issued, s.withinTargetShare])).toEqual([
      ['xa-b', 1, 2, 1],
      ['xa-a', 2, 3, 1 / 3],
    ]);
    expect(ranked.body.sites[1]).toMatchObject({
      area: { vi: 'Khu vực Bắc' },
      level: 'rural',
      meanWaitMinutes: 24,
    });
    expect(ranked.body.sites[0]).toMatchObject({ level: 'province', satisfiedShare: 1 });

    const quarter = await getJson<HubRankingsResponse>(
      `${baseUrl}/api/rankings?period=quarter&label=2026-Q4`,
      cookie,
    );
    expect(quarter.body.sites.find((s) => s.siteId === 'xa-a')?.issued).toBe(3);

    const report = await getJson<HubSiteReport>(
      `${baseUrl}/api/sites/xa-a/report?period=month&label=2026-11`,
      cookie,
    );
    expect(report.status).toBe(200);
    const r = report.body.report;
    expect(r.productivityFloor).toBe(2);
    expect(r.officers.map((o) => [o.officerId, o.rank, o.served, o.dossiersReceived, o.floorToDate])).toEqual(
      [
        ['officer1', 1, 2, 3, 2],
        ['officer2', 2, 1, 0, 2],
      ],
    );
    expect(report.body.officersBelowFloor).toEqual(['officer2']);
    expect(report.body.daily).toEqual([{ day: '2026-11-23', arrivals: 3, meanWaitMinutes: 24 }]);
    expect(report.body.hourly[8]).toEqual({ hour: 8, arrivals: 3, meanWaitMinutes: 24 });
    expect(report.body.services).toEqual([{ id: 'land', name: { vi: 'Đất đai', en: 'Land' } }]);

    // Six days ago's visits are tomorrow's forecast (the same weekday), sized by the simulator.
    const sixDaysAgo = localDate(Date.now() - 6 * 86_400_000, 'Asia/Ho_Chi_Minh');
    const start = Date.parse(`${sixDaysAgo}T08:00:00+07:00`);
    await feed(
      hub,
      'xa-c',
      'Xã C',
      dayEvents(
        sixDaysAgo,
        start,
        Array.from({ length: 12 }, (_, i) => ({ id: `C${i}`, issue: i * 4, call: i * 4 + 3, officer: 'o' })),
      ),
    );
    const ahead = await getJson<HubForecastResponse>(`${baseUrl}/api/sites/xa-c/forecast?days=2`, cookie);
    expect(ahead.status).toBe(200);
    const [tomorrow, after] = ahead.body.days;
    expect(tomorrow).toMatchObject({ total: 12, services: [{ serviceId: 'land' }] });
    expect(tomorrow!.services[0]!.hours[8]).toBe(12);
    expect(tomorrow!.countersNeeded).toBeGreaterThanOrEqual(1);
    expect(after).toMatchObject({ total: 0, countersNeeded: null });
    expect((await getJson(`${baseUrl}/api/sites/xa-c/forecast?days=30`, cookie)).status).toBe(400);

    // The province level's own floor (Decision 468: 1,600) for a site the configuration leaves unlevelled.
    const b = await getJson<HubSiteReport>(`${baseUrl}/api/sites/xa-b/report?period=year&label=2026`, cookie);
    expect(b.body.report.productivityFloor).toBe(1600);

    const bad = await getJson<{ error: { message: string; text: { en: string } } }>(
      `${baseUrl}/api/rankings?period=month&label=2026-13`,
      cookie,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('không hợp lệ');
    expect(bad.body.error.text.en).toContain('2026-13');
    const badKind = await getJson(`${baseUrl}/api/rankings?period=week&label=2026-48`, cookie);
    expect(badKind.status).toBe(400);
    expect((await getJson(`${baseUrl}/api/rankings?period=day&label=2026-11-23`)).status).toBe(401);
    expect(
      (await getJson(`${baseUrl}/api/sites/xa-z/report?period=day&label=2026-11-23`, cookie)).status,
    ).toBe(404);
  } finally {
    await hub.stop();
    dir.remove();
  }
}

describe('the province’s periods', () => {
  onBothDatabases('ranks sites and reports officers against the configured floors', periodsScenario, SLOW);

  it('refuses a bad configuration file at start, naming the field', async () => {
    const dir = tempDir('oss-hub-badconfig-');
    const file = join(dir.path, 'hub-config.json');
    writeFileSync(file, JSON.stringify({ productivityFloors: { rural: -5 } }));
    const env = readHubEnv({ OSS_HUB_DATA_DIR: dir.path, OSS_HUB_CONFIG: file });
    await expect(startHub(env, { log: silentLogger })).rejects.toThrow(
      /không hợp lệ: .*productivityFloors\.rural.* phải >= 1/,
    );
    dir.remove();
  });
});
