/**
 * A minimal device on the protocol (PROTOCOL.md §3): its credentials, retained status with a last will,
 * and requests matched to responses by id. Used by the demo's simulated devices and by tests; the
 * device agent has its own, with an outbox and retries.
 */
import { randomUUID } from 'node:crypto';
import { type DeviceKind, noDelay, type ResponseEnvelope, topics } from '@oss/protocol';
import mqtt, { type MqttClient } from 'mqtt';

export interface DeviceClient {
  client: MqttClient;
  deviceId: string;
  /** Publishes a raw request payload and waits for the response carrying `expectId`. */
  requestRaw(action: string, payload: string | Buffer, expectId: string | null): Promise<ResponseEnvelope>;
  request(action: string, params: Record<string, unknown>): Promise<ResponseEnvelope>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Announce a retained status with this kind, and `{"online":false}` as the last will. */
  kind?: DeviceKind;
  timeoutMs?: number;
}

export async function connectDevice(
  url: string,
  site: string,
  creds: { username: string; password: string },
  options: ConnectOptions = {},
): Promise<DeviceClient> {
  const deviceId = creds.username;
  const status = topics.deviceStatus(site, deviceId);
  const client = await mqtt.connectAsync(url, {
    username: creds.username,
    password: creds.password,
    reconnectPeriod: 0,
    clientId: `${deviceId}-${randomUUID().slice(0, 8)}`,
    ...(options.kind
      ? { will: { topic: status, payload: Buffer.from('{"online":false}'), qos: 1, retain: true } }
      : {}),
  });
  noDelay(client);
  const waiters = new Map<string | null, (r: ResponseEnvelope) => void>();
  client.on('message', (topic, payload) => {
    if (!topic.includes('/res/')) return;
    let response: ResponseEnvelope;
    try {
      response = JSON.parse(payload.toString()) as ResponseEnvelope;
    } catch {
      return;
    }
    const resolve = waiters.get(response.id);
    waiters.delete(response.id);
    resolve?.(response);
  });
  await client.subscribeAsync(`${topics.devicePrefix(site, deviceId)}res/#`, { qos: 1 });
  if (options.kind)
    await client.publishAsync(status, JSON.stringify({ online: true, kind: options.kind }), {
      qos: 1,
      retain: true,
    });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const requestRaw = (action: string, payload: string | Buffer, expectId: string | null) =>
    new Promise<ResponseEnvelope>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(expectId);
        reject(new Error(`no response to ${action} ${expectId}`));
      }, timeoutMs);
      waiters.set(expectId, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      client.publish(topics.request(site, deviceId, action), payload, { qos: 1 });
    });
  return {
    client,
    deviceId,
    requestRaw,
    request: (action, params) => {
      const id = (params.id as string | undefined) ?? randomUUID();
      return requestRaw(action, JSON.stringify({ ...params, id }), id);
    },
    close: () => client.endAsync(true),
  };
}
