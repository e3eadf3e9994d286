/** The hub's queries: sites and their credentials, the idempotent ingest, tickets, staff and sessions. */
import type { FeedBatch, FeedEvent, SiteInfo } from '@oss/protocol';
import { addSums, type DaySums, type KpiSums, WAIT_TARGET_2025_FROM } from '@oss/queue-server/core';
import type { HubDb, Sql } from './db.ts';
import {
  type HeldSite,
  type IngestOutcome,
  type IngestResult,
  isFailure,
  planGroup,
} from './ingest-group.ts';
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

export type { IngestOutcome, IngestResult } from './ingest-group.ts';

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

/** Rows of several sites in one statement. */
type OfSite<T> = T & { site: string };

/** Adds a group's changes to its sites' summed days (the sites' rows are locked: no other writer). */
async function addServiceDays(tx: Sql, deltas: OfSite<ServiceDay>[]): Promise<void> {
  if (deltas.length === 0) return;
  const days = [...new Set(deltas.map((d) => `${d.site}\u0000${d.day}`))].map((k) => k.split('\u0000'));
  const rows = await tx.query(
    `SELECT s.* FROM unnest($1::text[], $2::text[]) AS k (site, day)
     JOIN service_days s ON s.site = k.site AND s.day = k.day`,
    [days.map((d) => d[0]), days.map((d) => d[1])],
  );
  const stored = new Map(rows.map((r) => [`${r.site}\u0000${r.day}\u0000${r.service_id}`, sumsFromRow(r)]));
  await writeServiceDays(
    tx,
    deltas.map((d) => {
      const old = stored.get(`${d.site}\u0000${d.day}\u0000${d.serviceId}`);
      return old ? { ...d, sums: addSums(old, d.sums) } : d;
    }),
  );
}

/** Upserts summed days, many rows per statement (the waits' arrays travel as `{…}` text). */
export async function writeServiceDays(tx: Sql, rows: OfSite<ServiceDay>[]): Promise<void> {
  const columns = ['site', 'day', 'service_id', ...SUM_COLUMNS, 'waits_by_minute'];
  const types = ['text', 'text', 'text', ...SUM_COLUMNS.map(() => 'bigint'), 'text'];
  const updates = [...SUM_COLUMNS, 'waits_by_minute'].map((c) => `${c} = excluded.${c}`).join(', ');
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const values = chunk.map((r) => [
      r.site,
      r.day,
      r.serviceId,
      ...sumsValues(r.sums),
      `{${r.sums.waitsByMinute}}`,
    ]);
    await tx.query(
      `INSERT INTO service_days (${columns.join(', ')})
       SELECT ${columns.map((c) => (c === 'waits_by_minute' ? `${c}::integer[]` : c)).join(', ')}
       FROM unnest(${types.map((t, j) => `$${j + 1}::${t}[]`).join(', ')}) AS r (${columns.join(', ')})
       ON CONFLICT (site, day, service_id) DO UPDATE SET ${updates}`,
      columns.map((_, j) => values.map((v) => v[j])),
    );
  }
}

