import type { HubTicket } from '@oss/protocol';
import { describe, expect, it } from 'vitest';
import {
  alertsOf,
  currentLabel,
  filterSites,
  groupByArea,
  type HubSite,
  type PeriodKind,
  sortSites,
  waitsByHour,
} from './model.ts';

const NOW = Date.parse('2026-11-23T10:00:00+07:00');
function site(
  id: string,
  vi: string,
  over: Partial<HubSite['today']> = {},
  extra: Partial<HubSite> = {},
): HubSite {
  return {
    id,
    name: { vi, en: id },
    lastEventAt: '2026-11-23T09:55:00+07:00',
    online: true,
    feedSeq: 1,
    waitTargetMinutes: 15,
    day: '2026-11-23',
    today: {
      issued: 10,
      served: 5,
      waiting: 3,
      meanWaitMinutes: 8,
      withinTargetShare: 0.9,
      satisfiedShare: 0.97,
      ...over,
    },
    ...extra,
  };
}

describe('province model', () => {
  it('raises alerts for waits over target, silent and offline sites', () => {
    expect(alertsOf(site('a', 'A'), NOW)).toEqual([]);
    expect(alertsOf(site('a', 'A', { meanWaitMinutes: 22 }), NOW)).toEqual(['over-target']);
    expect(alertsOf(site('a', 'A', {}, { lastEventAt: '2026-11-23T09:00:00+07:00' }), NOW)).toEqual([
      'silent',
    ]);
    expect(alertsOf(site('a', 'A', {}, { online: false }), NOW)).toEqual(['offline']);
    expect(alertsOf(site('a', 'A', {}, { lastEventAt: null }), NOW)).toEqual(['silent']);
  });

  it('sorts by a figure and filters without accents', () => {
    const sites = [
      site('b', 'Phường Bến Thành', { meanWaitMinutes: 20 }),
      site('d', 'Xã Đông Hà'),
      site('c', 'Phường Chợ Lớn', { meanWaitMinutes: null }),
    ];
    expect(sortSites(sites, 'meanWait', NOW, true).map((s) => s.id)).toEqual(['b', 'd', 'c']);
    expect(sortSites(sites, 'name', NOW, false).map((s) => s.id)).toEqual(['b', 'c', 'd']);
    expect(sortSites(sites, 'alerts', NOW, true)[0]!.id).toBe('b');
    expect(filterSites(sites, 'ben thanh', false, NOW).map((s) => s.id)).toEqual(['b']);
    expect(filterSites(sites, 'dong', false, NOW).map((s) => s.id)).toEqual(['d']);
    expect(filterSites(sites, '', true, NOW).map((s) => s.id)).toEqual(['b']);
  });

  it('counts arrivals and mean waits per local hour', () => {
    const ticket = (issuedAt: string, calledAt: string | null): HubTicket => ({
      id: issuedAt,
      number: 'A1',
      serviceId: 's',
      priority: 'normal',
      status: calledAt ? 'called' : 'waiting',
      issuedAt,
      calledAt,
      finishedAt: null,
      counterId: null,
      rating: null,
    });
    const rows = waitsByHour([
      ticket('2026-11-23T08:10:00.000+07:00', '2026-11-23T08:20:00.000+07:00'),
      ticket('2026-11-23T08:40:00.000+07:00', '2026-11-23T09:10:00.000+07:00'),
      ticket('2026-11-23T09:05:00.000+07:00', null),
    ]);
    expect(rows).toEqual([
      { hour: 8, arrivals: 2, meanWait: 20 },
      { hour: 9, arrivals: 1, meanWait: null },
    ]);
  });
});

describe('periods and areas', () => {
  it('names the current period of each kind as the hub takes it', () => {
    expect(
      ['day', 'month', 'quarter', 'year'].map((k) => currentLabel(k as PeriodKind, '2026-11-30')),
    ).toEqual(['2026-11-30', '2026-11', '2026-Q4', '2026']);
    expect(currentLabel('quarter', '2026-01-01')).toBe('2026-Q1');
  });

  it('groups sites by area, best rank first, sites without an area last', () => {
    const site = (id: string, rank: number, area: string | null) => ({
      id,
      rank,
      area: area ? { vi: area, en: area } : null,
    });
    const groups = groupByArea([
      site('c', 3, null),
      site('b', 2, 'Khu vực Nam'),
      site('a', 4, 'Khu vực Bắc'),
      site('d', 1, 'Khu vực Nam'),
    ]);
    expect(groups.map((g) => [g.area?.vi ?? null, g.sites.map((s) => s.id)])).toEqual([
      ['Khu vực Bắc', ['a']],
      ['Khu vực Nam', ['d', 'b']],
      [null, ['c']],
    ]);
  });
});
