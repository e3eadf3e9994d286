/** The hub's queries: sites and their credentials, the idempotent ingest, tickets, staff and sessions. */
import type { FeedBatch, SiteInfo } from '@oss/protocol';
import type { HubDb, Sql } from './db.ts';
import { MonthPartitions } from './partitions.ts';
import { project, type RatingRow, type TicketRow } from './project.ts';

export interface SiteRow {
  id: string;
  password_hash: string;
  enrolled_at: number;
  info: SiteInfo | null;
  last_seq: number;
  current_day: string | null;
  last_event_at: number | null;
  online: boolean;
  status_at: number | null;
}

export interface StaffRow {
  username: string;
  role: 'admin' | 'manager';
  password_hash: string;
  created_at: number;
}

export interface IngestResult {
  /** The hub holds every event of the site up to here (the ack). */
  upTo: number;
  /** Events stored by this batch (0 for a repeat). */
  stored: number;
  /** The batch starts after a gap: nothing stored, the site must send from `upTo + 1`. */
  gap: boolean;
}

const TICKET_COLUMNS = `id, day, number, service_id AS "serviceId", original_service_id AS "originalServiceId",
  priority, status, issued_at AS "issuedAt", first_called_at AS "firstCalledAt", called_at AS "calledAt",
  started_at AS "startedAt", finished_at AS "finishedAt", counter_id AS "counterId", officer_id AS "officerId", rating`;

/** SQL NULLs become absent fields, as in the projection. */
function ticketFromRow(row: Record<string, unknown>): TicketRow {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as unknown as TicketRow;
}

export class HubStore {
  /** The `events` table's months (a batch's months are created before it is stored). */
  readonly partitions: MonthPartitions;

  constructor(readonly db: HubDb) {
    this.partitions = new MonthPartitions(db);
  }

  // --- sites ---------------------------------------------------------------------------------------

  async enrolSite(id: string, passwordHash: string, now: number): Promise<void> {
    await this.db.query(
      `INSERT INTO sites (id, password_hash, enrolled_at) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash, enrolled_at = excluded.enrolled_at`,
      [id, passwordHash, now],
    );
  }

  async findSite(id: string): Promise<SiteRow | null> {
    return (await this.db.query<SiteRow>('SELECT * FROM sites WHERE id = $1', [id]))[0] ?? null;
  }

  async listSites(): Promise<SiteRow[]> {
    return this.db.query<SiteRow>('SELECT * FROM sites ORDER BY id');
  }

  async sitesEnrolledSince(since: number): Promise<{ id: string; enrolled_at: number }[]> {
    return this.db.query('SELECT id, enrolled_at FROM sites WHERE enrolled_at > $1', [since]);
  }

  async saveInfo(info: SiteInfo): Promise<void> {
    await this.db.query('UPDATE sites SET info = $2 WHERE id = $1', [info.site, JSON.stringify(info)]);
  }

  async saveStatus(site: string, online: boolean, at: number): Promise<void> {
    await this.db.query('UPDATE sites SET online = $2, status_at = $3 WHERE id = $1', [site, online, at]);
  }

  // --- ingest -------------------------------------------------------------------------------------

  /**
   * Stores a batch in one transaction, idempotently: the site's row is locked (workers sharing a site
   * take turns), events already held are skipped (and `ON CONFLICT DO NOTHING` besides), and the
   * projections change only for the events stored now.
   */
  async ingest(batch: FeedBatch): Promise<IngestResult> {
    await this.partitions.ensureFor(batch.events.map((e) => e.at));
    return this.db.transaction(async (tx) => {
      const [site] = await tx.query<{ last_seq: number; current_day: string | null }>(
        'SELECT last_seq, current_day FROM sites WHERE id = $1 FOR UPDATE',
        [batch.site],
      );
      if (!site) throw new Error(`unknown site ${batch.site}`);
      const held = site.last_seq;
      if (batch.from > held + 1) return { upTo: held, stored: 0, gap: true };
      if (batch.to <= held) return { upTo: held, stored: 0, gap: false };
      const fresh = batch.events.filter((e) => e.seq > held && e.seq <= batch.to);
      const inserted = await insertEvents(tx, batch.site, fresh);
      const news = fresh.filter((e) => inserted.has(e.seq));
      const touched = [...new Set(news.flatMap((e) => ('ticketId' in e && e.ticketId ? [e.ticketId] : [])))];
      const known = await this.ticketsById(tx, batch.site, touched);
      const result = project(news, known, site.current_day);
      await upsertTickets(tx, batch.site, [...result.tickets.values()]);
      await insertRatings(tx, batch.site, result.ratings);
      const lastAt = news.reduce<number | null>((m, e) => Math.max(m ?? 0, e.at), null);
      await tx.query(
        `UPDATE sites SET last_seq = $2, current_day = $3,
           last_event_at = greatest(coalesce(last_event_at, 0), coalesce($4::bigint, 0)) WHERE id = $1`,
        [batch.site, batch.to, result.day, lastAt],
      );
      return { upTo: batch.to, stored: news.length, gap: false };
    });
  }

