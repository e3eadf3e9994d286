/**
 * The site database: one SQLite file in WAL mode with synchronous=FULL, so a committed transaction
 * survives a crash or power loss. Every queue change is one transaction: events, ticket rows and the
 * response to the request that caused it.
 */
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { QueueEvent, TicketRecord } from '@oss/queue-server/core';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { prepareDataDir } from './data-dir.ts';
import { StorageError } from './errors.ts';
import { migrate } from './migrations.ts';

export interface DeviceRow {
  id: string;
  kind: 'kiosk' | 'counter' | 'display';
  counter_id: string | null;
  password_hash: string;
  enrolled_at: number;
}

export interface StaffRow {
  username: string;
  display_name: string;
  role: 'admin' | 'manager' | 'officer';
  password_hash: string;
  created_at: number;
}

export interface CitizenMark {
  hash: string;
  masked: string;
}

export function databasePath(dataDir: string): string {
  return join(dataDir, 'site.sqlite');
}

/**
 * Opens the site database in a private data folder (0700, files 0600; see data-dir.ts), checks its
 * pages (`quick_check`) and migrates it. `tightened` lists the paths whose modes were too open.
 */
export function openDatabase(dataDir: string): { db: Database; tightened: string[] } {
  const tightened = prepareDataDir(dataDir);
  const file = databasePath(dataDir);
  // SQLite gives the -wal and -shm files the database file's mode: create it private.
  closeSync(openSync(file, 'a', 0o600));
  let db: Database | null = null;
  try {
    db = new BetterSqlite3(file, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw corrupt(file, String(check));
    migrate(db);
    return { db, tightened };
  } catch (e) {
    db?.close();
    if (e instanceof BetterSqlite3.SqliteError && /^SQLITE_(CORRUPT|NOTADB)/.test(e.code))
      throw corrupt(file, e.message);
    throw e;
  }
}

function corrupt(file: string, problem: string): StorageError {
  // quick_check lists problems over several lines: one short line is enough to say what happened.
  const detail = problem
    .replace(/\*+ in database main \*+/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
  return new StorageError(
    {
      vi: `Cơ sở dữ liệu ${file} bị hỏng (${detail}): máy chủ không khởi động. Khôi phục bản sao lưu gần nhất: npm run backup -- --restore <tệp> (các bản ở thư mục backups/ bên cạnh)`,
      en: `the database ${file} is damaged (${detail}): the server will not start. Restore the latest backup: npm run backup -- --restore <file> (copies are in the backups/ folder beside it)`,
    },
    'corrupt',
  );
}

/** Busy timeout of queue writes; the health probe waits far less (see `probeWrite`). */
const BUSY_TIMEOUT_MS = 5000;
const PROBE_TIMEOUT_MS = 250;

export class Store {
  constructor(
    readonly db: Database,
    /** Paths whose modes were looser than 0700/0600 and were tightened at open. */
    readonly tightened: string[] = [],
  ) {}

  static open(dataDir: string): Store {
    const { db, tightened } = openDatabase(dataDir);
    return new Store(db, tightened);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` in one transaction (BEGIN IMMEDIATE: writers queue instead of failing mid-way). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  // --- events and tickets ---------------------------------------------------------------------

  appendEvents(day: string, events: readonly QueueEvent[]): void {
    const insert = this.prepared(
      'INSERT INTO events (day, at, type, ticket_id, data) VALUES (?, ?, ?, ?, ?)',
    );
    for (const e of events) {
      const eventDay = e.type === 'day.started' ? e.day : day;
      insert.run(eventDay, e.at, e.type, 'ticketId' in e ? e.ticketId : null, JSON.stringify(e));
    }
  }

  /** The events since the last `day.started` (or all, when the day was never started). */
  eventsOfCurrentDay(): QueueEvent[] {
    const start = this.db.prepare("SELECT max(seq) AS seq FROM events WHERE type = 'day.started'").get() as {
      seq: number | null;
    };
    const rows = this.db
      .prepare('SELECT data FROM events WHERE seq >= ? ORDER BY seq')
      .all(start.seq ?? 0) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as QueueEvent);
  }

  saveTicket(day: string, t: TicketRecord, citizen?: CitizenMark): void {
    this.prepared(`
      INSERT INTO tickets (id, day, number, service_id, original_service_id, priority, status, issued_at,
        first_called_at, called_at, started_at, finished_at, counter_id, officer_id, procedure_id, device_id,
        offline, citizen_hash, citizen_masked, data)
      VALUES (@id, @day, @number, @serviceId, @originalServiceId, @priority, @status, @issuedAt,
        @firstCalledAt, @calledAt, @startedAt, @finishedAt, @counterId, @officerId, @procedureId, @deviceId,
        @offline, @citizenHash, @citizenMasked, @data)
      ON CONFLICT(id) DO UPDATE SET service_id = excluded.service_id, status = excluded.status,
        first_called_at = excluded.first_called_at, called_at = excluded.called_at,
        started_at = excluded.started_at, finished_at = excluded.finished_at, counter_id = excluded.counter_id,
        officer_id = excluded.officer_id, data = excluded.data
    `).run({
      id: t.id,
      day,
      number: t.number,
      serviceId: t.serviceId,
      originalServiceId: t.originalServiceId,
      priority: t.priority,
      status: t.status,
      issuedAt: t.issuedAt,
      firstCalledAt: t.firstCalledAt ?? null,
      calledAt: t.calledAt ?? null,
      startedAt: t.startedAt ?? null,
      finishedAt: t.finishedAt ?? null,
      counterId: t.counterId ?? null,
      officerId: t.officerId ?? null,
      procedureId: t.procedureId ?? null,
      deviceId: t.deviceId ?? null,
      offline: t.offline ? 1 : 0,
      citizenHash: citizen?.hash ?? null,
      citizenMasked: citizen?.masked ?? null,
      data: JSON.stringify(t),
    });
  }

  /** A stored ticket of any day. */
  findTicket(id: string): TicketRecord | null {
    const row = this.prepared('SELECT data FROM tickets WHERE id = ?').get(id) as
      | { data: string }
      | undefined;
    return row ? (JSON.parse(row.data) as TicketRecord) : null;
  }

  ticketsOfDay(day: string): (TicketRecord & { citizenMasked: string | null })[] {
    const rows = this.prepared(
      'SELECT data, citizen_masked FROM tickets WHERE day = ? ORDER BY issued_at, number',
    ).all(day) as { data: string; citizen_masked: string | null }[];
    return rows.map((r) => ({ ...(JSON.parse(r.data) as TicketRecord), citizenMasked: r.citizen_masked }));
  }

  saveRating(day: string, e: Extract<QueueEvent, { type: 'rating.submitted' }>): void {
    this.prepared(
      `INSERT INTO ratings (id, day, at, counter_id, ticket_id, officer_id, service_id, score)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(e.ratingId, day, e.at, e.counterId, e.ticketId, e.officerId, e.serviceId, e.score);
  }

  // --- idempotent requests ----------------------------------------------------------------------

  findResponse(deviceId: string, requestId: string): string | null {
    const row = this.prepared('SELECT response FROM requests WHERE device_id = ? AND request_id = ?').get(
      deviceId,
      requestId,
    ) as { response: string } | undefined;
    return row?.response ?? null;
  }

  saveResponse(deviceId: string, requestId: string, action: string, at: number, response: string): void {
    this.prepared(
      'INSERT INTO requests (device_id, request_id, action, at, response) VALUES (?, ?, ?, ?, ?)',
    ).run(deviceId, requestId, action, at, response);
  }

  /** Forget responses older than `before`: devices never replay a request that old. */
  pruneResponses(before: number): number {
    return this.prepared('DELETE FROM requests WHERE at < ?').run(before).changes;
  }

  // --- devices ------------------------------------------------------------------------------------

  upsertDevice(row: DeviceRow): void {
    this.prepared(`
      INSERT INTO devices (id, kind, counter_id, password_hash, enrolled_at) VALUES (@id, @kind, @counter_id, @password_hash, @enrolled_at)
      ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, counter_id = excluded.counter_id,
        password_hash = excluded.password_hash, enrolled_at = excluded.enrolled_at
    `).run(row);
  }

  findDevice(id: string): DeviceRow | null {
    return (this.prepared('SELECT * FROM devices WHERE id = ?').get(id) as DeviceRow | undefined) ?? null;
  }

  listDevices(): (DeviceRow & { online: number | null; payload: string | null; status_at: number | null })[] {
    return this.prepared(`
      SELECT d.*, s.online, s.payload, s.at AS status_at FROM devices d LEFT JOIN device_status s ON s.id = d.id ORDER BY d.id
    `).all() as never;
  }

  /** Enrolments changed since `since` (revocations the broker must act on). */
  devicesEnrolledSince(since: number): DeviceRow[] {
    return this.prepared('SELECT * FROM devices WHERE enrolled_at > ?').all(since) as DeviceRow[];
  }

  saveDeviceStatus(id: string, online: boolean, payload: string, at: number): void {
    this.prepared(`
      INSERT INTO device_status (id, online, payload, at) VALUES (?, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET online = excluded.online, payload = excluded.payload, at = excluded.at
    `).run(id, online ? 1 : 0, payload, at);
  }

  // --- staff, sessions, audit --------------------------------------------------------------------

  upsertStaff(row: StaffRow): void {
    this.prepared(`
      INSERT INTO staff (username, display_name, role, password_hash, created_at)
      VALUES (@username, @display_name, @role, @password_hash, @created_at)
      ON CONFLICT(username) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
        password_hash = excluded.password_hash
    `).run(row);
    this.prepared('DELETE FROM sessions WHERE username = ?').run(row.username);
  }

  findStaff(username: string): StaffRow | null {
    return (
      (this.prepared('SELECT * FROM staff WHERE username = ?').get(username) as StaffRow | undefined) ?? null
    );
  }

  listStaff(): Omit<StaffRow, 'password_hash'>[] {
    return this.prepared(
      'SELECT username, display_name, role, created_at FROM staff ORDER BY username',
    ).all() as never;
  }

  countStaff(): number {
    return (this.prepared('SELECT count(*) AS n FROM staff').get() as { n: number }).n;
  }

  createSession(tokenHash: string, username: string, expiresAt: number): void {
    this.prepared('INSERT INTO sessions (token_hash, username, expires_at) VALUES (?, ?, ?)').run(
      tokenHash,
      username,
      expiresAt,
    );
  }

  findSession(tokenHash: string, now: number): StaffRow | null {
    return (
      (this.prepared(`
        SELECT st.* FROM sessions se JOIN staff st ON st.username = se.username
        WHERE se.token_hash = ? AND se.expires_at > ?
      `).get(tokenHash, now) as StaffRow | undefined) ?? null
    );
  }

  deleteSession(tokenHash: string): void {
    this.prepared('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  audit(at: number, actor: string, action: string, detail: object): void {
    this.prepared('INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)').run(
      at,
      actor,
      action,
      JSON.stringify(detail),
    );
  }

  // --- meta -----------------------------------------------------------------------------------

  meta(key: string): string | null {
    const row = this.prepared('SELECT value FROM meta WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.prepared(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
  }

  /**
   * Whether a write commits now: a row bigger than a page (so a full database must grow) written and
   * removed in one transaction. A write lock held elsewhere fails it in PROBE_TIMEOUT_MS, not the
   * queue's busy timeout.
   */
  probeWrite(): boolean {
    this.db.pragma(`busy_timeout = ${PROBE_TIMEOUT_MS}`);
    try {
      this.transaction(() => {
        this.prepared(
          "INSERT OR REPLACE INTO meta (key, value) VALUES ('health-probe', zeroblob(8192))",
        ).run();
        this.prepared("DELETE FROM meta WHERE key = 'health-probe'").run();
      });
      return true;
    } catch {
      return false;
    } finally {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  private statements = new Map<string, BetterSqlite3.Statement>();
  private prepared(sql: string): BetterSqlite3.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
