/**
 * The site database: one SQLite file in WAL mode with synchronous=FULL, so a committed transaction
 * survives a crash or power loss. Every queue change is one transaction: events, ticket rows and the
 * response to the request that caused it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { QueueEvent, TicketRecord } from '@oss/queue-server/core';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { randomSecret } from '../auth/secrets.ts';
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

export function openDatabase(dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new BetterSqlite3(databasePath(dataDir), { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

export class Store {
  constructor(readonly db: Database) {}

  static open(dataDir: string): Store {
    return new Store(openDatabase(dataDir));
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

  // --- site secrets -----------------------------------------------------------------------------

  /** A random value created once per site and kept in the database (e.g. the citizen-hash key). */
  siteSecret(name: string): string {
    const row = this.prepared('SELECT value FROM meta WHERE key = ?').get(`secret:${name}`) as
      | { value: string }
      | undefined;
    if (row) return row.value;
    const value = randomSecret(32);
    this.prepared('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(`secret:${name}`, value);
    return (this.prepared('SELECT value FROM meta WHERE key = ?').get(`secret:${name}`) as { value: string })
      .value;
  }

  ping(): boolean {
    return (this.prepared('SELECT 1 AS ok').get() as { ok: number }).ok === 1;
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
