/**
 * The hub's periods, pure: a site as the queue core sees it (built from the info it feeds up), its
 * period report through the core's own `periodReport`, per-day rows, and the sites ranked.
 */
import type { DailyRow, HubSiteRank, PeriodReport, ReportPeriod, SiteInfo } from '@oss/protocol';
import {
  compileSite,
  groupBy,
  type KpiRecords,
  periodReport,
  type Site,
  type SiteConfig,
  type SiteKpis,
  type TicketFacts,
  waitStats,
  waitTargetOfTicket,
} from '@oss/queue-server/core';
import type { ProvinceSettings, SitePlace } from './hub-config.ts';

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
/** What the core needs of a service but the feed does not carry: unused by the period figures. */
const UNUSED_SERVICE_MINUTES = 10;

/**
 * The site as the core sees it, from its fed-up info: services, counters, target and zone, the priority
 * classes its tickets name, and the level from the hub's configuration. Targets the feed does not
 * carry (share within target, satisfaction) are the site configuration's defaults.
 */
export function coreSite(
  id: string,
  info: SiteInfo | null,
  place: SitePlace,
  priorities: readonly string[],
): Site {
  const config: SiteConfig = {
    site: {
      id,
      name: info?.name ?? { vi: id, en: id },
      address: '',
      timezone: info?.timeZone ?? 'Asia/Ho_Chi_Minh',
      level: place.level,
    },
    openingHours: [{ days: EVERY_DAY, open: '00:00', close: '23:59' }],
    enforceOpeningHours: false,
    services: (info?.services ?? []).map((s) => ({ ...s, meanServiceMinutes: UNUSED_SERVICE_MINUTES })),
    procedures: [],
    counters: (info?.counters ?? []).map((c) => ({ ...c, serviceIds: [] })),
    priorityClasses: [...new Set(priorities)]
      .sort()
      .map((p) => ({ id: p, name: { vi: p, en: p }, weight: 1, declarable: false })),
    targets: {
      waitMinutes: info?.waitTargetMinutes ?? 15,
      withinTargetShare: 0.9,
      satisfactionShare: 0.95,
      maxWaitMinutes: 30,
    },
    routingPolicy: 'accumulating',
  };
  return compileSite(config);
}

/** The hub's records of a site over a period, and its served tickets since 1 January. */
export interface SitePeriodRecords {
  records: KpiRecords;
  /** Each officer's served since 1 January. */
  yearToDate: ReadonlyMap<string, number>;
  /** The period's end, or today when that is earlier. */
  yearEnd: string;
  dossiersByOfficer: ReadonlyMap<string, number>;
}

/** The site dashboard's report for a period, with the province's floors. */
export function siteReport(
  site: Site,
  period: ReportPeriod,
  data: SitePeriodRecords,
  now: number,
  settings: ProvinceSettings,
): { report: PeriodReport; officersBelowFloor: string[] } {
  const report = periodReport(
    site,
    period,
    data.records,
    data.yearToDate,
    data.yearEnd,
    now,
    data.dossiersByOfficer,
    settings.floors,
  );
  return {
    report,
    officersBelowFloor: report.officers.filter((o) => o.yearServed < o.floorToDate).map((o) => o.officerId),
  };
}

/** Arrivals and the mean wait (the core's definition) of each local day with tickets. */
export function dailyRows(
  site: Site,
  tickets: readonly (TicketFacts & { day: string })[],
  now: number,
): DailyRow[] {
  const targetOf = waitTargetOfTicket(site);
  return [...groupBy(tickets, (t) => t.day)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, group]) => ({
      day,
      arrivals: group.length,
      meanWaitMinutes: waitStats(group, now, targetOf).meanWaitMinutes,
    }));
}

export type RankInput = Omit<HubSiteRank, 'rank'>;

/** A ranking's figures, from the core's figures of a period (its records' or its sums'). */
export function rankFigures(
  k: Pick<
    SiteKpis,
    'issued' | 'served' | 'meanWaitMinutes' | 'withinTargetShare' | 'satisfiedShare' | 'targetWaitMinutes'
  >,
) {
  return {
    issued: k.issued,
    served: k.served,
    meanWaitMinutes: k.meanWaitMinutes,
    withinTargetShare: k.withinTargetShare,
    satisfiedShare: k.satisfiedShare,
    targetWaitMinutes: k.targetWaitMinutes,
  };
}

/** A missing figure ranks below every real one. */
const desc = (a: number | null, b: number | null) =>
  (b ?? Number.NEGATIVE_INFINITY) - (a ?? Number.NEGATIVE_INFINITY);
const asc = (a: number | null, b: number | null) =>
  (a ?? Number.POSITIVE_INFINITY) - (b ?? Number.POSITIVE_INFINITY);

/**
 * Sites ranked for a period: the highest share called within the target first, then the lowest mean
 * wait, then the highest satisfaction, then by id (a site with no tickets comes last).
 */
export function rankSites(inputs: readonly RankInput[]): HubSiteRank[] {
  return [...inputs]
    .sort(
      (a, b) =>
        desc(a.withinTargetShare, b.withinTargetShare) ||
        asc(a.meanWaitMinutes, b.meanWaitMinutes) ||
        desc(a.satisfiedShare, b.satisfiedShare) ||
        a.siteId.localeCompare(b.siteId),
    )
    .map((s, i) => ({ ...s, rank: i + 1 }));
}
