/**
 * `npm run bench:hub-reconnect -- [sites]` (default 500): how long N enrolled sites take to connect to
 * the hub's embedded broker all at once, first with secrets the hub process has not verified yet
 * (after a hub restart, one scrypt each) and then again (reconnects after a WAN cut: the remembered
 * digest). PGlite in a temporary folder; the per-address caps raised as every site is on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@oss/queue-server/log';
import mqtt, { type MqttClient } from 'mqtt';
import { enrolSite } from '../src/admin.ts';
import { readHubEnv } from '../src/env.ts';
import { startHub } from '../src/hub.ts';

const sites = Number(process.argv[2] ?? 500);
const dir = mkdtempSync(join(tmpdir(), 'oss-hub-reconnect-'));
const env = readHubEnv({ OSS_HUB_DATA_DIR: dir, OSS_HUB_HTTP_PORT: '0', OSS_HUB_MQTT_PORT: '0' });
const hub = await startHub(env, {
  log: silentLogger,
  brokerLimits: { maxConnectionsPerAddress: 20_000, connectBurst: 20_000, connectsPerSecond: 10_000 },
});

async function wave(creds: { username: string; password: string }[]): Promise<number> {
  const started = performance.now();
  const clients: MqttClient[] = await Promise.all(
    creds.map((c) => mqtt.connectAsync(hub.mqttUrl, { ...c, reconnectPeriod: 0, connectTimeout: 3_600_000 })),
  );
  const ms = performance.now() - started;
  await Promise.all(clients.map((c) => c.endAsync(true)));
  return ms;
}

try {
  const creds = [];
  for (let i = 0; i < sites; i++) creds.push(await enrolSite(hub.store, env, `xa-${i}`, Date.now()));
  const cold = await wave(creds);
  const warm = await wave(creds);
  process.stdout.write(
    `${JSON.stringify({ sites, coldSeconds: +(cold / 1000).toFixed(2), warmSeconds: +(warm / 1000).toFixed(2), checks: hub.siteAuth?.checks })}\n`,
  );
} finally {
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
}
