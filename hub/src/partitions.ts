/**
 * The hub's `events`, `tickets` and `ratings` tables are partitioned by UTC month (of the event's time,
 * the ticket's issue time, the rating's time): old months can be detached or dropped whole, and a
 * month's rows stay together. A partition must exist before a
 * row for its month arrives (there is no default partition, which would have to be scanned and split
 * whenever a month is added), so the ingest ensures the months of each batch first, and the hub
 * creates the coming months ahead. The same path for PGlite and a real PostgreSQL.
 */
import type { Sql } from './db.ts';

/** The tables partitioned by month, and the column that places a row. */
export const MONTHLY_TABLES = { events: 'at', tickets: 'issued_at', ratings: 'at' } as const;
export type MonthlyTable = keyof typeof MONTHLY_TABLES;

export interface Month {
  /** `2026_12` (the partitions are `events_2026_12`, `tickets_2026_12`…) */
  name: string;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

export function monthOf(at: number): Month {
  const d = new Date(at);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  return {
    name: `${year}_${String(month + 1).padStart(2, '0')}`,
    from: Date.UTC(year, month, 1),
    to: Date.UTC(year, month + 1, 1),
  };
}

/** This month and the `ahead` after it. */
export function monthsFrom(now: number, ahead: number): Month[] {
  const d = new Date(now);
  return Array.from({ length: ahead + 1 }, (_, i) =>
    monthOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + i, 1)),
  );
}

/** Any constant shared by every hub process: serialises partition creation between workers. */
const PARTITION_LOCK = 7_162_032;

export function createPartitionSql(table: MonthlyTable, m: Month): string {
  return `CREATE TABLE IF NOT EXISTS ${table}_${m.name} PARTITION OF ${table} FOR VALUES FROM (${m.from}) TO (${m.to})`;
}

/**
 * Creates the months' partitions that do not exist yet, each in a short transaction of its own
 * (under an advisory lock, so two workers never race on one), and remembers the ones it has seen.
 */
export class MonthPartitions {
  private readonly known = new Map<string, Month>();

  constructor(private readonly db: Sql & { transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> }) {}

  /** The months of `ats` (a batch's times: most fall in a month already made, checked without a Date). */
  async ensureFor(ats: Iterable<number>): Promise<void> {
    const months = new Map<string, Month>();
    let last: Month | undefined;
    for (const at of ats) {
      if (last && at >= last.from && at < last.to) continue;
      last = this.monthHolding(at) ?? monthOf(at);
      months.set(last.name, last);
    }
    await this.ensure([...months.values()]);
  }

  private monthHolding(at: number): Month | undefined {
    for (const m of this.known.values()) if (at >= m.from && at < m.to) return m;
    return undefined;
  }

  async ensure(months: Month[]): Promise<void> {
    for (const m of months) {
      if (this.known.has(m.name)) continue;
      await this.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
        for (const table of Object.keys(MONTHLY_TABLES) as MonthlyTable[])
          await tx.query(createPartitionSql(table, m));
      });
      this.known.set(m.name, m);
    }
  }
}
