/**
 * The hub's summary of each site's local day per service (pure): the core's `KpiSums`, which add up,
 * so a province's ranking for a year reads a few rows per site and day, and the figures come out of
 * the core (`headlineKpis`) as from the tickets. A batch changes the rows of the tickets it touches:
 * each ticket's old state out, its new state in; each new rating in.
 */
import { addSums, emptySums, isServed, type KpiSums, ratingSums, ticketSums } from '@oss/queue-server/core';
import type { RatingRow, TicketRow } from './project.ts';

export interface ServiceDay {
  day: string;
  /** The ticket's original service (as the core groups services); '' for a rating without one. */
  serviceId: string;
  sums: KpiSums;
}

function add(rows: Map<string, ServiceDay>, day: string, serviceId: string, sums: KpiSums, sign: 1 | -1) {
  const key = `${day}\u0000${serviceId}`;
  const row = rows.get(key) ?? { day, serviceId, sums: emptySums() };
  rows.set(key, { ...row, sums: addSums(row.sums, sums, sign) });
}

/** What the tickets `changed` (stored before as in `known`, if at all) and new `ratings` add per day and service. */
export function serviceDayDeltas(
  known: ReadonlyMap<string, TicketRow>,
  changed: ReadonlyMap<string, TicketRow>,
  ratings: readonly RatingRow[],
): ServiceDay[] {
  const rows = new Map<string, ServiceDay>();
  for (const t of changed.values()) {
    const old = known.get(t.id);
    if (old) add(rows, old.day, old.originalServiceId, ticketSums(old), -1);
    add(rows, t.day, t.originalServiceId, ticketSums(t), 1);
  }
  for (const r of ratings) add(rows, r.day, r.serviceId ?? '', ratingSums(r.score), 1);
  return [...rows.values()];
}

/** An officer's tickets served on a local day: what the 468 floors' year to date adds up. */
export interface OfficerDay {
  day: string;
  officerId: string;
  served: number;
}

/** What the tickets `changed` add to their officers' days (the old officer's count out first). */
export function officerDayDeltas(
  known: ReadonlyMap<string, TicketRow>,
  changed: ReadonlyMap<string, TicketRow>,
): OfficerDay[] {
  const rows = new Map<string, OfficerDay>();
  const add = (t: TicketRow | undefined, sign: 1 | -1) => {
    if (!t?.officerId || !isServed(t)) return;
    const key = `${t.day}\u0000${t.officerId}`;
    const row = rows.get(key) ?? { day: t.day, officerId: t.officerId, served: 0 };
    rows.set(key, { ...row, served: row.served + sign });
  };
  for (const t of changed.values()) {
    add(known.get(t.id), -1);
    add(t, 1);
  }
  return [...rows.values()].filter((r) => r.served !== 0);
}
