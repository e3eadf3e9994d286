/**
 * Read queries for reports over any period: the facts the core's KPI functions need, straight from
 * the columns (no JSON per ticket), so that a year of tickets loads in a fraction of a second.
 */
import type {
  EmotionFacts,
  KpiRecords,
  RatingFacts,
  TicketFacts,
  TicketRecord,
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

export class ReportQueries {
  constructor(private readonly store: Store) {}

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

  tickets(from: string, to: string): TicketFacts[] {
    // Rows as arrays (`raw`) and objects built here: half the time of keyed rows for a year of
    // tickets (docs/benchmarks.md). Absent times come back as null; the core treats null like undefined.
    const rows = this.store.db
      .prepare(
        `SELECT original_service_id, priority, status, issued_at, first_called_at, called_at, started_at,
           finished_at, officer_id
         FROM tickets WHERE day BETWEEN ? AND ?`,
      )
      .raw(true)
      .all(from, to) as TicketRow[];
    return rows.map((r) => ({
      originalServiceId: r[0],
      priority: r[1],
      status: r[2],
      issuedAt: r[3],
      firstCalledAt: r[4],
      calledAt: r[5],
      startedAt: r[6],
      finishedAt: r[7],
      officerId: r[8],
    }));
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
           json_extract(data, '$.satisfaction'), json_extract(data, '$.confidence')
         FROM events WHERE type = 'emotion.submitted' AND day BETWEEN ? AND ?`,
      )
      .raw(true)
      .all(from, to) as [string | null, string, number, number][];
    return rows.map(
      (r) => ({ officerId: r[0], serviceId: r[1], satisfaction: r[2], confidence: r[3] }) as EmotionFacts,
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
