/**
 * An ingest worker: reads the sites' feeds from the broker, stores the batches that arrived while the
 * last transaction ran as the next group (several sites' batches in one transaction, bounded by
 * `GROUP_LIMITS` in ingest-group.ts) and acknowledges each only after the commit. The batches waiting
 * are bounded (`GROUP_LIMITS.queued` events): past it a batch is dropped unacked, and its site sends it
 * again after its timeout, as after a lost ack. With an external
 * broker several workers share the feeds through a shared subscription; a worker killed mid-group
 * never acked its batches, so the sites re-send them.
 */
import { randomUUID } from 'node:crypto';
import {
  FEED_VERSION,
  FeedBatch,
  FeedStatus,
  hubTopics,
  noDelay,
  parseHubTopic,
  SiteInfo,
  validate,
} from '@oss/protocol';
import type { Logger } from '@oss/queue-server/log';
import mqtt, { type MqttClient } from 'mqtt';
import { hubClientId } from './broker.ts';
import { GROUP_LIMITS, isFailure, takeGroup } from './ingest-group.ts';
import type { HubStore, IngestResult } from './store.ts';

/** The shared subscription's group: every hub process of a province joins it. */
export const INGEST_GROUP = 'oss-hub-ingest';

export interface IngestOptions {
  url: string;
  username: string;
  password?: string;
  /** PEM certificates trusted for a TLS broker instead of the system CAs. */
  ca?: string;
  /** Spread feeds over workers with `$share/…` (an external broker); off for the embedded one. */
  shared: boolean;
  store: HubStore;
  log: Logger;
  clock: () => number;
  /** Events that may wait for a group (`GROUP_LIMITS.queued`; lower in tests). */
  queueLimit?: number;
}

export interface IngestCounters {
  batches: number;
  /** Transactions that stored groups of batches (fewer than `batches` when batches were grouped). */
  groups: number;
  stored: number;
  refused: number;
  /** Valid batches turned away, neither held nor acked, while the queue was full (the sites send them again). */
  shed: number;
}

export class IngestWorker {
  private client!: MqttClient;
  /** One chain per site for its info and status, in arrival order. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Valid batches waiting for the next group, in arrival order (so a site's batches stay in order). */
  private readonly queue: FeedBatch[] = [];
  private queuedEvents = 0;
  /** The last batch was turned away (logged once until one is admitted). */
  private full = false;
  /** The groups being stored, and their sites (whose later batches wait for the next group). */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly busy = new Set<string>();
  readonly counters: IngestCounters = { batches: 0, groups: 0, stored: 0, refused: 0, shed: 0 };

  constructor(private readonly options: IngestOptions) {}

  /** Valid batches waiting for the next group. */
  get pending(): number {
    return this.queue.length;
  }

  /** Events in the batches waiting (at most the queue limit). */
  get pendingEvents(): number {
    return this.queuedEvents;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    const { url, username, password, ca, shared, log } = this.options;
    this.client = await mqtt.connectAsync(url, {
      clientId: hubClientId(`ingest-${randomUUID().slice(0, 8)}`),
      username,
      ...(password ? { password } : {}),
      ...(ca ? { ca } : {}),
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
    });
    noDelay(this.client);
    // Refusals after the start (a certificate or password changed at the broker): logged, retried.
    this.client.on('error', (e) => log.error({ err: String(e) }, 'broker link refused'));
    this.client.on('message', (topic, payload) => this.onMessage(topic, payload));
    await this.client.subscribeAsync({
      [hubTopics.allFeeds(shared ? INGEST_GROUP : undefined)]: { qos: 1 },
      [hubTopics.allInfo]: { qos: 1 },
      [hubTopics.allStatus]: { qos: 1 },
    });
  }

