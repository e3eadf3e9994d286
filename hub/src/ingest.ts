/**
 * An ingest worker: reads the sites' feeds from the broker, stores each batch in one transaction and
 * acknowledges it only after the commit. With an external broker several workers share the feeds
 * through a shared subscription; a worker killed mid-batch never acked it, so the site re-sends.
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
import type { HubStore } from './store.ts';

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
}

export interface IngestCounters {
  batches: number;
  stored: number;
  refused: number;
}

export class IngestWorker {
  private client!: MqttClient;
  /** One chain per site: a worker handles a site's batches in arrival order. */
  private readonly chains = new Map<string, Promise<void>>();
  readonly counters: IngestCounters = { batches: 0, stored: 0, refused: 0 };

  constructor(private readonly options: IngestOptions) {}

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
    await this.client?.endAsync(true);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const t = parseHubTopic(topic);
    if (!t || t.channel === 'ack') return;
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

  private async handle(site: string, channel: 'feed' | 'info' | 'status', payload: Buffer): Promise<void> {
    const body = parse(payload);
    const { store, log } = this.options;
    if (channel === 'status') {
      const status = validate(FeedStatus, body);
      if (status.ok) await store.saveStatus(site, status.value.online, this.options.clock());
      return;
    }
    if (channel === 'info') {
      const info = validate(SiteInfo, body);
      if (info.ok && info.value.site === site) await store.saveInfo(info.value);
      else log.warn({ site, problem: info.ok ? 'site mismatch' : info.text.en }, 'site info refused');
      return;
    }
    const batch = validate(FeedBatch, body);
    // The broker's ACL keeps a site to its own topic; the payload must name the same site.
    if (!batch.ok || batch.value.site !== site || batch.value.to < batch.value.from) {
      this.counters.refused++;
      log.warn({ site, problem: batch.ok ? 'site or range mismatch' : batch.text.en }, 'feed batch refused');
      return;
    }
    const result = await store.ingest(batch.value);
    this.counters.batches++;
    this.counters.stored += result.stored;
    if (result.gap)
      log.warn({ site, hubHas: result.upTo, from: batch.value.from }, 'feed gap: asking the site to rewind');
    await this.client.publishAsync(
      hubTopics.ack(site),
      JSON.stringify({ v: FEED_VERSION, upTo: result.upTo }),
      {
        qos: 1,
      },
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
