/**
 * `npm run demo`: the site server on the embedded defaults plus simulated devices speaking real MQTT
 * (two kiosks, a counter device per counter, a display) and a stream of simulated citizens, so the
 * boards and dashboards move. Time runs `--speed` times faster for service (default 10).
 * `--attach` adds the devices to a server already started with `npm start`. Also starts a real kiosk
 * agent and a display agent with simulated hardware (`--agent-port`, default 8090 and 8091;
 * `--no-agents` to skip them).
 */
import { localDate } from '@oss/protocol';
import { createRng } from '@oss/queue-server/sim';
import { enroll } from './cli/enroll.ts';
import { loadSiteConfig } from './config/load.ts';
import { type DemoAgent, startDemoAgent, stopDemoAgents } from './demo-agents.ts';
import { readEnv } from './env.ts';
import { createLogger } from './log.ts';
import { connectDevice, type DeviceClient } from './mqtt/device-client.ts';
import { startServer } from './server.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const speed = flag('--speed', 10);
const perMinute = flag('--rate', 6);
const attach = args.includes('--attach');
const withAgents = !args.includes('--no-agents');
const agentPort = flag('--agent-port', 8090);
const rng = createRng(Date.now() % 2 ** 31);
const log = createLogger('demo');

const env = readEnv();
const server = attach ? null : await startServer(env, { log: createLogger('queue-server', 'warn') });
const config = server?.config ?? loadSiteConfig(env.siteConfig);
const site = config.site.id;
const url = server?.mqttUrl ?? `mqtt://127.0.0.1:${env.mqttPort}`;
const devices: DeviceClient[] = [];
const agents: DemoAgent[] = [];
const httpPort = server?.httpPort ?? env.httpPort;

async function device(
  id: string,
  kind: 'kiosk' | 'counter' | 'display',
  counterId?: string,
): Promise<DeviceClient> {
  const creds = enroll([id, kind, ...(counterId ? ['--counter', counterId] : [])], { ...env, mqttUrl: url });
  const d = await connectDevice(url, site, creds, { kind });
  devices.push(d);
  return d;
}

const kiosks = [await device('demo-kiosk-1', 'kiosk'), await device('demo-kiosk-2', 'kiosk')];
const display = await device('demo-display-1', 'display');
await display.client.subscribeAsync(`oss/v1/${site}/calls`, { qos: 1 });
display.client.on('message', (topic, payload) => {
  if (!topic.endsWith('/calls')) return;
  const call = JSON.parse(payload.toString()) as { number: string; counterNumber: number; recall: boolean };
  log.info({ number: call.number, counter: call.counterNumber, recall: call.recall }, 'Mời số … đến quầy …');
});

/** Citizens: Poisson arrivals; about 10 % elderly (by birth date) and 5 % declaring another priority. */
async function citizens(): Promise<void> {
  const services = config.services.filter((s) => s.public !== false);
  const today = localDate(Date.now(), config.site.timezone);
  const declarable = config.priorityClasses.filter((c) => c.declarable && c.minAge === undefined);
  for (let n = 0; !stopping; n++) {
    await sleep(rng.exponential(60_000 / perMinute));
    const service = services[Math.floor(rng.next() ** 1.5 * services.length)]!;
    const procedures = config.procedures.filter((p) => p.serviceId === service.id);
    const r = rng.next();
    const year =
      Number(today.slice(0, 4)) -
      (r < 0.1 ? 62 + Math.floor(rng.next() * 20) : 20 + Math.floor(rng.next() * 38));
    const priority =
      r > 0.95 && declarable.length ? declarable[Math.floor(rng.next() * declarable.length)]!.id : undefined;
    const response = await kiosks[n % kiosks.length]!.request('ticket.issue', {
      serviceId: service.id,
      citizen: { birthDate: `${year}-0${1 + Math.floor(rng.next() * 9)}-1${Math.floor(rng.next() * 9)}` },
      ...(priority ? { priority } : {}),
      ...(procedures.length && rng.next() < 0.7
        ? { procedureId: procedures[Math.floor(rng.next() * procedures.length)]!.id }
        : {}),
    }).catch(() => null);
    if (response?.ok)
      log.info({ number: (response.result.ticket as { number: string }).number }, 'ticket issued');
  }
}

/** An officer at each counter: call, serve for a lognormal time, finish (or no-show), then a rating. */
async function counter(def: (typeof config.counters)[number]): Promise<void> {
  const d = await device(`demo-${def.id}`, 'counter', def.id);
  while (!stopping) {
    const next = await d.request('counter.next', { counterId: def.id }).catch(() => null);
    const ticket = next?.ok ? (next.result.ticket as { id: string; serviceId: string } | null) : null;
    if (!ticket) {
      await sleep(3000);
      continue;
    }
    if (rng.next() < 0.05) {
      await sleep(20_000 / speed);
      await d
        .request('counter.finish', { counterId: def.id, ticketId: ticket.id, outcome: 'no_show' })
        .catch(() => null);
      continue;
    }
    await d.request('counter.start', { counterId: def.id, ticketId: ticket.id }).catch(() => null);
    const mean = config.services.find((s) => s.id === ticket.serviceId)?.meanServiceMinutes ?? 8;
    await sleep((rng.lognormal(mean, 0.6) * 60_000) / speed);
    await d.request('counter.finish', { counterId: def.id, ticketId: ticket.id }).catch(() => null);
    const score = Math.min(5, Math.max(1, Math.round(4.4 + rng.normal() * 0.7)));
    await d.request('rating.submit', { counterId: def.id, ticketId: ticket.id, score }).catch(() => null);
  }
}

if (withAgents) {
  const options = { dataDir: `${env.dataDir}/demo-agents`, serverUrl: `http://127.0.0.1:${httpPort}`, log };
  for (const [id, kind, port] of [
    ['demo-kiosk-agent', 'kiosk', agentPort],
    ['demo-display-agent', 'display', agentPort + 1],
  ] as const)
    agents.push(startDemoAgent(enroll([id, kind], { ...env, mqttUrl: url }), port, options));
}

let stopping = false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const running = [citizens(), ...config.counters.map((c) => counter(c))];
const kioskAgent = agents.find((a) => a.kind === 'kiosk');
const displayAgent = agents.find((a) => a.kind === 'display');
process.stdout.write(
  `\nTrình diễn / Demo: ${config.counters.length} quầy / counters, 2 ki-ốt / kiosks, 1 bảng / display, MQTT ${url}; ~${perMinute} người/phút / citizens/min, tốc độ phục vụ / service speed ×${speed}.\n` +
    `  http://localhost:${httpPort}/  (trạng thái / status)   Ctrl+C: dừng / stop\n` +
    (kioskAgent
      ? `  ${kioskAgent.url}/kiosk  (ki-ốt qua tác tử thiết bị, máy in mô phỏng / kiosk through the device agent, simulated printer)\n` +
        `  ${kioskAgent.url}/sim/printer/last.png  (vé vừa in / the last printed ticket)\n`
      : '') +
    (displayAgent
      ? `  ${displayAgent.url}/display  (bảng hiển thị qua tác tử / display board through the agent)\n`
      : '') +
    '\n',
);

const shutdown = async () => {
  stopping = true;
  await Promise.race([Promise.allSettled(running), sleep(2000)]);
  await Promise.allSettled(devices.map((d) => d.close()));
  await stopDemoAgents(agents);
  await server?.stop();
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
