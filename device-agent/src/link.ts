/**
 * The agent's MQTT link to the site server (PROTOCOL.md §3): enrolment credentials, retained status
 * and last will, request/response matched by id with timeouts and retries, the durable outbox
 * replayed in order with the same request ids, the site's calls and queue, commands and telemetry.
 */
import { randomUUID } from 'node:crypto';
import {
  CallMessage,
  type DeviceKind,
  type ErrorBody,
  noDelay,
  QueueSummary,
  ResponseEnvelope,
  topics,
  validate,
} from '@oss/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import type { AgentLogger } from './log.ts';
import type { AgentStore } from './store.ts';

export type LinkErrorCode = 'offline' | 'timeout' | 'refused';

/** A request that got no usable answer (`offline`, `timeout`) or a refusal by the server (`refused`). */
export class LinkError extends Error {
  constructor(
    readonly code: LinkErrorCode,
    message: string,
    readonly refusal?: ErrorBody,
  ) {
    super(message);
    this.name = 'LinkError';
  }
}

export interface LinkOptions {
  site: string;
  deviceId: string;
  kind: DeviceKind;
  mqttUrl: string;
  username: string;
  password: string;
  store: AgentStore;
  log: AgentLogger;
  requestTimeoutMs: number;
  retries: number;
  reconnectMs: number;
  /** Extra fields of the retained online status (e.g. counterId). */
  statusExtra?: Record<string, unknown>;
}

interface Waiter {
  resolve: (r: ResponseEnvelope) => void;
}

type Listener<T> = (value: T) => void;

export class ServerLink {
  private client: MqttClient | null = null;
  private readonly waiters = new Map<string, Waiter>();
  private online = false;
  /** Fields added to the retained status, now and after every reconnection (e.g. the printer's state). */
  private statusFields: Record<string, unknown> = {};
  private connectedSince = '';
  private draining: Promise<void> | null = null;
  private drainAgain = false;
  private stopped = false;
  private offsetMs: number;
  private savedOffsetMs: number;
  private readonly listeners = {
    online: new Set<Listener<boolean>>(),
    call: new Set<Listener<CallMessage>>(),
    queue: new Set<Listener<QueueSummary>>(),
    command: new Set<Listener<{ name: string; body: unknown }>>(),
    drained: new Set<Listener<number>>(),
  };

  constructor(private readonly o: LinkOptions) {
    this.offsetMs = Number(o.store.get('serverOffsetMs') ?? 0) || 0;
    this.savedOffsetMs = this.offsetMs;
  }

  get connected(): boolean {
    return this.online;
  }

  /** The server's clock as learned from its answers (the kiosk's clock may be wrong offline). */
  serverNow(): number {
    return Date.now() + this.offsetMs;
  }

  get clockOffsetMs(): number {
    return this.offsetMs;
  }

  on<K extends keyof ServerLink['listeners']>(
    event: K,
    listener: ServerLink['listeners'][K] extends Set<infer L> ? L : never,
  ): () => void {
    const set = this.listeners[event] as Set<typeof listener>;
    set.add(listener);
    return () => set.delete(listener);
  }

  private emit<K extends keyof ServerLink['listeners']>(
    event: K,
    value: ServerLink['listeners'][K] extends Set<Listener<infer V>> ? V : never,
  ): void {
    for (const l of this.listeners[event] as Set<Listener<typeof value>>) {
      try {
        l(value);
      } catch (e) {
        this.o.log.error({ err: String(e), event }, 'listener failed');
      }
    }
  }

