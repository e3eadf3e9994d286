/**
 * Load (issue 9): a 60-counter centre at `--factor` times its realistic peak for `--minutes`, through
 * real MQTT clients (one per counter, four kiosks) against a server process. Realistic peak: every
 * counter busy, mean service 8 min, so arrivals of counters / 8 a minute; the factor multiplies the
 * arrivals and divides the service time. Reports latency percentiles, errors and the server's memory
 * over time. Usage: npx tsx queue-server/bench/load.ts [--minutes 10] [--factor 10] [--counters 60]
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { quantile } from '../core/kpis.ts';
import { enroll } from '../src/cli/enroll.ts';
import { loadSiteConfig } from '../src/config/load.ts';
import { readEnv } from '../src/env.ts';
import { databasePath } from '../src/storage/store.ts';
import { connectDevice, type DeviceClient, freePort, tempDir } from '../test/helpers.ts';
import { spawnServer } from '../test/process.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const minutes = arg('--minutes', 10);
const factor = arg('--factor', 10);
const counterCount = arg('--counters', 60);
const MEAN_SERVICE_MS = 8 * 60_000;

const dir = tempDir('oss-load-');
const demo = loadSiteConfig();
const counters = Array.from({ length: counterCount }, (_, i) => ({
  id: `counter-${i + 1}`,
  number: i + 1,
  name: { vi: `Quầy ${i + 1}`, en: `Counter ${i + 1}` },
  serviceIds: [
    demo.services[i % demo.services.length]!.id,
    demo.services[(i + 1) % demo.services.length]!.id,
  ],
}));
const siteFile = join(dir.path, 'site.yaml');
writeFileSync(siteFile, stringify({ ...demo, counters }));

const env = {
  OSS_DATA_DIR: join(dir.path, 'data'),
  OSS_HTTP_PORT: String(await freePort()),
  OSS_MQTT_PORT: String(await freePort()),
  OSS_SITE_CONFIG: siteFile,
  OSS_LOG_LEVEL: 'warn',
};
const server = await spawnServer(env);
const serverEnv = readEnv(env);
const connect = async (args: string[]) => {
  const creds = enroll(args, serverEnv);
  return connectDevice(creds.mqttUrl, 'demo', creds, { timeoutMs: 15_000 });
};
const kiosks = await Promise.all([1, 2, 3, 4].map((i) => connect([`load-kiosk-${i}`, 'kiosk'])));
const counterDevices = await Promise.all(counters.map((c) => connect([c.id, 'counter', '--counter', c.id])));

const latencies: number[] = [];
let errors = 0;
let refusals = 0;
const timed = async (device: DeviceClient, action: string, params: Record<string, unknown>) => {
  const t0 = performance.now();
  try {
    const r = await device.request(action, params);
    latencies.push(performance.now() - t0);
    if (!r.ok) refusals++;
    return r;
  } catch {
    errors++;
    return null;
  }
};

const end = Date.now() + minutes * 60_000;
const arrivalsPerMs = (counterCount / MEAN_SERVICE_MS) * factor;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const memory: { at: number; rssMb: number }[] = [];
const rss = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))![1]) / 1024;
const sampler = setInterval(
  () =>
    memory.push({ at: Math.round((Date.now() - (end - minutes * 60_000)) / 1000), rssMb: Math.round(rss()) }),
  10_000,
);

let issued = 0;
const citizens = (async () => {
  while (Date.now() < end) {
    await sleep(-Math.log(1 - Math.random()) / arrivalsPerMs);
    const service = demo.services[Math.floor(Math.random() * demo.services.length)]!;
    void timed(kiosks[issued++ % kiosks.length]!, 'ticket.issue', { serviceId: service.id });
  }
})();
let served = 0;
const officers = counterDevices.map(async (device, i) => {
  while (Date.now() < end) {
    const r = await timed(device, 'counter.next', { counterId: counters[i]!.id });
    const ticket = r?.ok ? (r.result.ticket as { id: string } | null) : null;
    if (!ticket) {
      await sleep(Math.min(end - Date.now(), 2000));
      continue;
    }
    served++;
    await sleep(Math.min(end - Date.now(), (-Math.log(1 - Math.random()) * MEAN_SERVICE_MS) / factor));
  }
});
await Promise.all([citizens, ...officers]);
clearInterval(sampler);
await sleep(2000);
latencies.sort((a, b) => a - b);
const result = {
  counters: counterCount,
  minutes,
  factor,
  arrivalsPerMinute: +(arrivalsPerMs * 60_000).toFixed(1),
  requests: latencies.length + errors,
  issued,
  called: served,
  errors,
  refusals,
  p50Ms: +quantile(latencies, 0.5)!.toFixed(1),
  p99Ms: +quantile(latencies, 0.99)!.toFixed(1),
  maxMs: +latencies.at(-1)!.toFixed(1),
  rssMb: memory,
  databaseMb: +(statSync(databasePath(env.OSS_DATA_DIR)).size / 1e6).toFixed(1),
};
console.log(JSON.stringify(result));
await Promise.all([...kiosks, ...counterDevices].map((d) => d.close()));
server.child.kill('SIGTERM');
await server.exited;
dir.remove();
