/**
 * Benchmark (issue 2): `ticket.issue` round trips over MQTT on loopback against a server process.
 *  1. latency p50/p99 at 100 requests/s;
 *  2. the sustained maximum (a window of requests in flight), with durable commits;
 *  3. the raw durable single-row insert rate of SQLite with the same settings on the same disk;
 *  4. the server's RSS after 20,000 tickets in one day.
 * Usage: npm run bench:server [-- --seconds 20]
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { quantile } from '../core/kpis.ts';
import { enroll } from '../src/cli/enroll.ts';
import { readEnv } from '../src/env.ts';
import { connectDevice, type DeviceClient, freePort, tempDir } from '../test/helpers.ts';
import { spawnServer } from '../test/process.ts';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 20;
const SERVICES = ['civil-status', 'certification', 'land', 'business', 'social', 'construction'];
let n = 0;
const issue = (kiosk: DeviceClient) =>
  kiosk.request('ticket.issue', { id: `b-${++n}`, serviceId: SERVICES[n % SERVICES.length]! });

async function atRate(kiosk: DeviceClient, perSecond: number, durationS: number): Promise<number[]> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < perSecond * durationS; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    pending.push(
      issue(kiosk).then((r) => {
        if (!r.ok) throw new Error(JSON.stringify(r.error));
        latencies.push(performance.now() - t0);
      }),
    );
  }
  await Promise.all(pending);
  return latencies.sort((a, b) => a - b);
}

async function sustained(kiosk: DeviceClient, window: number, durationS: number): Promise<number> {
  let done = 0;
  const end = performance.now() + durationS * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const r = await issue(kiosk);
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: window }, worker));
  return done / ((performance.now() - start) / 1000);
}

function rawInsertRate(dir: string, durationS: number): number {
  const db = new Database(join(dir, 'raw-insert.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, data TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO t (at, data) VALUES (?, ?)');
  const one = db.transaction((i: number) => insert.run(i, '{"type":"ticket.issued","serviceId":"land"}'));
  let i = 0;
  const end = performance.now() + durationS * 1000;
  const start = performance.now();
  while (performance.now() < end) one(i++);
  const rate = i / ((performance.now() - start) / 1000);
  db.close();
  return rate;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

const dir = tempDir('oss-bench-');
const env = {
  OSS_DATA_DIR: dir.path,
  OSS_HTTP_PORT: String(await freePort()),
  OSS_MQTT_PORT: String(await freePort()),
  OSS_LOG_LEVEL: 'warn',
};
const server = await spawnServer(env);
try {
  const creds = enroll(['bench-kiosk', 'kiosk'], readEnv(env));
  const kiosk = await connectDevice(creds.mqttUrl, 'demo', creds);
  await atRate(kiosk, 50, 2); // warm-up
  const latencies = await atRate(kiosk, 100, seconds);
  const window = Number(process.argv[process.argv.indexOf('--window') + 1]) || 128;
  const maxRate = await sustained(kiosk, window, Math.max(5, seconds / 2));
  const raw = rawInsertRate(dir.path, 5);
  while (n < 20_000) await Promise.all(Array.from({ length: 50 }, () => issue(kiosk)));
  await new Promise((r) => setTimeout(r, 2000));
  const rss = rssMb(server.child.pid!);
  await kiosk.close();
  const result = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    at100PerSecond: {
      requests: latencies.length,
      p50Ms: +quantile(latencies, 0.5)!.toFixed(2),
      p99Ms: +quantile(latencies, 0.99)!.toFixed(2),
      maxMs: +latencies.at(-1)!.toFixed(2),
    },
    sustainedPerSecond: Math.round(maxRate),
    sustainedWindow: window,
    rawDurableInsertsPerSecond: Math.round(raw),
    ratio: +(maxRate / raw).toFixed(2),
    ticketsIssued: n,
    serverRssMbAfterTickets: Math.round(rss),
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  server.child.kill('SIGTERM');
  await server.exited;
  dir.remove();
}
