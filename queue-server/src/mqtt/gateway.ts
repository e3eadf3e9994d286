/**
 * The server's MQTT side: answers device requests, records device status, broadcasts calls and the
 * retained queue summary (the service's `summary` event).
 */
import { createHash } from 'node:crypto';
import {
  DEVICE_STATUS_FIELDS,
  DeviceEvents,
  DeviceStatus,
  fail,
  Id,
  type LocalizedText,
  noDelay,
  ProtocolError,
  parseDeviceTopic,
  RequestSchemas,
  type ResponseEnvelope,
  SERVER_USERNAME,
  topics,
  validate,
} from '@oss/protocol';
import type { Command } from '@oss/queue-server/core';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { actionFor } from '../actions.ts';
import type { Logger } from '../log.ts';
import type { ExecuteOptions, QueueService } from '../queue-service.ts';
import { MAX_BYTES, parseSmallJson } from './payload.ts';

/** At most this many requests share one transaction. */
const MAX_BATCH = 256;

export interface GatewayOptions {
  url: string;
  username?: string;
  password?: string;
  service: QueueService;
  log: Logger;
}

export class MqttGateway {
  private client!: MqttClient;
  private readonly site: string;
  private pending: { command: Command; options: ExecuteOptions; respond: (r: ResponseEnvelope) => void }[] =
    [];
  /** Requests being answered; `stop` waits for them. */
  private inFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: GatewayOptions) {
    this.site = options.service.site.id;
  }

  /** The client id it connects with (serverClientId). */
  get clientId(): string {
    return serverClientId(this.site, this.options.password);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /**
   * Connects and subscribes. When the broker cannot be reached (an external one not up yet), it
   * resolves after the first failure and keeps trying: the server runs, health says the gateway is
   * not connected, and the log says what it waits for.
   */
  async start(): Promise<void> {
    const { service, log, url } = this.options;
    this.client = mqtt.connect(url, {
      clientId: this.clientId,
      username: this.options.username ?? SERVER_USERNAME,
      ...(this.options.password ? { password: this.options.password } : {}),
      clean: false,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
    });
    this.client.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet));
    service.bus.on('call', (call) => this.publish(topics.calls(this.site), call, false));
    service.bus.on('summary', (summary) => this.publishSummary(summary));
    const firstAttempt = new Promise<void>((resolve) => {
      this.client.on('connect', () => {
        noDelay(this.client);
        log.info({}, 'MQTT gateway connected');
        this.subscribe().then(resolve, (e: Error) => {
          log.warn({ err: e.message }, 'MQTT gateway could not subscribe');
          resolve();
        });
      });
      this.client.on('error', (e) => {
        this.waiting(e.message);
        resolve();
      });
      this.client.on('close', () => {
        this.waiting('connection closed');
        resolve();
      });
    });
    await firstAttempt;
  }

  private async subscribe(): Promise<void> {
    await this.client.subscribeAsync({
      [topics.allRequests(this.site)]: { qos: 1 },
      [topics.allStatuses(this.site)]: { qos: 1 },
      [topics.allEvents(this.site)]: { qos: 1 },
    });
    this.publishSummary();
  }

  private lastWaitLog = 0;
  private stopping = false;
  /** Says, at most every 30 s, that the broker is not reachable and that we keep trying. */
  private waiting(reason: string): void {
    if (this.stopping) return;
    const now = Date.now();
    if (now - this.lastWaitLog < 30_000) return;
    this.lastWaitLog = now;
    this.options.log.warn(
      { url: this.options.url, err: reason },
      'đang chờ máy chủ MQTT, thử lại mỗi giây / waiting for the MQTT broker, retrying every second',
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.flush();
    await Promise.allSettled([...this.inFlight]);
    await this.client?.endAsync(!this.client.connected);
  }

  private onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const t = parseDeviceTopic(topic);
    if (!t || t.site !== this.site) return;
    if (packet.retain && t.channel === 'req') return this.clearRetainedRequest(topic, payload);
    try {
      if (t.channel === 'req') this.onRequest(t.device, t.name, payload);
      else if (t.channel === 'status') this.onStatus(t.device, payload);
      else if (t.channel === 'evt') this.onEvent(t.device, t.name, payload);
    } catch (e) {
      this.options.log.error(
        { err: String(e), device: t.device, channel: t.channel },
        'message handling failed',
      );
    }
  }

  private onRequest(deviceId: string, action: string, payload: Buffer): void {
    const { service } = this.options;
    const respond = (response: ResponseEnvelope) =>
      this.publish(topics.response(this.site, deviceId, action), response, false);
    const parsed = parseSmallJson(payload, MAX_BYTES.req);
    if (!parsed.ok) return respond(refusal(null, parsed.text, 'vi'));
    const body = parsed.value;
    // The language is read before the schema check, so that its error is in the asked language.
    const lang = (body as { lang?: unknown } | null)?.lang === 'en' ? 'en' : 'vi';
    const rawId = (body as { id?: unknown } | null)?.id;
    const id = validate(Id, rawId).ok ? (rawId as string) : null;
    if (id === null)
      return respond(
        refusal(null, { vi: 'Thiếu mã yêu cầu "id" hợp lệ', en: 'missing or invalid request "id"' }, lang),
      );
    const spec = actionFor(action);
    const schema = spec ? RequestSchemas[action as keyof typeof RequestSchemas] : undefined;
    if (!spec || !schema)
      return respond(
        refusal(id, { vi: `Không có thao tác "${action}"`, en: `unknown action "${action}"` }, lang),
      );
    const checked = validate(schema, body);
    if (!checked.ok) return respond(refusal(id, checked.text, lang));
    try {
      const device = service.store.findDevice(deviceId);
      if (!device) fail('forbidden', 'Thiết bị chưa được đăng ký', 'device is not enrolled');
      if (!spec.allowed.includes(device.kind))
        fail(
          'forbidden',
          'Thiết bị này không được phép thực hiện thao tác',
          `a ${device.kind} may not ${action}`,
        );
      const command = spec.command(checked.value as never, {
        kind: device.kind,
        counterId: device.counter_id,
        deviceId,
      });
      const params = checked.value as { citizen?: { idNumber?: string } };
      this.enqueue(
        command,
        {
          key: { deviceId, requestId: id, action },
          lang,
          ...(params.citizen?.idNumber ? { citizenIdNumber: params.citizen.idNumber } : {}),
          result: spec.result,
        },
        respond,
      );
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      respond({ id, ok: false, error: e.toBody(lang) });
    }
  }

  /** Requests read together are committed together (see QueueService.executeBatch). */
  private enqueue(command: Command, options: ExecuteOptions, respond: (r: ResponseEnvelope) => void): void {
    this.pending.push({ command, options, respond });
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const batch = this.pending.splice(0, MAX_BATCH);
    if (this.pending.length > 0) setImmediate(() => this.flush());
    if (batch.length === 0) return;
    const responses = this.options.service.executeBatch(batch);
    batch.forEach((item, i) => {
      item.respond(responses[i]!);
    });
  }

  private onStatus(deviceId: string, payload: Buffer): void {
    const { service, log } = this.options;
    if (payload.length === 0) return; // a cleared retained message
    const parsed = parseSmallJson(payload, MAX_BYTES.status);
    if (!parsed.ok) return log.warn({ device: deviceId, problem: parsed.text.en }, 'bad status');
    const checked = validate(DeviceStatus, parsed.value);
    if (!checked.ok) return log.warn({ device: deviceId, problem: checked.text.en }, 'bad status');
    if (!service.store.findDevice(deviceId)) return;
    // Only the known fields are kept and served: whatever else a device adds stays out of the database.
    const kept = Object.fromEntries(
      DEVICE_STATUS_FIELDS.filter((f) => checked.value[f] !== undefined).map((f) => [f, checked.value[f]]),
    );
    service.store.saveDeviceStatus(deviceId, checked.value.online, JSON.stringify(kept), service.clock());
    service.bus.emit('device', deviceId, checked.value.online);
  }

  private onEvent(deviceId: string, name: string, payload: Buffer): void {
    const { service, log } = this.options;
    const schema = DeviceEvents[name];
    if (!schema) return log.warn({ device: deviceId, event: name }, 'unknown event dropped');
    const parsed = parseSmallJson(payload, MAX_BYTES.evt);
    const checked = parsed.ok ? validate(schema, parsed.value) : parsed;
    if (!checked.ok)
      return log.warn({ device: deviceId, event: name, problem: checked.text.en }, 'bad event');
    service.bus.emit('deviceEvent', deviceId, name, checked.value as Record<string, unknown>);
  }

  /**
   * A retained request (from a broker that let it through) is replayed at every subscription: it is
   * not executed again, and an empty retained message removes it from the broker.
   */
  private clearRetainedRequest(topic: string, payload: Buffer): void {
    if (payload.length === 0) return;
    this.options.log.warn({ topic }, 'retained request cleared, not executed');
    this.publish(topic, '', true);
  }

  private publishSummary(summary = this.options.service.summary()): void {
    if (this.client?.connected) this.publish(topics.queue(this.site), summary, true);
  }

  private publish(topic: string, message: unknown, retain: boolean): void {
    const sent = this.client
      .publishAsync(topic, typeof message === 'string' ? message : JSON.stringify(message), {
        qos: 1,
        retain,
      })
      .catch((e: Error) => {
        this.options.log.warn({ err: e.message, topic }, 'publish failed');
      });
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }
}

function refusal(id: string | null, text: LocalizedText, lang: 'vi' | 'en'): ResponseEnvelope {
  return { id, ok: false, error: { code: 'invalid_request', message: text[lang], text } };
}

/**
 * The server's client id: not guessable without the server's broker password (a device that knew
 * it could try to take over the server's session), and stable while that password is.
 */
export function serverClientId(site: string, password = ''): string {
  const tag = createHash('sha256').update(`oss-server-client-id\0${password}`).digest('hex').slice(0, 16);
  return `oss-server-${site}-${tag}`;
}
