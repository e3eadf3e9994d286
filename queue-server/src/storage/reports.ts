/**
 * Read queries for reports over any period: the facts the core's KPI functions need, from the
 * columns (no JSON per ticket) and, for closed days, from one row of facts a day (`day_facts`).
 */
import {
  addDays,
  type EmotionFacts,
  type KpiRecords,
  type RatingFacts,
  type TicketFacts,
  type TicketRecord,
} from '@oss/queue-server/core';
import type { Store } from './store.ts';

export interface CsvTicketRow extends TicketRecord {
  day: string;
  rating: number | null;
}

type TicketRow = [
  TicketFacts['originalServiceId'],
  TicketFacts['priority'],
  TicketFacts['status'],
  number,
  number | undefined,
  number | undefined,
  number | undefined,
  number | undefined,
  TicketFacts['officerId'],
];

const FIELDS = [
  'originalServiceId',
  'priority',
  'status',
  'issuedAt',
  'firstCalledAt',
  'calledAt',
  'startedAt',
  'finishedAt',
  'officerId',
] as const;
/** One array per field, in `FIELDS` order: a closed day's tickets as `day_facts` keeps them. */
type TicketColumns = unknown[][];

const factsOf = (r: TicketRow): TicketFacts => ({
  originalServiceId: r[0],
  priority: r[1],
  status: r[2],
  issuedAt: r[3],
  firstCalledAt: r[4],
  calledAt: r[5],
  startedAt: r[6],
  finishedAt: r[7],
  officerId: r[8],
});

function toColumns(facts: readonly TicketFacts[]): TicketColumns {
  return FIELDS.map((f) => facts.map((t) => t[f] ?? null));
}

function fromColumns(columns: TicketColumns): TicketFacts[] {
  const [service, priority, status, issued, firstCalled, called, started, finished, officer] = columns as [
    TicketFacts['originalServiceId'][],
    TicketFacts['priority'][],
    TicketFacts['status'][],
    number[],
    (number | undefined)[],
    (number | undefined)[],
    (number | undefined)[],
    (number | undefined)[],
    TicketFacts['officerId'][],
  ];
  return issued.map((issuedAt, i) => ({
    originalServiceId: service[i]!,
    priority: priority[i]!,
    status: status[i]!,
    issuedAt,
    firstCalledAt: firstCalled[i],
    calledAt: called[i],
    startedAt: started[i],
    finishedAt: finished[i],
    officerId: officer[i]!,
  }));
}

export class ReportQueries {
  /** `today`: the server's current local day; earlier days are closed and never change. */
  constructor(
    private readonly store: Store,
    private readonly today: () => string,
  ) {}

  /** Tickets, ratings and camera estimates of local days `from`..`to` inclusive. */
  records(from: string, to: string): KpiRecords {
    return {
      from,
      to,
      tickets: this.tickets(from, to),
      ratings: this.ratings(from, to),
      emotions: this.emotions(from, to),
    };
  }

  /**
   * The ticket facts of local days `from`..`to`. Closed days (before `today`) come from `day_facts`,
   * one row a day written the first time the day is read: a year is then 250 rows of JSON columns
   * instead of 150,000 rows, which is what keeps a yearly report under 2 s (docs/benchmarks.md).
   * Today's tickets still change, so they always come from the ticket rows.
   */
  tickets(from: string, to: string): TicketFacts[] {
    const today = this.today();
    const closedTo = to < today ? to : addDays(today, -1);
    if (closedTo < from) return this.ticketRows(from, to);
    const facts = this.closedDayFacts(from, closedTo);
    return to >= today ? facts.concat(this.ticketRows(today, to)) : facts;
  }