/** Adds officers' served counts (added up in the database: plain counts). */
async function addOfficerDays(tx: Sql, rows: OfSite<OfficerDay>[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO officer_days (site, day, officer_id, served)
     SELECT r.site, r.day, r.officer_id, r.served
     FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS r (site, day, officer_id, served)
     ON CONFLICT (site, day, officer_id) DO UPDATE SET served = officer_days.served + excluded.served`,
    [
      rows.map((r) => r.site),
      rows.map((r) => r.day),
      rows.map((r) => r.officerId),
      rows.map((r) => r.served),
    ],
  );
}

const ofSite = <T>(site: string, rows: T[]): OfSite<T>[] => rows.map((r) => ({ ...r, site }));

/** Builds every site's officers' days from the tickets held (a migration, once). */
export async function rebuildOfficerDays(tx: Sql): Promise<void> {
  const sites = await tx.query<{ site: string }>('SELECT DISTINCT site FROM tickets');
  for (const { site } of sites) {
    const tickets = (await tx.query(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE site = $1`, [site])).map(
      ticketFromRow,
    );
    await addOfficerDays(
      tx,
      ofSite(site, officerDayDeltas(new Map(), new Map(tickets.map((t) => [t.id, t])))),
    );
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
      ofSite(site, serviceDayDeltas(new Map(), new Map(tickets.map((t) => [t.id, t])), ratings)),
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

  /** Stores one batch (a group of one); throws what stopped it. */
  async ingest(batch: FeedBatch): Promise<IngestResult> {
    const [outcome] = await this.ingestGroup([batch]);
    if (!outcome || isFailure(outcome)) throw new Error(outcome?.error ?? 'no outcome');
    return outcome;
  }

  /**
   * Stores several sites' batches in one transaction, idempotently: the sites' rows are locked in id
   * order (workers sharing sites take turns and never deadlock), events already held are skipped
   * (`insertEvents`), and the projections change only for the events stored
   * now. When the group fails, each batch is stored alone: a bad batch fails only itself.
   */
  async ingestGroup(batches: readonly FeedBatch[]): Promise<IngestOutcome[]> {
    try {
      // A ticket a kiosk issued offline may belong to an earlier month than the event that brings it.
      await this.partitions.ensureFor(timesOf(batches));
      return await this.db.transaction((tx) => storeGroup(tx, batches));
    } catch (e) {
      if (batches.length === 1) return [{ error: e instanceof Error ? e.message : String(e) }];
      const outcomes: IngestOutcome[] = [];
      for (const batch of batches) outcomes.push(...(await this.ingestGroup([batch])));
      return outcomes;
    }
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

/** Every time a group's rows are placed by: each event's, and an offline ticket's issue time. */
function* timesOf(batches: readonly FeedBatch[]): Generator<number> {
  for (const b of batches)
    for (const e of b.events) {
      yield e.at;
      if (e.type === 'ticket.issued') yield e.issuedAt;
    }
}

/** The group's transaction: the sites locked, then one statement per table for every site. */
async function storeGroup(tx: Sql, batches: readonly FeedBatch[]): Promise<IngestOutcome[]> {
  const held = await lockSites(tx, [...new Set(batches.map((b) => b.site))]);
  const plan = planGroup(batches, held);
  const isNew = await insertEvents(tx, plan.sites, batches.length === 1);
  const news = new Map([...plan.sites].map(([site, s]) => [site, s.events.filter((e) => isNew(site, e))]));
  const days = await storeProjections(tx, news, held, batches.length === 1);
  await advanceSites(
    tx,
    [...plan.sites].map(([site, s]) => ({
      site,
      upTo: s.upTo,
      day: days.get(site) ?? null,
      lastAt: news.get(site)!.reduce<number | null>((m, e) => Math.max(m ?? 0, e.at), null),
    })),
  );
  return plan.batches.map((b, i) =>
    isFailure(b)
      ? b
      : { upTo: b.upTo, gap: b.gap, stored: b.fresh.filter((e) => isNew(batches[i]!.site, e)).length },
  );
}

async function lockSites(tx: Sql, ids: string[]): Promise<Map<string, HeldSite>> {
  const rows = await tx.query<HeldSite & { id: string }>(
    'SELECT id, last_seq, current_day FROM sites WHERE id = ANY($1) ORDER BY id FOR UPDATE',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Projects each site's new events onto its tickets, ratings and summaries; returns each site's day after them. */
async function storeProjections(
  tx: Sql,
  news: Map<string, FeedEvent[]>,
  held: ReadonlyMap<string, HeldSite>,
  lone: boolean,
): Promise<Map<string, string | null>> {
  const known = await ticketsOf(
    tx,
    [...news].flatMap(([site, events]) =>
      [...new Set(events.flatMap((e) => ('ticketId' in e && e.ticketId ? [e.ticketId] : [])))].map((id) => ({
        site,
        id,
      })),
    ),
  );
  const results = [...news].map(([site, events]) => {
    const before = known.get(site) ?? new Map<string, TicketRow>();
    return { site, before, ...project(events, before, held.get(site)?.current_day ?? null) };
  });
  const before = new Map(results.map((r) => [r.site, r.before]));
  await writeTickets(
    tx,
    results.flatMap((r) => ofSite(r.site, [...r.tickets.values()])),
    (t) => before.get(t.site)?.get(t.id)?.issuedAt === t.issuedAt,
  );
  await insertRatings(
    tx,
    results.flatMap((r) => ofSite(r.site, r.ratings)),
    lone,
  );
  await addServiceDays(
    tx,
    results.flatMap((r) => ofSite(r.site, serviceDayDeltas(r.before, r.tickets, r.ratings))),
  );
  await addOfficerDays(
    tx,
    results.flatMap((r) => ofSite(r.site, officerDayDeltas(r.before, r.tickets))),
  );
  return new Map(results.map((r) => [r.site, r.day]));
}

/** The tickets stored of the given (site, id) pairs, per site. */
async function ticketsOf(
  tx: Sql,
  keys: { site: string; id: string }[],
): Promise<Map<string, Map<string, TicketRow>>> {
  const bySite = new Map<string, Map<string, TicketRow>>();
  if (keys.length === 0) return bySite;
  const rows = await tx.query(
    `SELECT site, ${TICKET_COLUMNS} FROM unnest($1::text[], $2::text[]) AS k (key_site, key_id)
     JOIN tickets ON site = key_site AND id = key_id`,
    [keys.map((k) => k.site), keys.map((k) => k.id)],
  );
  for (const { site, ...row } of rows) {
    const tickets = bySite.get(site as string) ?? new Map<string, TicketRow>();
    tickets.set(row.id as string, ticketFromRow(row));
    bySite.set(site as string, tickets);
  }
  return bySite;
}

/**
 * Inserts each site's events; returns which were inserted. A group relies on the locked
 * `sites.last_seq` (the events held are the seqs up to it, written in the same transactions): a
 * plain insert, and an event already held fails the group, whose batches are then stored alone. A lone
 * batch skips the events already held (`ON CONFLICT DO NOTHING`), so nothing can stop a site for good.
 * The events travel as one JSON document (no per-value array literal to build and parse).
 */
async function insertEvents(
  tx: Sql,
  sites: ReadonlyMap<string, { events: FeedEvent[] }>,
  lone: boolean,
): Promise<(site: string, e: FeedEvent) => boolean> {
  if (sites.size === 0) return () => false;
  const params = [JSON.stringify([...sites].map(([site, s]) => ({ site, events: s.events })))];
  const insert = `INSERT INTO events (site, seq, at, type, data)
    SELECT b.site, (e->>'seq')::bigint, (e->>'at')::bigint, e->>'type', e::jsonb
    FROM json_to_recordset($1::json) AS b (site text, events json), json_array_elements(b.events) AS e`;
  if (!lone) {
    await tx.query(insert, params);
    return () => true;
  }
  const inserted = await tx.query<{ site: string; seq: number }>(
    `${insert} ON CONFLICT (site, seq, at) DO NOTHING RETURNING site, seq`,
    params,
  );
  const keys = new Set(inserted.map((r) => `${r.site}\u0000${r.seq}`));
  return (site, e) => keys.has(`${site}\u0000${e.seq}`);
}

/** A table's columns, the JSON keys of the rows that fill them, and their types. */
type Fields = readonly (readonly [column: string, key: string, type: string])[];

const TICKET_FIELDS: Fields = [
  ['site', 'site', 'text'],
  ['id', 'id', 'text'],
  ['day', 'day', 'text'],
  ['number', 'number', 'text'],
  ['service_id', 'serviceId', 'text'],
  ['original_service_id', 'originalServiceId', 'text'],
  ['priority', 'priority', 'text'],
  ['status', 'status', 'text'],
  ['issued_at', 'issuedAt', 'bigint'],
  ['first_called_at', 'firstCalledAt', 'bigint'],
  ['called_at', 'calledAt', 'bigint'],
  ['started_at', 'startedAt', 'bigint'],
  ['finished_at', 'finishedAt', 'bigint'],
  ['counter_id', 'counterId', 'text'],
  ['officer_id', 'officerId', 'text'],
  ['rating', 'rating', 'smallint'],
];

/** The columns a stored ticket's change may set (its identity, day and issue time never change). */
const TICKET_CHANGES = [
  'service_id',
  'status',
  'first_called_at',
  'called_at',
  'started_at',
  'finished_at',
  'counter_id',
  'officer_id',
  'rating',
];

/**
 * Rows as one JSON array parameter (`$1`), read back as a record set: many rows in one statement,
 * without an array literal per column (costly to build and to parse). An absent key is NULL.
 */
function jsonRows(fields: Fields): string {
  return `json_to_recordset($1::json) AS r (${fields.map(([, key, type]) => `"${key}" ${type}`).join(', ')})`;
}

/** `INSERT … SELECT` of `jsonRows`. */
function jsonInsert(table: string, fields: Fields): string {
  return `INSERT INTO ${table} (${fields.map(([column]) => column).join(', ')})
    SELECT ${fields.map(([, key]) => `"${key}"`).join(', ')} FROM ${jsonRows(fields)}`;
}

const keyOf = (fields: Fields, column: string) => fields.find(([c]) => c === column)![1];

/**
 * Tickets the site's rows are locked for: new ones inserted, stored ones (as `ticketsOf` read them)
 * updated, so neither needs a conflict check.
 */
async function writeTickets(
  tx: Sql,
  changed: OfSite<TicketRow>[],
  isStored: (t: OfSite<TicketRow>) => boolean,
): Promise<void> {
  const stored = changed.filter(isStored);
  const fresh = changed.filter((t) => !isStored(t));
  if (fresh.length > 0) await tx.query(jsonInsert('tickets', TICKET_FIELDS), [JSON.stringify(fresh)]);
  if (stored.length === 0) return;
  const key = (column: string) => `r."${keyOf(TICKET_FIELDS, column)}"`;
  await tx.query(
    `UPDATE tickets t SET ${TICKET_CHANGES.map((c) => `${c} = ${key(c)}`).join(', ')}
     FROM ${jsonRows(TICKET_FIELDS)}
     WHERE t.site = ${key('site')} AND t.id = ${key('id')} AND t.issued_at = ${key('issued_at')}`,
    [JSON.stringify(stored)],
  );
}

const RATING_FIELDS: Fields = [
  ['site', 'site', 'text'],
  ['id', 'id', 'text'],
  ['day', 'day', 'text'],
  ['at', 'at', 'bigint'],
  ['score', 'score', 'smallint'],
  ['counter_id', 'counterId', 'text'],
  ['ticket_id', 'ticketId', 'text'],
  ['officer_id', 'officerId', 'text'],
  ['service_id', 'serviceId', 'text'],
];

/**
 * New ratings: each comes from an event inserted now, so a group inserts them plainly (a clash fails
 * the group, stored again batch by batch); a lone batch skips one already held.
 */
async function insertRatings(tx: Sql, ratings: OfSite<RatingRow>[], lone: boolean): Promise<void> {
  if (ratings.length === 0) return;
  await tx.query(
    `${jsonInsert('ratings', RATING_FIELDS)}${lone ? ' ON CONFLICT (site, id, at) DO NOTHING' : ''}`,
    [JSON.stringify(ratings)],
  );
}

/** Moves each site's held seq, day and last event time on. */
async function advanceSites(
  tx: Sql,
  sites: { site: string; upTo: number; day: string | null; lastAt: number | null }[],
): Promise<void> {
  if (sites.length === 0) return;
  await tx.query(
    `UPDATE sites s SET last_seq = u.last_seq, current_day = u.day,
       last_event_at = greatest(coalesce(s.last_event_at, 0), coalesce(u.last_at, 0))
     FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[]) AS u (id, last_seq, day, last_at)
     WHERE s.id = u.id`,
    [sites.map((s) => s.site), sites.map((s) => s.upTo), sites.map((s) => s.day), sites.map((s) => s.lastAt)],
  );
}
