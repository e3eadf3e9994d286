/**
 * Kiosk agent benchmark: `npx tsx device-agent/bench/kiosk.ts [tickets]`.
 * A real site server runs in this process; the agent runs as its own process exactly as on a Pi
 * (`node --import tsx device-agent/src/main.ts --config … --simulate`), so its RSS is its own.
 * Latency: `ticket.issue` sent on the agent's local WebSocket → the `ticket` answer, which the agent
 * sends only after the ticket was issued over MQTT, rendered and its ESC/POS bytes written to the
 * (simulated) printer transport: an upper bound of "request → printed bytes".
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT_MALLOC_ENV, agentNodeFlags } from '@oss/provisioning';
import {
  agentConfig,
  connectUi,
  enrolDevice,
  freePort,
  startSite,
  tempDir,
  waitFor,
} from '../test/helpers.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const N = Number(process.argv[2] ?? 300);
/** The kiosk's systemd unit: node flags and glibc malloc settings. */
const NODE_FLAGS = agentNodeFlags('kiosk');
const MALLOC_ENV = AGENT_MALLOC_ENV;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** PSS and private (dirty) memory: RSS also counts the Node binary's clean pages shared with every node process. */
function smapsMb(pid: number): { pss: number; private: number; sharedClean: number } {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
  const mb = (x: number) => Math.round(x / 102.4) / 10;
  return {
    pss: mb(kb('Pss')),
    private: mb(kb('Private_Dirty') + kb('Private_Clean')),
    sharedClean: mb(kb('Shared_Clean')),
  };
}

/** CPU time (user + system) of a process in ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The agent bundle as on a Pi; built here when a fresh clone has none yet. */
function ensureBundle(): string {
  const bundle = 'device-agent/dist/agent.mjs';
  if (!existsSync(join(ROOT, bundle))) {
    process.stderr.write(`${bundle} is missing: npm run build -w device-agent\n`);
    execFileSync('npm', ['run', 'build', '-w', 'device-agent'], { cwd: ROOT, stdio: 'inherit' });
  }
  return bundle;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const dir = tempDir('oss-agent-bench-');
const server = await startSite(join(dir.path, 'server'));
let child: ChildProcess | null = null;
try {
  const credentials = enrolDevice(server, ['kiosk-bench', 'kiosk']);
  const port = await freePort();
  const configPath = join(dir.path, 'agent.json');
  writeFileSync(
    configPath,
    JSON.stringify({ ...agentConfig(server, credentials), dataDir: join(dir.path, 'agent'), http: { port } }),
  );
  // BENCH_RUNTIME=tsx runs the TypeScript through tsx; default: the bundle, built first if missing.
  const runtime =
    process.env.BENCH_RUNTIME === 'tsx' ? ['--import', 'tsx', 'device-agent/src/main.ts'] : [ensureBundle()];
  // The flags the systemd unit uses on a Pi (docs/device-agent.md); BENCH_NODE_FLAGS='' for none.
  const flags = (process.env.BENCH_NODE_FLAGS ?? NODE_FLAGS).split(' ').filter(Boolean);
  child = spawn(process.execPath, [...flags, ...runtime, '--config', configPath, '--simulate'], {
    cwd: ROOT,
    // As the systemd unit; BENCH_GLIBC_TUNABLES='' measures without the mmap threshold.
    env: {
      ...process.env,
      MALLOC_ARENA_MAX: MALLOC_ENV.MALLOC_ARENA_MAX,
      GLIBC_TUNABLES: process.env.BENCH_GLIBC_TUNABLES ?? MALLOC_ENV.GLIBC_TUNABLES,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const agent = child;
  let stderrTail = '';
  agent.stderr!.on('data', (chunk: Buffer) => {
    if (process.env.BENCH_DEBUG) process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });
  const pid = agent.pid!;
  await waitFor(
    async () => {
      if (agent.exitCode !== null || agent.signalCode !== null)
        throw new Error(
          `the agent exited (${agent.exitCode ?? agent.signalCode}) before it was online:\n${stderrTail}`,
        );
      try {
        const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
          online?: boolean;
        };
        return health.online === true;
      } catch {
        return false;
      }
    },
    'the agent online',
    60_000,
  );
  await new Promise((r) => setTimeout(r, 2000)); // settle: catalogue fetched, leases granted
  const rssIdle = rssMb(pid);
  const smapsIdle = smapsMb(pid);
  const memoryIdle = (
    (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { memoryMb: unknown }
  ).memoryMb;
  const ui = await connectUi(port);
  const services = ['civil-status', 'certification', 'land'];
  const times: number[] = [];
  let cpuStart = 0;
  let printed = 0;
  for (let i = 0; i < N + 20; i++) {
    const requestId = `b-${i}`;
    const t0 = performance.now();
    ui.send({ type: 'ticket.issue', requestId, serviceId: services[i % services.length]!, lang: 'vi' });
    const answer = await ui.next('ticket', (m) => m.requestId === requestId, 10_000);
    const ms = performance.now() - t0;
    if (i === 19) cpuStart = cpuMs(pid);
    if (i >= 20) {
      times.push(ms);
      if (answer.printed) printed++;
    }
  }
  const agentCpuMsPerTicket = (cpuMs(pid) - cpuStart) / N;
  const rssAfter = rssMb(pid);
  const smapsAfter = smapsMb(pid);
  const memory = ((await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { memoryMb: unknown })
    .memoryMb;
  await new Promise((r) => setTimeout(r, 4000)); // the agent's idle GC (with --expose-gc) runs 2 s after the last ticket
  const rssSettled = rssMb(pid);
  const smapsSettled = smapsMb(pid);
  ui.close();
  times.sort((a, b) => a - b);
  const fmt = (x: number) => x.toFixed(1);
  const result = {
    runtime: process.env.BENCH_RUNTIME === 'tsx' ? 'tsx' : 'bundle',
    nodeFlags: process.env.BENCH_NODE_FLAGS ?? NODE_FLAGS,
    glibcTunables: process.env.BENCH_GLIBC_TUNABLES ?? MALLOC_ENV.GLIBC_TUNABLES,
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    loadavg: loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    tickets: N,
    printed,
    p50: fmt(percentile(times, 50)),
    p95: fmt(percentile(times, 95)),
    p99: fmt(percentile(times, 99)),
    max: fmt(times.at(-1)!),
    agentCpuMsPerTicket: fmt(agentCpuMsPerTicket),
    rssIdleMb: fmt(rssIdle),
    rssAfterMb: fmt(rssAfter),
    rssSettledMb: fmt(rssSettled),
    smapsSettledMb: smapsSettled,
    smapsIdleMb: smapsIdle,
    smapsAfterMb: smapsAfter,
    memoryIdleMb: memoryIdle,
    memoryAfterMb: memory,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await server.stop();
  dir.remove();
}
