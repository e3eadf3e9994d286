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
    // Absent times come back as null; the core treats null like undefined.
    return this.store.db
      .prepare(
        `SELECT original_service_id AS originalServiceId, priority, status, issued_at AS issuedAt,
           first_called_at AS firstCalledAt, called_at AS calledAt, started_at AS startedAt,
           finished_at AS finishedAt, officer_id AS officerId
         FROM tickets WHERE day BETWEEN ? AND ?`,
      )
      .all(from, to) as TicketFacts[];
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
    return this.store.db
      .prepare(
        'SELECT officer_id AS officerId, service_id AS serviceId, score FROM ratings WHERE day BETWEEN ? AND ?',
      )
      .all(from, to) as RatingFacts[];
  }

  emotions(from: string, to: string): EmotionFacts[] {
    return this.store.db
      .prepare(
        `SELECT json_extract(data, '$.officerId') AS officerId, json_extract(data, '$.serviceId') AS serviceId,
           json_extract(data, '$.satisfaction') AS satisfaction, json_extract(data, '$.confidence') AS confidence
         FROM events WHERE type = 'emotion.submitted' AND day BETWEEN ? AND ?`,
      )
      .all(from, to) as EmotionFacts[];
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
