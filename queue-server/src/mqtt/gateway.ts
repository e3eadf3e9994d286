/**
 * The server's MQTT side: answers device requests, records device status, broadcasts calls and the
 * retained queue summary (the service's `summary` event).
 */
import {
  DeviceStatus,
  fail,
  Id,
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
import mqtt, { type MqttClient } from 'mqtt';
import { actionFor } from '../actions.ts';
import type { Logger } from '../log.ts';
import type { ExecuteOptions, QueueService } from '../queue-service.ts';

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

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    const { service, log } = this.options;
    this.client = await mqtt.connectAsync(this.options.url, {
      clientId: `oss-server-${this.site}`,
      username: this.options.username ?? SERVER_USERNAME,
      ...(this.options.password ? { password: this.options.password } : {}),
      clean: false,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
    });
    this.client.on('message', (topic, payload) => this.onMessage(topic, payload));
    noDelay(this.client);
    this.client.on('connect', () => {
      noDelay(this.client);
      log.info({}, 'MQTT gateway connected');
      this.publishSummary();
    });
    this.client.on('error', (e) => log.warn({ err: e.message }, 'MQTT gateway error'));
    await this.client.subscribeAsync({
      [topics.allRequests(this.site)]: { qos: 1 },
      [topics.allStatuses(this.site)]: { qos: 1 },
      [topics.allEvents(this.site)]: { qos: 1 },
    });
    service.bus.on('call', (call) => this.publish(topics.calls(this.site), call, false));
    service.bus.on('summary', (summary) => this.publishSummary(summary));
    this.publishSummary();
  }

  async stop(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
    await this.client?.endAsync();
  }

  private onMessage(topic: string, payload: Buffer): void {
    const t = parseDeviceTopic(topic);
    if (!t || t.site !== this.site) return;
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
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return respond(refusal(null, 'invalid_request', 'Nội dung không phải JSON', 'payload is not JSON'));
    }
    const rawId = (body as { id?: unknown } | null)?.id;
    const id = validate(Id, rawId).ok ? (rawId as string) : null;
    if (id === null)
      return respond(
        refusal(null, 'invalid_request', 'Thiếu mã yêu cầu "id" hợp lệ', 'missing or invalid request "id"'),
      );
    const spec = actionFor(action);
    const schema = spec ? RequestSchemas[action as keyof typeof RequestSchemas] : undefined;
    if (!spec || !schema)
      return respond(
        refusal(id, 'invalid_request', `Không có thao tác "${action}"`, `unknown action "${action}"`),
      );
    const checked = validate(schema, body);
    if (!checked.ok)
      return respond({
        id,
        ok: false,
        error: { code: 'invalid_request', message: checked.text.vi, text: checked.text },
      });
    const lang = (body as { lang?: 'vi' | 'en' }).lang;
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
          ...(lang ? { lang } : {}),
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
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return log.warn({ device: deviceId }, 'status is not JSON');
    }
    const checked = validate(DeviceStatus, body);
    if (!checked.ok) return log.warn({ device: deviceId, problem: checked.text.en }, 'bad status');
    if (!service.store.findDevice(deviceId)) return;
    service.store.saveDeviceStatus(
      deviceId,
      checked.value.online,
      JSON.stringify(checked.value),
      service.clock(),
    );
    service.bus.emit('device', deviceId, checked.value.online);
  }

  private onEvent(deviceId: string, name: string, payload: Buffer): void {
    const { service, log } = this.options;
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return log.warn({ device: deviceId, event: name }, 'event is not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return log.warn({ device: deviceId, event: name }, 'event is not an object');
    service.bus.emit('deviceEvent', deviceId, name, body as Record<string, unknown>);
  }

  private publishSummary(summary = this.options.service.summary()): void {
    if (this.client?.connected) this.publish(topics.queue(this.site), summary, true);
  }

  private publish(topic: string, message: unknown, retain: boolean): void {
    const sent = this.client
      .publishAsync(topic, JSON.stringify(message), { qos: 1, retain })
      .catch((e: Error) => {
        this.options.log.warn({ err: e.message, topic }, 'publish failed');
      });
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }
}

function refusal(id: string | null, code: 'invalid_request', vi: string, en: string): ResponseEnvelope {
  return { id, ok: false, error: { code, message: vi, text: { vi, en } } };
}
