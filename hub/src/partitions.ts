/**
 * The hub's `events` table is partitioned by month of the event's time (`at`, UTC months): old months
 * can be detached or dropped whole, and a month's rows stay together. A partition must exist before a
 * row for its month arrives (there is no default partition, which would have to be scanned and split
 * whenever a month is added), so the ingest ensures the months of each batch first, and the hub
 * creates the coming months ahead. The same path for PGlite and a real PostgreSQL.
 */
import type { Sql } from './db.ts';

export interface Month {
  /** `events_2026_12` */
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
    name: `events_${year}_${String(month + 1).padStart(2, '0')}`,
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

export function createPartitionSql(m: Month): string {
  return `CREATE TABLE IF NOT EXISTS ${m.name} PARTITION OF events FOR VALUES FROM (${m.from}) TO (${m.to})`;
}

/**
 * Creates the months' partitions that do not exist yet, each in a short transaction of its own
 * (under an advisory lock, so two workers never race on one), and remembers the ones it has seen.
 */
export class MonthPartitions {
  private readonly known = new Set<string>();

  constructor(private readonly db: Sql & { transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> }) {}

  async ensureFor(ats: number[]): Promise<void> {
    const months = new Map(ats.map((at) => monthOf(at)).map((m) => [m.name, m]));
    await this.ensure([...months.values()]);
  }

  async ensure(months: Month[]): Promise<void> {
    for (const m of months) {
      if (this.known.has(m.name)) continue;
      await this.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
        await tx.query(createPartitionSql(m));
      });
      this.known.add(m.name);
    }
  }
}