  private closedDayFacts(from: string, to: string): TicketFacts[] {
    const stored = this.store.db
      .prepare('SELECT day, columns FROM day_facts WHERE day BETWEEN ? AND ? ORDER BY day')
      .all(from, to) as { day: string; columns: string }[];
    const have = new Set(stored.map((r) => r.day));
    const missing = (
      this.store.db
        .prepare('SELECT DISTINCT day FROM tickets WHERE day BETWEEN ? AND ?')
        .pluck()
        .all(from, to) as string[]
    ).filter((d) => !have.has(d));
    const out: TicketFacts[] = [];
    for (const r of stored) out.push(...fromColumns(JSON.parse(r.columns) as TicketColumns));
    const save = this.store.db.prepare('INSERT OR REPLACE INTO day_facts (day, columns) VALUES (?, ?)');
    for (const day of missing) {
      const rows = this.ticketRows(day, day);
      save.run(day, JSON.stringify(toColumns(rows)));
      out.push(...rows);
    }
    return out;
  }

  private ticketRows(from: string, to: string): TicketFacts[] {
    // Rows as arrays (`raw`) and objects built here: faster than keyed rows. Absent times come back
    // as null; the core treats null like undefined.
    const rows = this.store.db
      .prepare(
        `SELECT original_service_id, priority, status, issued_at, first_called_at, called_at, started_at,
           finished_at, officer_id
         FROM tickets WHERE day BETWEEN ? AND ?`,
      )
      .raw(true)
      .all(from, to) as TicketRow[];
    return rows.map(factsOf);
  }

  /** Dossiers received per officer (receipts recorded at the counter) in local days `from`..`to`. */
  dossiersByOfficer(from: string, to: string): Map<string, number> {
    const rows = this.store.db
      .prepare(
        'SELECT officer_id AS officerId, count(*) AS n FROM dossiers WHERE day BETWEEN ? AND ? GROUP BY officer_id',
      )
      .all(from, to) as { officerId: string | null; n: number }[];
    return new Map(rows.map((r) => [r.officerId ?? '', r.n]));
  }

  ratings(from: string, to: string): RatingFacts[] {
    const rows = this.store.db
      .prepare('SELECT officer_id, service_id, score FROM ratings WHERE day BETWEEN ? AND ?')
      .raw(true)
      .all(from, to) as [string | null, string, number][];
    return rows.map((r) => ({ officerId: r[0], serviceId: r[1], score: r[2] }) as RatingFacts);
  }

  emotions(from: string, to: string): EmotionFacts[] {
    const rows = this.store.db
      .prepare(
        `SELECT json_extract(data, '$.officerId'), json_extract(data, '$.serviceId'),
           json_extract(data, '$.satisfaction'), json_extract(data, '$.confidence'),
           json_extract(data, '$.frames')
         FROM events WHERE type = 'emotion.submitted' AND day BETWEEN ? AND ?`,
      )
      .raw(true)
      .all(from, to) as [string | null, string, number, number, number][];
    return rows.map(
      (r) =>
        ({
          officerId: r[0],
          serviceId: r[1],
          satisfaction: r[2],
          confidence: r[3],
          frames: r[4],
        }) as EmotionFacts,
    );
  }

  /** Local days of the period that had tickets. */
  daysWithTickets(from: string, to: string): number {
    return (
      this.store.db
        .prepare('SELECT count(DISTINCT day) AS n FROM tickets WHERE day BETWEEN ? AND ?')
        .get(from, to) as {
        n: number;
      }
    ).n;
  }

  /** Full ticket records with their day and rating, in issue order, for the CSV. */
  csvRows(from: string, to: string): CsvTicketRow[] {
    const rows = this.store.db
      .prepare(
        `SELECT t.day, t.data, (SELECT r.score FROM ratings r WHERE r.ticket_id = t.id LIMIT 1) AS rating
         FROM tickets t WHERE t.day BETWEEN ? AND ? ORDER BY t.issued_at, t.number`,
      )
      .all(from, to) as { day: string; data: string; rating: number | null }[];
    return rows.map((r) => ({ ...(JSON.parse(r.data) as TicketRecord), day: r.day, rating: r.rating }));
  }
}
