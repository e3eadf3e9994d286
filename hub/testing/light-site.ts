/**
 * A lightweight simulated site for tests, the demo's load and the benchmark: an `events` and a `meta`
 * table (the site database's columns that the feed reads) and the site server's own feed
 * (`SiteFeed` from `@oss/queue-server/feed`) over real MQTT. Citizens' visits are written as the
 * site's events: issued, called, started, finished, sometimes rated.
 */
import { FEED_VERSION, type SiteInfo } from '@oss/protocol';
import { type HubLink, SiteFeed } from '@oss/queue-server/feed';
import { type Logger, silentLogger } from '@oss/queue-server/log';
import Database from 'better-sqlite3';

export interface LightSiteOptions extends HubLink {
  site: string;
  /** A database file (kept across restarts) or an in-memory one. */
  file?: string;
  batchSize?: number;
  resendMs?: number;
  log?: Logger;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY, day TEXT NOT NULL, at INTEGER NOT NULL, type TEXT NOT NULL, ticket_id TEXT,
    data TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

export function lightSiteInfo(site: string): SiteInfo {
  return {
    v: FEED_VERSION,
    site,
    name: { vi: `Trung tâm ${site}`, en: `Centre ${site}` },
    timeZone: 'Asia/Ho_Chi_Minh',
    waitTargetMinutes: 15,
    services: [{ id: 'civil-status', prefix: 'A', name: { vi: 'Hộ tịch', en: 'Civil status' } }],
    counters: [{ id: 'counter-1', number: 1, name: { vi: 'Quầy 1', en: 'Counter 1' } }],
  };
}

/** The site's local day (Vietnam, UTC+7, no daylight saving). */
const dayOf = (at: number) => new Date(at + 7 * 3_600_000).toISOString().slice(0, 10);

export class LightSite {
  readonly db: Database.Database;
  readonly feed: SiteFeed;
  private readonly insert: Database.Statement;
  private seq: number;
  private tickets = 0;
  private day: string | null = null;

  constructor(readonly options: LightSiteOptions) {
    this.db = new Database(options.file ?? ':memory:');
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare(
      'INSERT INTO events (seq, day, at, type, ticket_id, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.seq = (this.db.prepare('SELECT coalesce(max(seq), 0) AS s FROM events').get() as { s: number }).s;
    this.tickets = this.seq;
    this.feed = new SiteFeed({
      url: options.url,
      username: options.username,
      password: options.password,
      ...(options.ca ? { ca: options.ca } : {}),
      info: lightSiteInfo(options.site),
      db: this.db,
      log: options.log ?? silentLogger,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      ...(options.resendMs ? { resendMs: options.resendMs } : {}),
    });
  }

  get lastSeq(): number {
    return this.seq;
  }

  start(): void {
    this.feed.start();
  }

  /** Stores events (as the site server commits them, in one transaction) and wakes the feed. */
  append(events: ({ type: string; at: number; ticketId?: string } & Record<string, unknown>)[]): number {
    this.db.transaction(() => {
      for (const e of events)
        this.insert.run(++this.seq, dayOf(e.at), e.at, e.type, e.ticketId ?? null, JSON.stringify(e));
    })();
    this.feed.notify();
    return this.seq;
  }

  /** One citizen served at `at`: the ticket's events (and the day's start when the day changes). */
  visit(at: number, waitMs = 5 * 60_000, serviceMs = 8 * 60_000, score: number | null = 4): number {
    const ticketId = `t-${++this.tickets}`;
    const counter = { counterId: 'counter-1' };
    const day = dayOf(at);
    const events: Parameters<LightSite['append']>[0] = [];
    if (day !== this.day) events.push({ type: 'day.started', at, day });
    this.day = day;
    const called = at + waitMs;
    const finished = called + serviceMs;
    events.push(
      {
        type: 'ticket.issued',
        at,
        ticketId,
        number: `A${String(this.tickets % 1000).padStart(3, '0')}`,
        serviceId: 'civil-status',
        priority: 'normal',
        priorityBasis: 'none',
        issuedAt: at,
        offline: false,
      },
      { type: 'ticket.called', at: called, ticketId, ...counter, officerId: 'officer-1' },
      { type: 'ticket.started', at: called + 30_000, ticketId, ...counter },
      { type: 'ticket.finished', at: finished, ticketId, ...counter, outcome: 'done' },
    );
    if (score !== null)
      events.push({
        type: 'rating.submitted',
        at: finished + 10_000,
        ratingId: `r-${this.tickets}`,
        ...counter,
        ticketId,
        officerId: 'officer-1',
        serviceId: 'civil-status',
        score,
      });
    return this.append(events);
  }

  async stop(): Promise<void> {
    await this.feed.stop();
    this.db.close();
  }
}
