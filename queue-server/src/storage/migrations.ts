/** Versioned schema migrations, applied in order; `PRAGMA user_version` records the last one applied. */
import type { Database } from 'better-sqlite3';
import { StorageError } from './errors.ts';

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
  // 2: version 1 kept 8 of 12 digits and the hash key beside the hashes (every number came back
  // from the file alone). Keep the last 4 digits; drop the hashes and the key, which cannot move to
  // the key file: old backups hold them.
  `
  UPDATE tickets SET citizen_masked = '********' || substr(citizen_masked, -4) WHERE citizen_masked IS NOT NULL;
  UPDATE tickets SET citizen_hash = NULL WHERE citizen_hash IS NOT NULL;
  DELETE FROM meta WHERE key = 'secret:citizen-hash';
  `,
  // 3: appointments, the dossiers received per ticket, citizens' feedback (PROTOCOL.md §6). From here on
  // a migration may meet its own tables (a database whose version was set back): IF NOT EXISTS.
  `
  CREATE TABLE IF NOT EXISTS appointments (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    service_id TEXT NOT NULL,
    procedure_id TEXT,
    day TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    status TEXT NOT NULL,
    phone TEXT,
    created_at INTEGER NOT NULL,
    ticket_id TEXT,
    checked_in_at INTEGER,
    cancelled_at INTEGER
  );
  CREATE UNIQUE INDEX IF NOT EXISTS appointments_live_code ON appointments(code) WHERE status = 'booked';
  CREATE INDEX IF NOT EXISTS appointments_slot ON appointments(service_id, start);
  CREATE INDEX IF NOT EXISTS appointments_day ON appointments(day);

  CREATE TABLE IF NOT EXISTS dossiers (
    ticket_id TEXT NOT NULL,
    code TEXT NOT NULL,
    day TEXT NOT NULL,
    at INTEGER NOT NULL,
    counter_id TEXT NOT NULL,
    officer_id TEXT,
    service_id TEXT NOT NULL,
    PRIMARY KEY (ticket_id, code)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS dossiers_day ON dossiers(day);

  CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL UNIQUE,
    day TEXT NOT NULL,
    at INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    text TEXT,
    contact TEXT,
    status TEXT NOT NULL,
    note TEXT,
    handled_by TEXT,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS feedback_day ON feedback(day);
  `,
  // 4: reports over any period (storage/reports.ts) read a period's ticket and rating facts from
  // covering indexes (never the JSON rows) and events by type; start-up finds the last `day.started`
  // without scanning the year's events.
  `
  CREATE INDEX IF NOT EXISTS tickets_facts ON tickets(day, original_service_id, priority, status, issued_at,
    first_called_at, called_at, started_at, finished_at, officer_id);
  CREATE INDEX IF NOT EXISTS events_type_day ON events(type, day);
  CREATE INDEX IF NOT EXISTS ratings_facts ON ratings(day, officer_id, service_id, score);
  CREATE INDEX IF NOT EXISTS ratings_ticket ON ratings(ticket_id);
  `,
  // 5: an appointment's SMS reminder goes out once (src/reminders.ts); a booking made with a CCCD
  // number keeps its keyed hash (key outside the database) until its day is over, for check-in by card.
  `
  ALTER TABLE appointments ADD COLUMN reminded_at INTEGER;
  ALTER TABLE appointments ADD COLUMN citizen_hash TEXT;
  CREATE INDEX IF NOT EXISTS appointments_citizen ON appointments(day, citizen_hash);
  `,
  // 6: a closed day's ticket facts in one row of JSON columns (storage/reports.ts), written the first
  // time a report reads the day: a year's report reads 250 rows instead of 150,000.
  'CREATE TABLE IF NOT EXISTS day_facts (day TEXT PRIMARY KEY, columns TEXT NOT NULL);',
];

/** The first version whose data holds nothing that gives a CCCD number back. */
const PRIVATE_SINCE = 2;

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Applies the missing migrations. After one that removes personal data, the file is rebuilt
 * (VACUUM) and the WAL emptied, so that the removed bytes are not left in free pages.
 */
export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION)
    throw new StorageError(
      {
        vi: `Cơ sở dữ liệu thuộc phiên bản ${current}, mới hơn chương trình này (${SCHEMA_VERSION}): hãy cập nhật chương trình`,
        en: `the database schema ${current} is newer than this program (${SCHEMA_VERSION}): upgrade the program`,
      },
      'too-new',
    );
  for (let v = current; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  if (current > 0 && current < PRIVATE_SINCE) {
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
}
