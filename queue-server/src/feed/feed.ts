/**
 * The site side of the upward feed (PROTOCOL.md §5): store-and-forward from the `events` table.
 * One batch is in flight at a time (so batches arrive in order even when the hub spreads sites over
 * several workers); it is re-sent until the hub acknowledges it; the acknowledged seq is the durable
 * cursor in the site database, so a restart resumes where the hub's last ack left off.
 */
import {
  FEED_VERSION,
  type FeedAck,
  FeedAck as FeedAckSchema,
  type FeedBatch,
  hubTopics,
  noDelay,
  type SiteInfo,
  validate,
} from '@oss/protocol';
import type { Database, Statement } from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../log.ts';
import { type EventRow, toFeedEvent } from './map.ts';

export interface HubLink {
  url: string;
  username: string;
  password: string;
  /** PEM certificates trusted for an `mqtts://` hub instead of the system CAs (OSS_HUB_CA_FILE). */
  ca?: string;
}

export interface FeedOptions extends HubLink {
  info: SiteInfo;
  /** The site database (its `events` and `meta` tables). */
  db: Database;
  log: Logger;
  /** Site events per batch. */
  batchSize?: number;
  /** Re-send an unacknowledged batch after this long. */
  resendMs?: number;
}

/** Where the cursor lives in the site's `meta` table. */
const CURSOR_KEY = 'feed:acked';

/** The cursor and the events after it, in the site database. */
class FeedLog {
  private readonly after: Statement;
  private readonly last: Statement;
  private readonly read: Statement;
  private readonly write: Statement;

  constructor(db: Database) {
    this.after = db.prepare('SELECT seq, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    this.last = db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM events');
    this.read = db.prepare('SELECT value FROM meta WHERE key = ?');
    this.write = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
  }

  eventsAfter(seq: number, limit: number): EventRow[] {
    return this.after.all(seq, limit) as EventRow[];
  }

  lastSeq(): number {
    return (this.last.get() as { seq: number }).seq;
  }

  cursor(): number {
    const row = this.read.get(CURSOR_KEY) as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  saveCursor(seq: number): void {
    this.write.run(CURSOR_KEY, String(seq));
  }
}

export interface FeedState {
  connected: boolean;
  /** Every site event up to this seq is at the hub. */
  ackedSeq: number;
  lastSeq: number;
}

export class SiteFeed {
  private client: MqttClient | null = null;
  private readonly log: FeedLog;
  private acked: number;
  private inFlight: { from: number; to: number; timer: NodeJS.Timeout } | null = null;
  private scheduled = false;
  private stopped = false;
  /** A safety net for events committed without a `notify` (e.g. by another process). */
  private poll: NodeJS.Timeout | null = null;

  constructor(private readonly options: FeedOptions) {
    this.log = new FeedLog(options.db);
    this.acked = this.log.cursor();
  }

  get site(): string {
    return this.options.info.site;
  }

  state(): FeedState {
    return { connected: this.client?.connected ?? false, ackedSeq: this.acked, lastSeq: this.log.lastSeq() };
  }

  /** Connects, and keeps reconnecting for as long as it runs. */
  start(): void {
    const { url, username, password, ca, log } = this.options;
    const status = hubTopics.status(this.site);
    this.client = mqtt.connect(url, {
      username,
      password,
      clientId: `oss-feed-${this.site}`,
      ...(ca ? { ca } : {}),
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      will: { topic: status, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    this.client.on('connect', () => {
      noDelay(this.client!);
      log.info({ hub: url, acked: this.acked }, 'feed connected to the hub');
      this.client!.subscribe(hubTopics.ack(this.site), { qos: 1 });
      this.client!.publish(hubTopics.info(this.site), JSON.stringify(this.options.info), {
        qos: 1,
        retain: true,
      });
      this.client!.publish(status, '{"online":true}', { qos: 1, retain: true });
      this.clearInFlight();
      this.send();
    });
    this.client.on('message', (_topic, payload) => this.onAck(payload));
    this.client.on('error', (e) => log.warn({ err: String(e) }, 'feed connection error'));
    this.poll = setInterval(() => this.send(), 5000);
  }

  /** New events were committed: send them soon (coalesced). */
  notify(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.send();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    this.clearInFlight();
    const client = this.client;
    if (!client) return;
    // Tell the hub we are leaving on purpose (a will covers the rest); never wait long for a hub that is gone.
    if (client.connected)
      await Promise.race([
        client.publishAsync(hubTopics.status(this.site), '{"online":false}', { qos: 1, retain: true }),
        new Promise((resolve) => setTimeout(resolve, 1000)),
      ]).catch(() => {});
    await client.endAsync(true);
  }

  private send(): void {
    const client = this.client;
    if (this.stopped || this.inFlight || !client?.connected) return;
    const rows = this.log.eventsAfter(this.acked, this.options.batchSize ?? 500);
    if (rows.length === 0) return;
    const batch: FeedBatch = {
      v: FEED_VERSION,
      site: this.site,
      from: this.acked + 1,
      to: rows.at(-1)!.seq,
      events: rows.map(toFeedEvent).filter((e) => e !== null),
    };
    const timer = setTimeout(() => {
      this.options.log.warn({ from: batch.from, to: batch.to }, 'no ack from the hub: re-sending');
      this.inFlight = null;
      this.send();
    }, this.options.resendMs ?? 10_000);
    this.inFlight = { from: batch.from, to: batch.to, timer };
    client.publish(hubTopics.feed(this.site), JSON.stringify(batch), { qos: 1 });
  }

  private onAck(payload: Buffer): void {
    let body: unknown;
    try {
      body = JSON.parse(payload.toString());
    } catch {
      return;
    }
    const check = validate(FeedAckSchema, body);
    if (!check.ok || !this.inFlight) return;
    this.acknowledge(check.value);
  }

  /**
   * `upTo` ≥ the batch's end: delivered. Below the batch's start − 1: the hub has less than we thought
   * (restored from a backup, or a new hub), so rewind and send from there. Exactly the batch's
   * start − 1: a late ack of an earlier batch; keep waiting for this one's.
   */
  private acknowledge(ack: FeedAck): void {
    const batch = this.inFlight!;
    if (ack.upTo === batch.from - 1) return;
    if (ack.upTo < batch.from - 1)
      this.options.log.warn(
        { hubHas: ack.upTo, sent: batch.from },
        'the hub lacks earlier events: rewinding',
      );
    this.acked = ack.upTo;
    this.log.saveCursor(ack.upTo);
    this.clearInFlight();
    this.send();
  }

  private clearInFlight(): void {
    if (this.inFlight) clearTimeout(this.inFlight.timer);
    this.inFlight = null;
  }
}
