/** The hub's queries: sites and their credentials, the idempotent ingest, tickets, staff and sessions. */
import type { FeedBatch, SiteInfo } from '@oss/protocol';
import { addSums, type DaySums, type KpiSums, WAIT_TARGET_2025_FROM } from '@oss/queue-server/core';
import type { HubDb, Sql } from './db.ts';
import { MonthPartitions } from './partitions.ts';
import { project, type RatingRow, type TicketRow } from './project.ts';
import { type OfficerDay, officerDayDeltas, type ServiceDay, serviceDayDeltas } from './summaries.ts';

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

/** A site's summed days (one per wait target) and its tickets still waiting, for a period. */
export interface SitePeriodSums {
  days: DaySums[];
  waiting: TicketRow[];
}

/** `service_days`' columns that are plain counts and sums (besides `waits_by_minute`). */
const SUM_COLUMNS = [
  'issued',
  'served',
  'no_shows',
  'called',
  'wait_ms',
  'service_ms',
  'score_1',
  'score_2',
  'score_3',
  'score_4',
  'score_5',
] as const;

function sumsFromRow(row: Record<string, unknown>): KpiSums {
  const n = (c: string) => Number(row[c] ?? 0);
  return {
    issued: n('issued'),
    served: n('served'),
    noShows: n('no_shows'),
    called: n('called'),
    waitMs: n('wait_ms'),
    waitsByMinute: (row.waits_by_minute as number[] | undefined) ?? [],
    serviceMs: n('service_ms'),
    scoreCounts: [1, 2, 3, 4, 5].map((s) => n(`score_${s}`)),
  };
}

function sumsValues(s: KpiSums): unknown[] {
  return [s.issued, s.served, s.noShows, s.called, s.waitMs, s.serviceMs, ...s.scoreCounts];
}

/** Adds a batch's changes to the site's summed days (the site's row is locked: no other writer). */
async function addServiceDays(tx: Sql, site: string, deltas: ServiceDay[]): Promise<void> {
  if (deltas.length === 0) return;
  const days = [...new Set(deltas.map((d) => d.day))];
  const rows = await tx.query('SELECT * FROM service_days WHERE site = $1 AND day = ANY($2)', [site, days]);
  const stored = new Map(rows.map((r) => [`${r.day}\u0000${r.service_id}`, sumsFromRow(r)]));
  await writeServiceDays(
    tx,
    site,
    deltas.map((d) => {
      const old = stored.get(`${d.day}\u0000${d.serviceId}`);
      return old ? { ...d, sums: addSums(old, d.sums) } : d;
    }),
  );
}

/** Upserts summed days, many rows per statement (the waits' arrays travel as `{…}` text). */
export async function writeServiceDays(tx: Sql, site: string, rows: ServiceDay[]): Promise<void> {
  const columns = ['day', 'service_id', ...SUM_COLUMNS, 'waits_by_minute'];
  const types = ['text', 'text', ...SUM_COLUMNS.map(() => 'bigint'), 'text'];
  const updates = [...SUM_COLUMNS, 'waits_by_minute'].map((c) => `${c} = excluded.${c}`).join(', ');
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const values = chunk.map((r) => [r.day, r.serviceId, ...sumsValues(r.sums), `{${r.sums.waitsByMinute}}`]);
    await tx.query(
      `INSERT INTO service_days (site, ${columns.join(', ')})
       SELECT $1, ${columns.map((c) => (c === 'waits_by_minute' ? `${c}::integer[]` : c)).join(', ')}
       FROM unnest(${types.map((t, j) => `$${j + 2}::${t}[]`).join(', ')}) AS r (${columns.join(', ')})
       ON CONFLICT (site, day, service_id) DO UPDATE SET ${updates}`,
      [site, ...columns.map((_, j) => values.map((v) => v[j]))],
    );
  }
}

/** Adds officers' served counts (added up in the database: plain counts). */
async function addOfficerDays(tx: Sql, site: string, rows: OfficerDay[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO officer_days (site, day, officer_id, served)
     SELECT $1, r.day, r.officer_id, r.served FROM unnest($2::text[], $3::text[], $4::int[]) AS r (day, officer_id, served)
     ON CONFLICT (site, day, officer_id) DO UPDATE SET served = officer_days.served + excluded.served`,
    [site, rows.map((r) => r.day), rows.map((r) => r.officerId), rows.map((r) => r.served)],
  );
}

/** Builds every site's officers' days from the tickets held (a migration, once). */
export async function rebuildOfficerDays(tx: Sql): Promise<void> {
  const sites = await tx.query<{ site: string }>('SELECT DISTINCT site FROM tickets');
  for (const { site } of sites) {
    const tickets = (await tx.query(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE site = $1`, [site])).map(
      ticketFromRow,
    );
    await addOfficerDays(tx, site, officerDayDeltas(new Map(), new Map(tickets.map((t) => [t.id, t]))));
  }
}