  private async ticketsById(tx: Sql, site: string, ids: string[]): Promise<Map<string, TicketRow>> {
    if (ids.length === 0) return new Map();
    const rows = await tx.query(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE site = $1 AND id = ANY($2)`, [
      site,
      ids,
    ]);
    return new Map(rows.map((r) => [r.id as string, ticketFromRow(r)]));
  }

  // --- reading ------------------------------------------------------------------------------------

  async ticketsOfDay(site: string, day: string): Promise<TicketRow[]> {
    return this.ticketsBetween(site, day, day);
  }

  /** Tickets of the local days `from`..`to` (inclusive). */
  async ticketsBetween(site: string, from: string, to: string): Promise<TicketRow[]> {
    const rows = await this.db.query(
      `SELECT ${TICKET_COLUMNS} FROM tickets WHERE site = $1 AND day BETWEEN $2 AND $3 ORDER BY issued_at, number`,
      [site, from, to],
    );
    return rows.map(ticketFromRow);
  }

  async ratingsOfDay(site: string, day: string): Promise<RatingRow[]> {
    return this.ratingsBetween(site, day, day);
  }

  async ratingsBetween(site: string, from: string, to: string): Promise<RatingRow[]> {
    return this.db.query<RatingRow>(
      `SELECT id, day, at, score, counter_id AS "counterId", ticket_id AS "ticketId", officer_id AS "officerId",
         service_id AS "serviceId" FROM ratings WHERE site = $1 AND day BETWEEN $2 AND $3`,
      [site, from, to],
    );
  }

  /** Dossiers received per officer over local days `from`..`to`: the counts `ticket.finished` carries. */
  async dossiersByOfficer(site: string, from: string, to: string): Promise<Map<string, number>> {
    const rows = await this.db.query<{ officerId: string; n: string | number }>(
      `SELECT t.officer_id AS "officerId", sum((e.data->>'dossiers')::int) AS n
       FROM events e JOIN tickets t ON t.site = e.site AND t.id = e.data->>'ticketId'
       WHERE e.site = $1 AND e.type = 'ticket.finished' AND e.data->>'dossiers' IS NOT NULL
         AND t.day BETWEEN $2 AND $3 AND t.officer_id IS NOT NULL
       GROUP BY t.officer_id`,
      [site, from, to],
    );
    return new Map(rows.map((r) => [r.officerId, Number(r.n)]));
  }

  async ping(): Promise<boolean> {
    return (await this.db.query<{ ok: number }>('SELECT 1 AS ok'))[0]?.ok === 1;
  }

  // --- staff and sessions -------------------------------------------------------------------------

  async upsertStaff(row: StaffRow): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO staff (username, role, password_hash, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (username) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash`,
        [row.username, row.role, row.password_hash, row.created_at],
      );
      await tx.query('DELETE FROM sessions WHERE username = $1', [row.username]);
    });
  }

  async findStaff(username: string): Promise<StaffRow | null> {
    return (await this.db.query<StaffRow>('SELECT * FROM staff WHERE username = $1', [username]))[0] ?? null;
  }

  async createSession(tokenHash: string, username: string, expiresAt: number): Promise<void> {
    await this.db.query('INSERT INTO sessions (token_hash, username, expires_at) VALUES ($1, $2, $3)', [
      tokenHash,
      username,
      expiresAt,
    ]);
  }

  async findSession(tokenHash: string, now: number): Promise<StaffRow | null> {
    const rows = await this.db.query<StaffRow>(
      `SELECT st.* FROM sessions se JOIN staff st ON st.username = se.username
       WHERE se.token_hash = $1 AND se.expires_at > $2`,
      [tokenHash, now],
    );
    return rows[0] ?? null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }
}

/** Inserts with ON CONFLICT DO NOTHING; returns the seqs actually inserted. */
async function insertEvents(tx: Sql, site: string, events: FeedBatch['events']): Promise<Set<number>> {
  if (events.length === 0) return new Set();
  const rows = await tx.query<{ seq: number }>(
    `INSERT INTO events (site, seq, at, type, data)
     SELECT $1, e.seq, e.at, e.type, e.data FROM
       unnest($2::bigint[], $3::bigint[], $4::text[], $5::jsonb[]) AS e (seq, at, type, data)
     ON CONFLICT (site, seq, at) DO NOTHING RETURNING seq`,
    [
      site,
      events.map((e) => e.seq),
      events.map((e) => e.at),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e)),
    ],
  );
  return new Set(rows.map((r) => r.seq));
}

async function upsertTickets(tx: Sql, site: string, tickets: TicketRow[]): Promise<void> {
  for (const t of tickets)
    await tx.query(
      `INSERT INTO tickets (site, id, day, number, service_id, original_service_id, priority, status, issued_at,
         first_called_at, called_at, started_at, finished_at, counter_id, officer_id, rating)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (site, id) DO UPDATE SET service_id = excluded.service_id, status = excluded.status,
         first_called_at = excluded.first_called_at, called_at = excluded.called_at,
         started_at = excluded.started_at, finished_at = excluded.finished_at, counter_id = excluded.counter_id,
         officer_id = excluded.officer_id, rating = excluded.rating`,
      [
        site,
        t.id,
        t.day,
        t.number,
        t.serviceId,
        t.originalServiceId,
        t.priority,
        t.status,
        t.issuedAt,
        t.firstCalledAt ?? null,
        t.calledAt ?? null,
        t.startedAt ?? null,
        t.finishedAt ?? null,
        t.counterId ?? null,
        t.officerId ?? null,
        t.rating ?? null,
      ],
    );
}

async function insertRatings(tx: Sql, site: string, ratings: RatingRow[]): Promise<void> {
  for (const r of ratings)
    await tx.query(
      `INSERT INTO ratings (site, id, day, at, score, counter_id, ticket_id, officer_id, service_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (site, id) DO NOTHING`,
      [site, r.id, r.day, r.at, r.score, r.counterId, r.ticketId, r.officerId, r.serviceId],
    );
}