  /** Starts connecting; resolves at once (an agent starts and works offline). */
  start(): void {
    const { site, deviceId } = this.o;
    const statusTopic = topics.deviceStatus(site, deviceId);
    const client = mqtt.connect(this.o.mqttUrl, {
      clientId: `oss-agent-${deviceId}`,
      username: this.o.username,
      password: this.o.password,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: this.o.reconnectMs,
      connectTimeout: 5000,
      keepalive: 15,
      // mqtt-packet would otherwise pre-build 65 536 two-byte Buffers (~8 MB of heap) for packet ids.
      writeCache: false,
      will: { topic: statusTopic, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    this.client = client;
    noDelay(client);
    client.on('connect', () => {
      noDelay(client);
      const filters = {
        [`${topics.devicePrefix(site, deviceId)}res/+`]: { qos: 1 as const },
        [`${topics.devicePrefix(site, deviceId)}cmd/#`]: { qos: 1 as const },
        [topics.calls(site)]: { qos: 1 as const },
        [topics.queue(site)]: { qos: 1 as const },
      };
      client.subscribe(filters, (err) => {
        if (err) return this.o.log.warn({ err: err.message }, 'subscribe failed');
        this.connectedSince = new Date().toISOString();
        this.publishStatus();
        this.setOnline(true);
        this.drain();
      });
    });
    client.on('close', () => this.setOnline(false));
    // Reconnecting every second while the server is away: log each different error once a minute at most.
    let lastError = '';
    let lastErrorAt = 0;
    client.on('error', (e) => {
      if (e.message === lastError && Date.now() - lastErrorAt < 60_000) return;
      lastError = e.message;
      lastErrorAt = Date.now();
      this.o.log.warn({ err: e.message }, 'MQTT error');
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  /**
   * Sets fields of the retained status (a manager's dashboard opened later reads them from
   * `GET /api/devices`); published at once when connected, else at the next connection.
   */
  setStatus(fields: Record<string, unknown>): void {
    this.statusFields = { ...this.statusFields, ...fields };
    if (this.online) this.publishStatus();
  }

  private publishStatus(): void {
    const { site, deviceId, kind } = this.o;
    this.client?.publish(
      topics.deviceStatus(site, deviceId),
      JSON.stringify({
        online: true,
        kind,
        ...this.o.statusExtra,
        ...this.statusFields,
        since: this.connectedSince,
      }),
      { qos: 1, retain: true },
    );
  }

  private setOnline(online: boolean): void {
    if (this.online === online) return;
    this.online = online;
    this.o.log.info({ online }, online ? 'connected to the server' : 'server link lost');
    this.emit('online', online);
  }

  private onMessage(topic: string, payload: Buffer): void {
    const { site, deviceId } = this.o;
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return this.o.log.warn({ topic }, 'message is not JSON');
    }
    const prefix = topics.devicePrefix(site, deviceId);
    if (topic.startsWith(`${prefix}res/`)) {
      const checked = validate(ResponseEnvelope, body);
      if (!checked.ok || checked.value.id === null) return;
      const waiter = this.waiters.get(checked.value.id);
      if (waiter) {
        this.waiters.delete(checked.value.id);
        waiter.resolve(checked.value);
      }
    } else if (topic.startsWith(`${prefix}cmd/`)) {
      this.emit('command', { name: topic.slice(prefix.length + 4), body });
    } else if (topic === topics.calls(site)) {
      const checked = validate(CallMessage, body);
      if (checked.ok) this.emit('call', checked.value);
      else this.o.log.warn({ problem: checked.text.en }, 'bad call message');
    } else if (topic === topics.queue(site)) {
      const checked = validate(QueueSummary, body);
      if (checked.ok) this.emit('queue', checked.value);
    }
  }

  /** Publishes once and waits for the answer with this id (or the timeout). */
  private exchange(action: string, body: Record<string, unknown>, timeoutMs: number) {
    const client = this.client;
    const id = body.id as string;
    return new Promise<ResponseEnvelope | null>((resolve) => {
      if (!client || !this.online) return resolve(null);
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        resolve(null);
      }, timeoutMs);
      this.waiters.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      client.publish(topics.request(this.o.site, this.o.deviceId, action), JSON.stringify(body), {
        qos: 1,
      });
    });
  }

  /**
   * An interactive request: fails fast with `offline` when the link is down, retries with the same
   * id on timeout, rejects with `refused` carrying the server's error body.
   */
  async request<T = Record<string, unknown>>(
    action: string,
    params: Record<string, unknown>,
    options: { id?: string; timeoutMs?: number; retries?: number } = {},
  ): Promise<T> {
    const body = { id: options.id ?? randomUUID(), ...params };
    const retries = options.retries ?? this.o.retries;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (!this.online) throw new LinkError('offline', 'the server is not reachable');
      const sentAt = Date.now();
      const answer = await this.exchange(action, body, options.timeoutMs ?? this.o.requestTimeoutMs);
      if (!answer) continue;
      if (!answer.ok) throw new LinkError('refused', answer.error.message, answer.error);
      if (attempt === 0) this.learnOffset(answer.result, sentAt, Date.now());
      return answer.result as T;
    }
    throw new LinkError(this.online ? 'timeout' : 'offline', `no answer to ${action}`);
  }

  /** Learns the offset to the server's clock from a time the server stamped while answering. */
  private learnOffset(result: Record<string, unknown>, sentAt: number, receivedAt: number): void {
    if (receivedAt - sentAt > 2000) return;
    const ticket = result.ticket as { issuedAt?: unknown; calledAt?: unknown } | null | undefined;
    const lease = result.lease as { grantedAt?: unknown } | null | undefined;
    const stamp = lease?.grantedAt ?? (ticket?.calledAt || ticket?.issuedAt);
    if (typeof stamp !== 'string') return;
    // A replayed answer carries an old time: only trust stamps close to now.
    const server = Date.parse(stamp);
    if (!Number.isFinite(server)) return;
    const offset = Math.round(server - (sentAt + receivedAt) / 2);
    if (Math.abs(offset - this.offsetMs) > 24 * 3_600_000) return;
    this.offsetMs = offset;
    // Written only when it moved by a second or more: not one synced disk write per ticket.
    if (Math.abs(offset - this.savedOffsetMs) >= 1000) {
      this.o.store.set('serverOffsetMs', String(offset));
      this.savedOffsetMs = offset;
    }
  }

  /**
   * A durable request: written to the outbox first, sent now if the link is up, otherwise replayed
   * in order with the same id when it returns.
   */
  send(action: string, params: Record<string, unknown>, id: string = randomUUID()): string {
    this.o.store.enqueue(id, action, { id, ...params }, Date.now());
    this.drain();
    return id;
  }

  /** Sends the outbox, one request at a time and in order, while the link is up. */
  drain(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    this.draining = (async () => {
      try {
        do {
          this.drainAgain = false;
          await this.drainOnce();
        } while (this.drainAgain && this.online && !this.stopped);
      } finally {
        this.draining = null;
      }
    })();
    return this.draining;
  }

  private async drainOnce(): Promise<void> {
    while (this.online && !this.stopped) {
      const batch = this.o.store.pending(50);
      if (batch.length === 0) {
        this.emit('drained', 0);
        return;
      }
      for (const entry of batch) {
        if (!this.online || this.stopped) return;
        this.o.store.attempted(entry.requestId);
        const answer = await this.exchange(entry.action, entry.body, this.o.requestTimeoutMs);
        if (this.stopped) return;
        // Link lost or slow, or rate limited: retried on the next connect or send, or in a moment.
        if (!answer || (!answer.ok && answer.error.code === 'rate_limited')) return this.retryLater();
        if (answer.ok) this.o.store.acknowledge(entry.requestId);
        else {
          this.o.log.warn(
            { action: entry.action, requestId: entry.requestId, code: answer.error.code },
            'outbox request refused by the server',
          );
          this.o.store.acknowledge(entry.requestId, {
            action: entry.action,
            code: answer.error.code,
            at: Date.now(),
          });
        }
      }
    }
  }

  private retryTimer: NodeJS.Timeout | null = null;

  /** An unanswered outbox entry is sent again (same id) after a pause, even if nothing else is sent. */
  private retryLater(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.online && !this.stopped) void this.drain();
    }, this.o.requestTimeoutMs);
    this.retryTimer.unref();
  }

  /** Telemetry on `evt/{name}`; dropped (not queued) while offline. */
  event(name: string, body: Record<string, unknown>): void {
    if (!this.client || !this.online) return;
    this.client.publish(topics.event(this.o.site, this.o.deviceId, name), JSON.stringify(body), { qos: 1 });
  }

  /** Says offline (retained) and disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    if (!client) return;
    if (client.connected)
      await client
        .publishAsync(topics.deviceStatus(this.o.site, this.o.deviceId), '{"online":false}', {
          qos: 1,
          retain: true,
        })
        .catch(() => {});
    await client.endAsync(true).catch(() => {});
    this.setOnline(false);
    for (const [id, w] of this.waiters) {
      this.waiters.delete(id);
      w.resolve({ id, ok: false, error: { code: 'unavailable', message: 'stopped' } });
    }
  }
}