/** Builds every site's summed days from the tickets and ratings held (a migration, once). */
export async function rebuildServiceDays(tx: Sql): Promise<void> {
  const sites = await tx.query<{ site: string }>(
    'SELECT DISTINCT site FROM tickets UNION SELECT DISTINCT site FROM ratings',
  );
  for (const { site } of sites) {
    const tickets = (await tx.query(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE site = $1`, [site])).map(
      ticketFromRow,
    );
    const ratings = await tx.query<RatingRow>(
      `SELECT id, day, score, service_id AS "serviceId" FROM ratings WHERE site = $1`,
      [site],
    );
    await writeServiceDays(
      tx,
      site,
      serviceDayDeltas(new Map(), new Map(tickets.map((t) => [t.id, t])), ratings),
    );
  }
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
    // A ticket a kiosk issued offline may belong to an earlier month than the event that brings it.
    await this.partitions.ensureFor(
      batch.events.flatMap((e) => (e.type === 'ticket.issued' ? [e.at, e.issuedAt] : [e.at])),
    );
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
      await addServiceDays(tx, batch.site, serviceDayDeltas(known, result.tickets, result.ratings));
      await addOfficerDays(tx, batch.site, officerDayDeltas(known, result.tickets));
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

  /**
   * Every site's summed days of the local days `from`..`to`, added up in the database per site and
   * wait target (days before 2025 have the 2022 target), and its tickets still waiting (whose
   * lateness depends on the time of asking): what `headlineKpis` needs.
   */
  async periodSums(from: string, to: string): Promise<Map<string, SitePeriodSums>> {
    const params = [from, to, WAIT_TARGET_2025_FROM];
    const [totals, minutes, waiting] = await Promise.all([
      this.db.query<Record<string, number | string>>(
        `SELECT site, min(day) AS day, ${SUM_COLUMNS.map((c) => `sum(${c})::bigint AS ${c}`).join(', ')}
         FROM service_days WHERE day BETWEEN $1 AND $2 GROUP BY site, day < $3`,
        params,
      ),
      this.db.query<{ site: string; before: boolean; i: number; n: number }>(
        `SELECT site, day < $3 AS before, h.i::int AS i, sum(h.n)::bigint AS n
         FROM service_days, unnest(waits_by_minute) WITH ORDINALITY AS h (n, i)
         WHERE day BETWEEN $1 AND $2 GROUP BY site, day < $3, h.i`,
        params,
      ),
      this.db.query(
        `SELECT site, ${TICKET_COLUMNS} FROM tickets
         WHERE day BETWEEN $1 AND $2 AND status = 'waiting' AND first_called_at IS NULL`,
        [from, to],
      ),
    ]);
    const bySite = new Map<string, SitePeriodSums>();
    const of = (site: string) => {
      const entry = bySite.get(site) ?? { days: [], waiting: [] };
      bySite.set(site, entry);
      return entry;
    };
    const histograms = new Map<string, number[]>();
    for (const m of minutes) {
      const key = `${m.site}\u0000${m.before}`;
      const histogram = histograms.get(key) ?? [];
      histogram[m.i - 1] = m.n;
      histograms.set(key, histogram);
    }
    for (const row of totals) {
      const before = String(row.day) < WAIT_TARGET_2025_FROM;
      const histogram = histograms.get(`${row.site}\u0000${before}`) ?? [];
      of(String(row.site)).days.push({
        day: String(row.day),
        sums: { ...sumsFromRow(row), waitsByMinute: Array.from(histogram, (n) => n ?? 0) },
      });
    }
    for (const row of waiting) of(String(row.site)).waiting.push(ticketFromRow(row));
    return bySite;
  }

  /** Tickets served per officer over local days `from`..`to`, from the summed days. */
  async servedByOfficer(site: string, from: string, to: string): Promise<Map<string, number>> {
    const rows = await this.db.query<{ officer_id: string; served: number }>(
      `SELECT officer_id, sum(served)::bigint AS served FROM officer_days
       WHERE site = $1 AND day BETWEEN $2 AND $3 GROUP BY officer_id`,
      [site, from, to],
    );
    return new Map(rows.filter((r) => r.served > 0).map((r) => [r.officer_id, r.served]));
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
       ON CONFLICT (site, id, issued_at) DO UPDATE SET service_id = excluded.service_id, status = excluded.status,
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
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (site, id, at) DO NOTHING`,
      [site, r.id, r.day, r.at, r.score, r.counterId, r.ticketId, r.officerId, r.serviceId],
    );
}
