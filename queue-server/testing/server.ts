/** Starting real site servers and real MQTT clients for integration tests. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ResponseEnvelope } from '@oss/protocol';
import type { MqttClient } from 'mqtt';
import { enroll } from '../src/cli/enroll.ts';
import { readEnv, type ServerEnv } from '../src/env.ts';
import { silentLogger } from '../src/log.ts';
import { type RunningServer, type StartOptions, startServer } from '../src/server.ts';

/** The result of a successful response; a refusal fails the test with its error. */
export function okResult<T = Record<string, never>>(r: ResponseEnvelope): T {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.error)}`);
  return r.result as T;
}

import { tempDir } from '@oss/tests';

export { freePort } from '@oss/tests';
export { tempDir };

export function testEnv(dataDir: string, extra: Record<string, string> = {}): ServerEnv {
  return readEnv({
    OSS_DATA_DIR: dataDir,
    OSS_HTTP_PORT: '0',
    OSS_MQTT_PORT: '0',
    OSS_HTTP_HOST: '127.0.0.1',
    ...extra,
  });
}

export async function startTestServer(
  dataDir: string,
  extra: Record<string, string> = {},
  options: StartOptions = {},
): Promise<RunningServer> {
  return startServer(testEnv(dataDir, extra), { log: silentLogger, ...options });
}

/** Enrols a device into the server's database, as `npm run enroll` does. */
export function enrolDevice(server: RunningServer, args: string[]) {
  return enroll(args, { ...server.env, mqttUrl: server.mqttUrl });
}

import { connectDevice, type DeviceClient } from '../src/mqtt/device-client.ts';

export { connectDevice, type DeviceClient };

/** Resolves with the next message on `topic` that satisfies `match`. */
export function nextMessage<T>(
  client: MqttClient,
  topic: string,
  match: (m: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message on ${topic}`)), 10_000);
    const onMessage = (t: string, payload: Buffer) => {
      if (t !== topic) return;
      const m = JSON.parse(payload.toString()) as T;
      if (!match(m)) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(m);
    };
    client.on('message', onMessage);
  });
}

export async function signIn(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0]!;
}

/** Every file under `dir`, recursively (to search a data folder's bytes). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * A started test server with devices enrolled and connected, by name: `{ kiosk: ['kiosk-1', 'kiosk'] }`
 * (the arguments of `npm run enroll`). `stop` closes the devices and the server and removes the data.
 */
export async function startWithDevices<K extends string>(
  enrolments: Record<K, string[]>,
  extra: Record<string, string> = {},
  options: StartOptions = {},
): Promise<{ server: RunningServer; devices: Record<K, DeviceClient>; stop: () => Promise<void> }> {
  const dir = tempDir();
  const server = await startTestServer(dir.path, extra, options);
  const devices = {} as Record<K, DeviceClient>;
  for (const [name, args] of Object.entries(enrolments) as [K, string[]][])
    devices[name] = await connectDevice(server.mqttUrl, server.config.site.id, enrolDevice(server, args));
  const stop = async () => {
    await Promise.all(Object.values<DeviceClient>(devices).map((d) => d.close()));
    await server.stop();
    dir.remove();
  };
  return { server, devices, stop };
}