  /** Waits for the batches being stored (acks included), then leaves; unacked batches come again. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await this.client?.endAsync(true);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const t = parseHubTopic(topic);
    if (!t || t.channel === 'ack') return;
    if (t.channel === 'feed') return this.enqueue(t.site, payload);
    const channel = t.channel;
    const previous = this.chains.get(t.site) ?? Promise.resolve();
    const next = previous
      .then(() => this.handle(t.site, channel, payload))
      .catch((e) => this.options.log.error({ site: t.site, err: String(e) }, 'feed message failed'));
    this.chains.set(t.site, next);
    void next.then(() => {
      if (this.chains.get(t.site) === next) this.chains.delete(t.site);
    });
  }

  private async handle(site: string, channel: 'info' | 'status', payload: Buffer): Promise<void> {
    const body = parse(payload);
    const { store, log } = this.options;
    if (channel === 'status') {
      const status = validate(FeedStatus, body);
      if (status.ok) await store.saveStatus(site, status.value.online, this.options.clock());
      return;
    }
    const info = validate(SiteInfo, body);
    if (info.ok && info.value.site === site) await store.saveInfo(info.value);
    else log.warn({ site, problem: info.ok ? 'site mismatch' : info.text.en }, 'site info refused');
  }

  /** A valid batch joins the queue; a refused one is only counted and logged (it never joins a group). */
  private enqueue(site: string, payload: Buffer): void {
    const batch = validate(FeedBatch, parse(payload));
    // The broker's ACL keeps a site to its own topic; the payload must name the same site.
    if (!batch.ok || batch.value.site !== site || batch.value.to < batch.value.from) {
      this.counters.refused++;
      this.options.log.warn(
        { site, problem: batch.ok ? 'site or range mismatch' : batch.text.en },
        'feed batch refused',
      );
      return;
    }
    if (!this.admit(batch.value)) return;
    this.queue.push(batch.value);
    this.queuedEvents += batch.value.events.length;
    this.drain();
  }

  /** Room in the queue: a batch past the limit is dropped unacked, and the full queue logged once. */
  private admit(batch: FeedBatch): boolean {
    const limit = this.options.queueLimit ?? GROUP_LIMITS.queued;
    if (this.queuedEvents + batch.events.length <= limit || this.queue.length === 0) {
      this.full = false;
      return true;
    }
    this.counters.shed++;
    if (!this.full)
      this.options.log.warn(
        { site: batch.site, queuedEvents: this.queuedEvents },
        'ingest queue full: batches left to be sent again',
      );
    this.full = true;
    return false;
  }

  /**
   * Starts groups while fewer than the limit are being stored. With none being stored the first batch
   * goes at once (the lag at a steady load); beside one, only a full group starts, so a flood of
   * arrivals (every site's batch after an outage) is not stored as groups of one.
   */
  private drain(): void {
    while (this.inFlight.size < GROUP_LIMITS.inFlight) {
      if (this.inFlight.size > 0 && !this.fullGroupWaiting()) return;
      const group = takeGroup(this.queue, GROUP_LIMITS, this.busy);
      if (group.length === 0) return;
      for (const batch of group) {
        this.busy.add(batch.site);
        this.queuedEvents -= batch.events.length;
      }
      const stored: Promise<void> = this.storeGroup(group).finally(() => {
        for (const batch of group) this.busy.delete(batch.site);
        this.inFlight.delete(stored);
        this.drain();
      });
      this.inFlight.add(stored);
    }
  }

  private fullGroupWaiting(): boolean {
    return this.queue.length >= GROUP_LIMITS.batches || this.queuedEvents >= GROUP_LIMITS.events;
  }

  private async storeGroup(group: FeedBatch[]): Promise<void> {
    const { store, log } = this.options;
    try {
      const outcomes = await store.ingestGroup(group);
      this.counters.groups++;
      await Promise.all(
        group.map((batch, i) => {
          const outcome = outcomes[i]!;
          if (isFailure(outcome)) {
            log.error({ site: batch.site, err: outcome.error }, 'feed batch failed');
            return undefined;
          }
          return this.acknowledge(batch, outcome);
        }),
      );
    } catch (e) {
      log.error({ batches: group.length, err: String(e) }, 'feed group failed');
    }
  }

  /** Published only after the commit; a lost ack means the site sends the batch again. */
  private async acknowledge(batch: FeedBatch, result: IngestResult): Promise<void> {
    this.counters.batches++;
    this.counters.stored += result.stored;
    if (result.gap)
      this.options.log.warn(
        { site: batch.site, hubHas: result.upTo, from: batch.from },
        'feed gap: asking the site to rewind',
      );
    await this.client.publishAsync(
      hubTopics.ack(batch.site),
      JSON.stringify({ v: FEED_VERSION, upTo: result.upTo }),
      { qos: 1 },
    );
  }
}

function parse(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
}
