/**
 * What surrounds a ticket (PROTOCOL.md §6): appointments booked ahead, the dossiers an officer
 * received for a ticket, and citizens' feedback with its follow-up. Same SQLite file as the queue.
 */
import type { FeedbackStatus } from '@oss/protocol';
import type { Database, Statement } from 'better-sqlite3';

export type AppointmentStatus = 'booked' | 'cancelled' | 'checked_in';

export interface AppointmentRow {
  id: string;
  code: string;
  service_id: string;
  procedure_id: string | null;
  day: string;
  start: number;
  end: number;
  status: AppointmentStatus;
  /** Only for a reminder; cleared once the day is over. */
  phone: string | null;
  /** When the SMS reminder went out (migration 5). */
  reminded_at?: number | null;
  /** Keyed hash of the CCCD number it was booked with (check-in by card); cleared once the day is over. */
  citizen_hash?: string | null;
  created_at: number;
  ticket_id: string | null;
  checked_in_at: number | null;
  cancelled_at: number | null;
}

export interface DossierRow {
  ticket_id: string;
  code: string;
  day: string;
  at: number;
  counter_id: string;
  officer_id: string | null;
  service_id: string;
}

export type { FeedbackStatus };

export interface FeedbackRow {
  id: string;
  ticket_id: string;
  day: string;
  at: number;
  /** JSON array of the site's reason ids. */
  reasons: string;
  text: string | null;
  contact: string | null;
  status: FeedbackStatus;
  note: string | null;
  handled_by: string | null;
  updated_at: number;
}

export class VisitStore {
  private statements = new Map<string, Statement>();
  constructor(private readonly db: Database) {}

  // --- appointments ------------------------------------------------------------------------------

  insertAppointment(row: AppointmentRow): void {
    this.prepared(`
      INSERT INTO appointments (id, code, service_id, procedure_id, day, start, end, status, phone, created_at,
        ticket_id, checked_in_at, cancelled_at, citizen_hash)
      VALUES (@id, @code, @service_id, @procedure_id, @day, @start, @end, @status, @phone, @created_at,
        @ticket_id, @checked_in_at, @cancelled_at, @citizen_hash)
    `).run({ citizen_hash: null, ...row });
  }

  appointment(id: string): AppointmentRow | null {
    return (this.prepared('SELECT * FROM appointments WHERE id = ?').get(id) as AppointmentRow) ?? null;
  }

  /** The live (booked) appointment with this code, else the latest one that had it. */
  appointmentByCode(code: string): AppointmentRow | null {
    return (
      (this.prepared(
        "SELECT * FROM appointments WHERE code = ? ORDER BY status = 'booked' DESC, created_at DESC LIMIT 1",
      ).get(code) as AppointmentRow) ?? null
    );
  }

  codeInUse(code: string): boolean {
    return (
      this.prepared("SELECT 1 FROM appointments WHERE code = ? AND status = 'booked'").get(code) !== undefined
    );
  }

  /** Places taken in each slot of a service on a day (booked or checked in). */
  bookedBySlot(serviceId: string, day: string): Map<number, number> {
    const rows = this.prepared(`
      SELECT start, count(*) AS n FROM appointments
      WHERE service_id = ? AND day = ? AND status <> 'cancelled' GROUP BY start
    `).all(serviceId, day) as { start: number; n: number }[];
    return new Map(rows.map((r) => [r.start, r.n]));
  }

  bookingsForPhone(phone: string, day: string): number {
    return (
      this.prepared(
        "SELECT count(*) AS n FROM appointments WHERE phone = ? AND day = ? AND status <> 'cancelled'",
      ).get(phone, day) as { n: number }
    ).n;
  }

  setAppointmentStatus(
    id: string,
    status: AppointmentStatus,
    at: number,
    ticketId: string | null = null,
  ): void {
    this.prepared(`
      UPDATE appointments SET status = @status,
        ticket_id = coalesce(@ticketId, ticket_id),
        checked_in_at = CASE WHEN @status = 'checked_in' THEN @at ELSE checked_in_at END,
        cancelled_at = CASE WHEN @status = 'cancelled' THEN @at ELSE cancelled_at END
      WHERE id = @id
    `).run({ id, status, at, ticketId });
  }

