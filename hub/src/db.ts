/**
 * The hub's database: PostgreSQL, either embedded (PGlite, a folder) or a server (`pg`, a URL). One
 * SQL schema and one list of migrations for both; the rest of the hub sees only `HubDb`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createPartitionSql, MONTHLY_TABLES, type MonthlyTable, monthOf } from './partitions.ts';
import { rebuildOfficerDays, rebuildServiceDays } from './store.ts';

export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface HubDb extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** int8 (bigint) as a JS number: epoch milliseconds and seqs stay far below 2^53. */
const INT8 = 20;
const toNumber = (value: string) => Number(value);

export function embeddedPath(dataDir: string): string {
  return join(dataDir, 'pg');
}

export async function openDatabase(options: {
  url: string | null;
  dataDir: string;
  /** Migrate only up to this version (tests of the migrations). */
  schemaVersion?: number;
}): Promise<HubDb> {
  const db = options.url ? await openServer(options.url) : await openEmbedded(options.dataDir);
  try {
    await migrate(db, options.schemaVersion ?? SCHEMA_VERSION);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}

async function openEmbedded(dataDir: string): Promise<HubDb> {
  mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create(embeddedPath(dataDir), { parsers: { [INT8]: toNumber } });
  const wrap = (q: Pick<PGlite, 'query'>): Sql => ({
    query: async <T>(text: string, params?: unknown[]) => (await q.query<T>(text, params)).rows,
  });
  return {
    kind: 'pglite',
    ...wrap(lite),
    transaction: (fn) => lite.transaction((tx) => fn(wrap(tx))),
    close: () => lite.close(),
  };
}

async function openServer(url: string): Promise<HubDb> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 8,
    types: {
      getTypeParser: (oid, format) => (oid === INT8 ? toNumber : pg.types.getTypeParser(oid, format)),
    },
  });
  pool.on('error', () => {}); // an idle client's lost connection: the next query reports it
  const run = async <T>(client: pg.Pool | pg.PoolClient, text: string, params?: unknown[]) =>
    (await client.query(text, params)).rows as T[];
  await run(pool, 'SELECT 1');
  return {
    kind: 'postgres',
    query: (text, params) => run(pool, text, params),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (text, params) => run(client, text, params) });
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Versioned migrations, applied in order under an advisory lock (several hub processes may start at
 * once against one server). `hub_schema` records the last one applied.
 */
type Migration = string | ((tx: Sql) => Promise<void>);

const MIGRATIONS: Migration[] = [
  // 1: sites and their feed position, the events as received, the ticket and rating projections, staff.
  `
  CREATE TABLE sites (
    id text PRIMARY KEY,
    password_hash text NOT NULL,
    enrolled_at bigint NOT NULL,
    info jsonb,
    last_seq bigint NOT NULL DEFAULT 0,
    current_day text,
    last_event_at bigint,
    online boolean NOT NULL DEFAULT false,
    status_at bigint
  );
  CREATE TABLE events (
    site text NOT NULL,
    seq bigint NOT NULL,
    at bigint NOT NULL,
    type text NOT NULL,
    data jsonb NOT NULL,
    PRIMARY KEY (site, seq)
  );
  CREATE TABLE tickets (
    site text NOT NULL,
    id text NOT NULL,
    day text NOT NULL,
    number text NOT NULL,
    service_id text NOT NULL,
    original_service_id text NOT NULL,
    priority text NOT NULL,
    status text NOT NULL,
    issued_at bigint NOT NULL,
    first_called_at bigint,
    called_at bigint,
    started_at bigint,
    finished_at bigint,
    counter_id text,
    officer_id text,
    rating smallint,
    PRIMARY KEY (site, id)
  );
  CREATE INDEX tickets_site_day ON tickets (site, day);
  CREATE TABLE ratings (
    site text NOT NULL,
    id text NOT NULL,
    day text NOT NULL,
    at bigint NOT NULL,
    score smallint NOT NULL,
    counter_id text NOT NULL,
    ticket_id text,
    officer_id text,
    service_id text,
    PRIMARY KEY (site, id)
  );
  CREATE INDEX ratings_site_day ON ratings (site, day);
  CREATE TABLE staff (
    username text PRIMARY KEY,
    role text NOT NULL,
    password_hash text NOT NULL,
    created_at bigint NOT NULL
  );
  CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    username text NOT NULL REFERENCES staff (username) ON DELETE CASCADE,
    expires_at bigint NOT NULL
  );
  `,
  // 2: `events` partitioned by month (partitions.ts); the rows already held move into their months.
  async (tx) => {
    await tx.query('ALTER TABLE events RENAME TO events_unpartitioned');
    await tx.query(
      'ALTER TABLE events_unpartitioned RENAME CONSTRAINT events_pkey TO events_unpartitioned_pkey',
    );
    await tx.query(`CREATE TABLE events (
      site text NOT NULL,
      seq bigint NOT NULL,
      at bigint NOT NULL,
      type text NOT NULL,
      data jsonb NOT NULL,
      PRIMARY KEY (site, seq, at)
    ) PARTITION BY RANGE (at)`);
    const held = await tx.query<{ at: number }>(
      'SELECT DISTINCT at - at % 86400000 AS at FROM events_unpartitioned',
    );
    const months = new Map(held.map((r) => monthOf(r.at)).map((m) => [m.name, m]));
    for (const m of months.values()) await tx.query(createPartitionSql('events', m));
    await tx.query('INSERT INTO events SELECT site, seq, at, type, data FROM events_unpartitioned');
    await tx.query('DROP TABLE events_unpartitioned');
  },
  // 3: each site's local days summed per service (summaries.ts), built from the tickets held.
  async (tx) => {
    const counts = [
      'issued',
      'served',
      'no_shows',
      'called',
      'score_1',
      'score_2',
      'score_3',
      'score_4',
      'score_5',
    ];
    await tx.query(`CREATE TABLE service_days (
      site text NOT NULL,
      day text NOT NULL,
      service_id text NOT NULL,
      ${counts.map((c) => `${c} integer NOT NULL DEFAULT 0`).join(',\n')},
      wait_ms bigint NOT NULL DEFAULT 0,
      service_ms bigint NOT NULL DEFAULT 0,
      waits_by_minute integer[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (site, day, service_id)
    )`);
    await tx.query('CREATE INDEX service_days_day ON service_days (day)');
    // The tickets still waiting are read as records (their lateness depends on the time of asking).
    await tx.query(
      `CREATE INDEX tickets_still_waiting ON tickets (day) WHERE status = 'waiting' AND first_called_at IS NULL`,
    );
    await rebuildServiceDays(tx);
  },
  // 4: `tickets` and `ratings` partitioned by month as `events` is; the rows held move into their months.
  async (tx) => {
    await partitionByMonth(
      tx,
      'tickets',
      ['tickets_site_day', 'tickets_still_waiting'],
      'site, id, issued_at',
    );
    await tx.query('CREATE INDEX tickets_site_day ON tickets (site, day)');
    await tx.query(
      `CREATE INDEX tickets_still_waiting ON tickets (day) WHERE status = 'waiting' AND first_called_at IS NULL`,
    );
    await partitionByMonth(tx, 'ratings', ['ratings_site_day'], 'site, id, at');
    await tx.query('CREATE INDEX ratings_site_day ON ratings (site, day)');
  },
  // 5: each officer's served tickets per local day (the 468 floors' year to date), from the tickets held.
  async (tx) => {
    await tx.query(`CREATE TABLE officer_days (
      site text NOT NULL,
      day text NOT NULL,
      officer_id text NOT NULL,
      served integer NOT NULL,
      PRIMARY KEY (site, day, officer_id)
    )`);
    await rebuildOfficerDays(tx);
  },
];

