/**
 * The agent's disk state, one SQLite file (WAL): the outbox of requests not yet acknowledged, the
 * leased number blocks, the last good answers of the public API (offline kiosk UI), and a few
 * values (clock offset to the server). No personal data is ever written here: `ticket.merge`
 * requests carry at most the birth date (see docs/device-agent.md, Privacy).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Lease } from '@oss/protocol';
import Database from 'better-sqlite3';

export interface OutboxEntry {
  seq: number;
  requestId: string;
  action: string;
  body: Record<string, unknown>;
  createdAt: number;
  attempts: number;
}

export interface LeaseRow extends Lease {
  /** The next sequence number to issue from this block. */
  next: number;
}

export class AgentStore {
  private constructor(private readonly db: Database.Database) {}

  static open(dataDir: string): AgentStore {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(join(dataDir, 'agent.db'));
    db.pragma('journal_mode = WAL');
    // FULL: a lease number or an outbox entry committed before a power cut is still there after it
    // (NORMAL may lose the last commits, and a kiosk could then print a number twice).
    db.pragma('synchronous = FULL');
    // 512 KB of page cache instead of 2 MB: the file holds a few hundred small rows.
    db.pragma('cache_size = -512');
    db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL UNIQUE,
        action TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS outbox_failed (
        request_id TEXT PRIMARY KEY,
        action TEXT NOT NULL,
        code TEXT NOT NULL,
        failed_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS leases (
        service_id TEXT NOT NULL,
        prefix TEXT NOT NULL,
        day TEXT NOT NULL,
        seq_from INTEGER NOT NULL,
        seq_to INTEGER NOT NULL,
        granted_at TEXT NOT NULL,
        next INTEGER NOT NULL,
        PRIMARY KEY (service_id, day, seq_from)
      );
      CREATE TABLE IF NOT EXISTS api_cache (
        path TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        saved_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    return new AgentStore(db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ---- outbox

  enqueue(requestId: string, action: string, body: Record<string, unknown>, now: number): void {
    this.db
      .prepare('INSERT OR IGNORE INTO outbox (request_id, action, body, created_at) VALUES (?, ?, ?, ?)')
      .run(requestId, action, JSON.stringify(body), now);
  }

  pending(limit = 100): OutboxEntry[] {
    const rows = this.db
      .prepare('SELECT seq, request_id, action, body, created_at, attempts FROM outbox ORDER BY seq LIMIT ?')
      .all(limit) as {
      seq: number;
      request_id: string;
      action: string;
      body: string;
      created_at: number;
      attempts: number;
    }[];
    return rows.map((r) => ({
      seq: r.seq,
      requestId: r.request_id,
      action: r.action,
      body: JSON.parse(r.body) as Record<string, unknown>,
      createdAt: r.created_at,
      attempts: r.attempts,
    }));
  }

  pendingCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  }

  attempted(requestId: string): void {
    this.db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE request_id = ?').run(requestId);
  }

  /** Acknowledged: the server answered (ok, or a refusal that a retry cannot change). */
  acknowledge(requestId: string, failure?: { action: string; code: string; at: number }): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM outbox WHERE request_id = ?').run(requestId);
      if (failure)
        this.db
          .prepare('INSERT OR REPLACE INTO outbox_failed VALUES (?, ?, ?, ?)')
          .run(requestId, failure.action, failure.code, failure.at);
    })();
  }

  failedCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM outbox_failed').get() as { n: number }).n;
  }

  // ---- leases

  saveLease(lease: Lease): void {
    this.db
      .prepare('INSERT OR IGNORE INTO leases VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(lease.serviceId, lease.prefix, lease.day, lease.from, lease.to, lease.grantedAt, lease.from);
  }

  /** Blocks of `day` for a service with numbers left, oldest first. */
  leases(serviceId: string, day: string): LeaseRow[] {
    const rows = this.db
      .prepare('SELECT * FROM leases WHERE service_id = ? AND day = ? AND next <= seq_to ORDER BY seq_from')
      .all(serviceId, day) as {
      service_id: string;
      prefix: string;
      day: string;
      seq_from: number;
      seq_to: number;
      granted_at: string;
      next: number;
    }[];
    return rows.map((r) => ({
      serviceId: r.service_id,
      prefix: r.prefix,
      day: r.day,
      from: r.seq_from,
      to: r.seq_to,
      grantedAt: r.granted_at,
      next: r.next,
    }));
  }

  remaining(serviceId: string, day: string): number {
    return this.leases(serviceId, day).reduce((n, l) => n + (l.to - l.next + 1), 0);
  }

  /**
   * Takes the next number of a service's lease and queues its `ticket.merge` in one transaction:
   * a crash can never leave a printed number without its merge, nor reuse a number.
   */
  takeLeasedNumber(
    serviceId: string,
    day: string,
    makeMerge: (lease: LeaseRow, seq: number) => { requestId: string; body: Record<string, unknown> },
    now: number,
  ): { lease: LeaseRow; seq: number } | null {
    return this.db.transaction(() => {
      const lease = this.leases(serviceId, day)[0];
      if (!lease) return null;
      const seq = lease.next;
      this.db
        .prepare('UPDATE leases SET next = next + 1 WHERE service_id = ? AND day = ? AND seq_from = ?')
        .run(serviceId, day, lease.from);
      const merge = makeMerge(lease, seq);
      this.enqueue(merge.requestId, 'ticket.merge', merge.body, now);
      return { lease, seq };
    })();
  }

  dropLeasesBefore(day: string): void {
    this.db.prepare('DELETE FROM leases WHERE day < ?').run(day);
  }

  // ---- API cache

  cache(path: string, body: string, now: number): void {
    this.db.prepare('INSERT OR REPLACE INTO api_cache VALUES (?, ?, ?)').run(path, body, now);
  }

  cached(path: string): { body: string; savedAt: number } | undefined {
    const row = this.db.prepare('SELECT body, saved_at FROM api_cache WHERE path = ?').get(path) as
      | { body: string; saved_at: number }
      | undefined;
    return row ? { body: row.body, savedAt: row.saved_at } : undefined;
  }

  // ---- values

  get(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined)
      ?.value;
  }

  set(key: string, value: string): void {
    this.db.prepare('INSERT OR REPLACE INTO kv VALUES (?, ?)').run(key, value);
  }
}