  appointmentsOfDay(day: string): AppointmentRow[] {
    return this.prepared('SELECT * FROM appointments WHERE day = ? ORDER BY start, created_at').all(
      day,
    ) as AppointmentRow[];
  }

  /** Booked appointments with a phone number, not yet reminded, whose slot starts in (`after`, `until`]. */
  dueForReminder(after: number, until: number): AppointmentRow[] {
    return this.prepared(`
      SELECT * FROM appointments WHERE status = 'booked' AND phone IS NOT NULL AND reminded_at IS NULL
        AND start > ? AND start <= ? ORDER BY start
    `).all(after, until) as AppointmentRow[];
  }

  markReminded(id: string, at: number): void {
    this.prepared('UPDATE appointments SET reminded_at = ? WHERE id = ?').run(at, id);
  }

  /** Today's live booking made with this citizen's keyed hash: one still to check in first. */
  bookingOfCitizen(citizenHash: string, day: string): AppointmentRow | null {
    return (
      (this.prepared(`
        SELECT * FROM appointments WHERE day = ? AND citizen_hash = ? AND status <> 'cancelled'
        ORDER BY status = 'booked' DESC, start LIMIT 1
      `).get(day, citizenHash) as AppointmentRow | undefined) ?? null
    );
  }

  /** Phone numbers and card hashes are kept only until their day is over. */
  forgetPhonesBefore(day: string): number {
    return this.prepared(`
      UPDATE appointments SET phone = NULL, citizen_hash = NULL
      WHERE day < ? AND (phone IS NOT NULL OR citizen_hash IS NOT NULL)
    `).run(day).changes;
  }

  // --- dossiers ----------------------------------------------------------------------------------

  insertDossiers(rows: DossierRow[]): void {
    const insert = this.prepared(`
      INSERT OR IGNORE INTO dossiers (ticket_id, code, day, at, counter_id, officer_id, service_id)
      VALUES (@ticket_id, @code, @day, @at, @counter_id, @officer_id, @service_id)
    `);
    for (const row of rows) insert.run(row);
  }

  dossiersOfTicket(ticketId: string): string[] {
    return (
      this.prepared('SELECT code FROM dossiers WHERE ticket_id = ? ORDER BY code').all(ticketId) as {
        code: string;
      }[]
    ).map((r) => r.code);
  }

  /** When this site first received a dossier with this code. */
  dossierReceipt(code: string): { at: number; day: string } | null {
    return (
      (this.prepared('SELECT at, day FROM dossiers WHERE code = ? ORDER BY at LIMIT 1').get(code) as {
        at: number;
        day: string;
      }) ?? null
    );
  }

  dossiersBetween(fromDay: string, toDay: string): DossierRow[] {
    return this.prepared('SELECT * FROM dossiers WHERE day BETWEEN ? AND ? ORDER BY at').all(
      fromDay,
      toDay,
    ) as DossierRow[];
  }

  // --- feedback ----------------------------------------------------------------------------------

  insertFeedback(row: FeedbackRow): void {
    this.prepared(`
      INSERT INTO feedback (id, ticket_id, day, at, reasons, text, contact, status, note, handled_by, updated_at)
      VALUES (@id, @ticket_id, @day, @at, @reasons, @text, @contact, @status, @note, @handled_by, @updated_at)
    `).run(row);
  }

  feedbackOfTicket(ticketId: string): FeedbackRow | null {
    return (this.prepared('SELECT * FROM feedback WHERE ticket_id = ?').get(ticketId) as FeedbackRow) ?? null;
  }

  feedback(id: string): FeedbackRow | null {
    return (this.prepared('SELECT * FROM feedback WHERE id = ?').get(id) as FeedbackRow) ?? null;
  }

  feedbackBetween(fromDay: string, toDay: string): FeedbackRow[] {
    return this.prepared('SELECT * FROM feedback WHERE day BETWEEN ? AND ? ORDER BY at DESC').all(
      fromDay,
      toDay,
    ) as FeedbackRow[];
  }

  updateFeedback(id: string, status: FeedbackStatus, note: string | null, by: string, at: number): void {
    this.prepared(
      'UPDATE feedback SET status = ?, note = coalesce(?, note), handled_by = ?, updated_at = ? WHERE id = ?',
    ).run(status, note, by, at, id);
  }

  private prepared(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