/**
 * Replaces a plain table by one partitioned by month of its time column (MONTHLY_TABLES), with the
 * same columns and `key` (a partitioned table's key must hold that column), and moves its rows into
 * their months. The caller makes the indexes again.
 */
async function partitionByMonth(tx: Sql, table: MonthlyTable, indexes: string[], key: string): Promise<void> {
  const column = MONTHLY_TABLES[table];
  for (const index of indexes) await tx.query(`DROP INDEX ${index}`);
  await tx.query(`ALTER TABLE ${table} RENAME TO ${table}_unpartitioned`);
  await tx.query(
    `ALTER TABLE ${table}_unpartitioned RENAME CONSTRAINT ${table}_pkey TO ${table}_unpartitioned_pkey`,
  );
  await tx.query(
    `CREATE TABLE ${table} (LIKE ${table}_unpartitioned INCLUDING DEFAULTS, PRIMARY KEY (${key}))
     PARTITION BY RANGE (${column})`,
  );
  const held = await tx.query<{ at: number }>(
    `SELECT DISTINCT ${column} - ${column} % 86400000 AS at FROM ${table}_unpartitioned`,
  );
  const months = new Map(held.map((r) => monthOf(r.at)).map((m) => [m.name, m]));
  for (const m of months.values()) await tx.query(createPartitionSql(table, m));
  await tx.query(`INSERT INTO ${table} SELECT * FROM ${table}_unpartitioned`);
  await tx.query(`DROP TABLE ${table}_unpartitioned`);
}

export const SCHEMA_VERSION = MIGRATIONS.length;
/** Any constant shared by every hub process: the key of the migrations' advisory lock. */
const MIGRATION_LOCK = 7_162_031;

async function migrate(db: HubDb, target: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('CREATE TABLE IF NOT EXISTS hub_schema (version integer NOT NULL)');
    const rows = await tx.query<{ version: number }>('SELECT version FROM hub_schema');
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION)
      throw new Error(
        `Cơ sở dữ liệu của hub có phiên bản ${current}, mới hơn chương trình (${SCHEMA_VERSION}) / ` +
          `the hub database schema ${current} is newer than this program (${SCHEMA_VERSION}); upgrade the program`,
      );
    if (current >= target) return;
    for (let v = current; v < target; v++) {
      const migration = MIGRATIONS[v]!;
      if (typeof migration === 'function') await migration(tx);
      else for (const statement of statements(migration)) await tx.query(statement);
    }
    if (rows.length === 0) await tx.query('INSERT INTO hub_schema (version) VALUES ($1)', [target]);
    else await tx.query('UPDATE hub_schema SET version = $1', [target]);
  });
}

/** A migration's statements one by one (extended-protocol queries take one statement each). */
function statements(sql: string): string[] {
  return sql
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}
