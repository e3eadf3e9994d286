/** Versioned schema migrations, applied in order; `PRAGMA user_version` records the last one applied. */
import type { Database } from 'better-sqlite3';

const MIGRATIONS: string[] = [
  // 1: the event record, the ticket projection, idempotent responses, devices, staff.
  `
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    ticket_id TEXT,
    data TEXT NOT NULL
  );
  CREATE INDEX events_day ON events(day, seq);
  CREATE INDEX events_ticket ON events(ticket_id);

  CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    day TEXT NOT NULL,
    number TEXT NOT NULL,
    service_id TEXT NOT NULL,
    original_service_id TEXT NOT NULL,
    priority TEXT NOT NULL,
    status TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    first_called_at INTEGER,
    called_at INTEGER,
    started_at INTEGER,
    finished_at INTEGER,
    counter_id TEXT,
    officer_id TEXT,
    procedure_id TEXT,
    device_id TEXT,
    offline INTEGER NOT NULL DEFAULT 0,
    citizen_hash TEXT,
    citizen_masked TEXT,
    data TEXT NOT NULL
  );
  CREATE INDEX tickets_day ON tickets(day, issued_at);

  CREATE TABLE ratings (
    id TEXT PRIMARY KEY,
    day TEXT NOT NULL,
    at INTEGER NOT NULL,
    counter_id TEXT NOT NULL,
    ticket_id TEXT,
    officer_id TEXT,
    service_id TEXT,
    score INTEGER NOT NULL
  );

  CREATE TABLE requests (
    device_id TEXT NOT NULL,
    request_id TEXT NOT NULL,
    action TEXT NOT NULL,
    at INTEGER NOT NULL,
    response TEXT NOT NULL,
    PRIMARY KEY (device_id, request_id)
  ) WITHOUT ROWID;
  CREATE INDEX requests_at ON requests(at);

  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    counter_id TEXT,
    password_hash TEXT NOT NULL,
    enrolled_at INTEGER NOT NULL
  );

  CREATE TABLE device_status (
    id TEXT PRIMARY KEY,
    online INTEGER NOT NULL,
    payload TEXT NOT NULL,
    at INTEGER NOT NULL
  );

  CREATE TABLE staff (
    username TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES staff(username) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
  );

  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
  );

  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  // 2: reports over any period (storage/reports.ts) read a period's ticket and rating facts from
  // covering indexes (never the JSON rows) and events by type; start-up finds the last `day.started`
  // without scanning the year's events.
  `
  CREATE INDEX tickets_facts ON tickets(day, original_service_id, priority, status, issued_at,
    first_called_at, called_at, started_at, finished_at, officer_id);
  CREATE INDEX events_type_day ON events(type, day);
  CREATE INDEX ratings_facts ON ratings(day, officer_id, service_id, score);
  CREATE INDEX ratings_ticket ON ratings(ticket_id);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION)
    throw new Error(
      `database schema ${current} is newer than this program (${SCHEMA_VERSION}); upgrade the program`,
    );
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
