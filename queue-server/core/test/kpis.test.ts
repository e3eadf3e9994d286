import { ProtocolError } from '@oss/protocol';
import { describe, expect, it } from 'vitest';
import { type KpiRecords, periodKpis, ratingStats, type TicketFacts, waitTargetOn } from '../kpis.ts';
import { hourlyProfile, periodReport, reportPeriod } from '../report.ts';
import { compileSite } from '../site.ts';
import type { SiteConfig } from '../site-config.ts';
import { MINUTE, testConfig } from './fixtures.ts';

const site = (targets: Partial<SiteConfig['targets']> = {}, level?: SiteConfig['site']['level']) => {
  const config = testConfig();
  return compileSite({
    ...config,
    site: { ...config.site, ...(level ? { level } : {}) },
    targets: { ...config.targets, ...targets },
  });
};

/** A served ticket issued at `at`, called `wait` minutes later, served for 5 minutes. */
const served = (
  at: number,
  wait: number,
  officerId: string,
  extra: Partial<TicketFacts> = {},
): TicketFacts => ({
  originalServiceId: 'civil-status',
  priority: 'normal',
  status: 'done',
  issuedAt: at,
  firstCalledAt: at + wait * MINUTE,
  calledAt: at + wait * MINUTE,
  finishedAt: at + (wait + 5) * MINUTE,
  officerId,
  ...extra,
});

const records = (tickets: TicketFacts[], scores: [string, number][] = []): KpiRecords => ({
  from: '2026-11-01',
  to: '2026-11-30',
  tickets,
  ratings: scores.map(([officerId, score]) => ({ officerId, serviceId: 'civil-status', score })),
  emotions: [],
});

const NOV_2 = Date.parse('2026-11-02T09:00:00+07:00');

describe('satisfaction', () => {
  it('counts 4 and 5 as satisfied by default, over rated tickets, with the response rate beside it', () => {
    const s = ratingStats([{ score: 5 }, { score: 4 }, { score: 3 }, { score: 1 }], 10);
    expect(s).toMatchObject({
      ratings: 4,
      satisfiedShare: 0.5,
      responseRate: 0.4,
      scoreCounts: [1, 0, 1, 1, 1],
    });
  });

  it('follows the site’s own definition of satisfied scores', () => {
    const lenient = site({ satisfiedScores: [3, 4, 5] });
    const k = periodKpis(
      lenient,
      records(
        [served(NOV_2, 5, 'a'), served(NOV_2, 5, 'a')],
        [
          ['a', 3],
          ['a', 5],
        ],
      ),
      NOV_2,
    );
    expect(k.satisfiedShare).toBe(1);
    expect(k.satisfiedScores).toEqual([3, 4, 5]);
    expect(periodKpis(site(), records([served(NOV_2, 5, 'a')], [['a', 3]]), NOV_2).satisfiedShare).toBe(0);
  });

  it('keeps the camera’s estimate apart from the button ratings', () => {
    const k = periodKpis(
      site(),
      {
        ...records([served(NOV_2, 5, 'a')], [['a', 1]]),
        emotions: [
          { officerId: 'a', serviceId: 'civil-status', satisfaction: 0.9, confidence: 0.8, frames: 6 },
        ],
      },
      NOV_2,
    );
    expect(k.officers[0]).toMatchObject({ satisfiedShare: 0, emotionSatisfaction: 0.9, emotionEstimates: 1 });
  });
});

describe('wait target by date', () => {
  it('is 30 minutes before 2025 and the site’s target (15) from 2025', () => {
    expect(waitTargetOn(site(), '2024-12-31')).toBe(30);
    expect(waitTargetOn(site(), '2025-01-01')).toBe(15);
    const dec2024 = Date.parse('2024-12-31T09:00:00+07:00');
    const k = periodKpis(
      site(),
      { ...records([served(dec2024, 20, 'a'), served(NOV_2, 20, 'a')]), from: '2024-12-31' },
      NOV_2,
    );
    // 20 minutes was within 2024's 30-minute target, not within 2026's 15.
    expect(k.withinTargetShare).toBe(0.5);
  });
});

describe('report periods', () => {
  it('names months, quarters and years and refuses anything else in both languages', () => {
    expect(reportPeriod('month', '2026-02')).toMatchObject({ from: '2026-02-01', to: '2026-02-28' });
    expect(reportPeriod('quarter', '2026-Q4')).toMatchObject({ from: '2026-10-01', to: '2026-12-31' });
    expect(reportPeriod('year', '2024')).toMatchObject({ from: '2024-01-01', to: '2024-12-31' });
    expect(reportPeriod('day', '2026-11-30')).toMatchObject({ from: '2026-11-30', to: '2026-11-30' });
    for (const [kind, label] of [
      ['day', '2026-02-30'],
      ['day', '2026-2-3'],
      ['month', '2026-13'],
      ['quarter', '2026-Q5'],
      ['year', '26'],
    ] as const) {
      try {
        reportPeriod(kind, label);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
        expect((e as ProtocolError).text.vi).toMatch(/không hợp lệ/);
      }
    }
  });

  it('ranks officers and sets their year against the level’s floor', () => {
    const rural = site({}, 'rural');
    const tickets = [
      served(NOV_2, 5, 'b'),
      served(NOV_2, 5, 'b'),
      served(NOV_2, 5, 'b'),
      served(NOV_2, 5, 'a'),
      served(NOV_2, 40, 'a', { priority: 'elderly' }),
      served(NOV_2, 5, '', { officerId: undefined }),
    ];
    const november = (floors?: Parameters<typeof periodReport>[7]) =>
      periodReport(
        rural,
        reportPeriod('month', '2026-11'),
        records(tickets),
        tickets,
        '2026-11-30',
        NOV_2,
        new Map(),
        floors,
      );
    const r = november();
    expect(r.productivityFloor).toBe(1200);
    // b served more; a's two tickets come second.
    expect(r.officers.map((o) => [o.officerId, o.rank, o.yearServed])).toEqual([
      ['b', 1, 3],
      ['a', 2, 2],
    ]);
    expect(r.officers[0]!.floorToDate).toBe(Math.round((1200 * 334) / 365));
    expect(r.unattributedServed).toBe(1);
    expect(r.priorityVsNormal.priority).toMatchObject({
      issued: 1,
      meanWaitMinutes: 40,
      withinTargetShare: 0,
    });
    expect(r.priorityVsNormal.normal).toMatchObject({ issued: 5, withinTargetShare: 1 });
    expect(r.priorityClasses.find((c) => c.classId === 'elderly')?.issued).toBe(1);
    const floors = { ministry: 1, 'central-city': 1, province: 1, rural: 730, remote: 1 };
    const own = november(floors);
    expect([own.productivityFloor, own.officers[0]!.floorToDate]).toEqual([730, 668]);
  });

  it('puts arrivals and waits in the local hour they were issued', () => {
    const rows = hourlyProfile(
      [served(NOV_2, 10, 'a'), served(NOV_2 + 90 * MINUTE, 20, 'a')],
      'Asia/Ho_Chi_Minh',
      2,
    );
    expect(rows[9]).toEqual({ hour: 9, arrivals: 0.5, meanWaitMinutes: 10 });
    expect(rows[10]).toEqual({ hour: 10, arrivals: 0.5, meanWaitMinutes: 20 });
  });
});
