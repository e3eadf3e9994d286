/**
 * `startAgent(config, options)`: one device agent (kiosk, counter or display profile) with real or
 * simulated hardware. It is built of components started in this order and stopped in reverse
 * (lifecycle.ts): the SQLite store, the profile's devices (devices.ts), the profile (profiles.ts),
 * the relay of server events to the apps, the local HTTP/WebSocket server, and last the MQTT link.
 * Returns a handle with `stop()` and, with `simulate`, hooks to press buttons, scan text and tap a
 * card (sim.ts): the demo starts N of these from code.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentToUi, UiToAgent } from '@oss/protocol';
import { SiteCatalog } from './catalog.ts';
import { type AgentConfig, counterIdOf, DEFAULTS } from './config.ts';
import type { CounterProfile } from './counter.ts';
import { type DeviceOverrides, type Devices, openDevices } from './devices.ts';
import { startHttp } from './http.ts';
import type { KioskProfile } from './kiosk.ts';
import type { LeaseKeeper } from './leases.ts';
import { type Component, Lifecycle } from './lifecycle.ts';
import { ServerLink } from './link.ts';
import { type AgentLogger, createLogger } from './log.ts';
import { IdleCollector, type Profiles, startProfile, uiMessageHandler } from './profiles.ts';
import { type SimHooks, type SimulatedHardware, simHooks, simRoutes, simulatedHardware } from './sim.ts';
import type { CallAnnouncer } from './speech.ts';
import { AgentStore } from './store.ts';
import { UiHub } from './ui.ts';

export const DEFAULT_UI_DIST = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'kiosk-ui',
  'dist',
);

export interface StartOptions extends DeviceOverrides {
  /** Simulated printer, scanner, card reader, buttons, counter display, audio and camera. */
  simulate?: boolean;
  log?: AgentLogger;
  /** Overrides of the config file (tests, the demo). */
  port?: number;
  dataDir?: string;
  /** Milliseconds a `ticket.issue` may wait for the server before the lease is used (default 3000). */
  issueTimeoutMs?: number;
}

export interface AgentHandle extends SimHooks {
  config: AgentConfig;
  /** Local HTTP/WebSocket port. */
  port: number;
  url: string;
  link: ServerLink;
  store: AgentStore;
  ui: UiHub;
  kiosk: KioskProfile | null;
  counter: CounterProfile | null;
  announcer: CallAnnouncer | null;
  leases: LeaseKeeper | null;
  catalog: SiteCatalog;
  /** The simulated devices (all null without `simulate`). */
  sim: SimulatedHardware;
  /** Handles a UI message as if it came over the WebSocket; replies go to `reply`. */
  handle(message: UiToAgent, reply: (m: AgentToUi) => void): Promise<void>;
  stop(): Promise<void>;
}

export async function startAgent(config: AgentConfig, options: StartOptions = {}): Promise<AgentHandle> {
  const log = options.log ?? createLogger(`agent:${config.device.id}`);
  const simulate = options.simulate ?? false;
  const kind = config.device.kind;
  const store = AgentStore.open(options.dataDir ?? config.dataDir ?? DEFAULTS.dataDir);
  const lifecycle = new Lifecycle(log);
  try {
    await lifecycle.start({ name: 'store', stop: () => store.close() });
    const link = new ServerLink(linkOptions(config, store, log));
    const catalog = new SiteCatalog(config.serverUrl, store, log);
    const ui = new UiHub();
    const devices = await openDevices(
      kind,
      { hardware: config.hardware ?? {}, simulate, log, lifecycle },
      options,
    );
    const profiles = await startProfile(kind, devices, {
      config,
      link,
      store,
      catalog,
      ui,
      log,
      lifecycle,
      issueTimeoutMs: options.issueTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    });
    const relay = await lifecycle.start(new ServerEvents(link, ui, catalog, profiles, log));
    const idle = await lifecycle.start(new IdleCollector());
    const handle = uiMessageHandler(kind, profiles, log, () => idle.collectWhenIdle());
    const sim = simulatedHardware(devices);
    const hooks = simHooks(sim, profiles.kiosk, profiles.counter);
    const http = await startHttp({
      host: config.http?.host ?? DEFAULTS.host,
      port: options.port ?? config.http?.port ?? DEFAULTS.port,
      uiDist: config.http?.uiDist ?? DEFAULT_UI_DIST,
      kind,
      agentInfo: () => identityOf(config),
      catalog,
      log,
      ...(simulate ? { routes: simRoutes(hooks) } : {}),
      health: () => ({ online: link.connected, outbox: store.pendingCount(), memoryMb: memoryMb() }),
      connect: (send) => {
        const remove = ui.add({ send });
        for (const m of greeting(config, devices, link, profiles, relay)) send(m);
        return {
          onMessage: (m) => {
            void handle(m, send).catch((e: unknown) => log.error({ err: String(e) }, 'UI message failed'));
          },
          close: remove,
        };
      },
    });
    await lifecycle.start({ name: 'http', stop: () => http.close() });
    await lifecycle.start({
      name: 'link',
      start: () => {
        link.start();
        void catalog.refresh();
      },
      stop: () => link.stop(),
    });
    log.info({ kind, port: http.port, simulate }, 'device agent started');

    let stopping: Promise<void> | null = null;
    return {
      config,
      port: http.port,
      url: `http://${config.http?.host ?? DEFAULTS.host}:${http.port}`,
      link,
      store,
      ui,
      ...profiles,
      catalog,
      sim,
      ...hooks,
      handle,
      stop: () => {
        stopping ??= lifecycle.stop();
        return stopping;
      },
    };
  } catch (e) {
    await lifecycle.stop();
    throw e;
  }
}

/** Who this agent is: `/agent.json` and the `hello` to each app. */
function identityOf(config: AgentConfig) {
  const counterId = counterIdOf(config);
  return {
    deviceId: config.device.id,
    kind: config.device.kind,
    site: config.device.site,
    serverUrl: config.serverUrl,
    ...(counterId ? { counterId } : {}),
  };
}

/** What an app gets when it connects: who this is and what it has, the link, the profile's state, the queue. */
function greeting(
  config: AgentConfig,
  devices: Devices,
  link: ServerLink,
  { kiosk, counter }: Profiles,
  relay: ServerEvents,
): AgentToUi[] {
  const hardware = {
    printer: devices.printer !== null,
    scanner: devices.scanner !== null,
    cardReader: devices.cardReader !== null,
  };
  return [
    { type: 'hello', ...identityOf(config), hardware },
    { type: 'connection', online: link.connected },
    ...(kiosk?.greeting() ?? []),
    ...(counter?.greeting() ?? []),
    ...(relay.lastQueue ? [relay.lastQueue] : []),
  ];
}

function linkOptions(config: AgentConfig, store: AgentStore, log: AgentLogger) {
  const counterId = counterIdOf(config);
  return {
    site: config.device.site,
    deviceId: config.device.id,
    kind: config.device.kind,
    mqttUrl: config.credentials.mqttUrl,
    username: config.credentials.username,
    password: config.credentials.password,
    store,
    log,
    requestTimeoutMs: config.mqtt?.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    retries: config.mqtt?.retries ?? DEFAULTS.retries,
    reconnectMs: config.mqtt?.reconnectMs ?? DEFAULTS.reconnectMs,
    ...(counterId ? { statusExtra: { counterId } } : {}),
  };
}

/** The server's calls, queue summaries and connection state, to the apps and the profile's devices. */
class ServerEvents implements Component {
  readonly name = 'server-events';
  /** The last queue summary, for apps that connect later. */
  lastQueue: AgentToUi | null = null;
  private unsubscribe: (() => void)[] = [];

  constructor(
    private readonly link: ServerLink,
    private readonly ui: UiHub,
    private readonly catalog: SiteCatalog,
    private readonly profiles: Profiles,
    private readonly log: AgentLogger,
  ) {}

  start(): void {
    const { link, ui, catalog } = this;
    const { kiosk, leases, announcer } = this.profiles;
    this.unsubscribe = [
      link.on('queue', (summary) => {
        this.lastQueue = { type: 'queue', summary };
        ui.broadcast(this.lastQueue);
      }),
      link.on('call', (call) => {
        ui.broadcast({ type: 'call', call });
        if (announcer) void announcer.announce(call.number, call.counterNumber);
      }),
      link.on('online', (online) => {
        ui.broadcast({ type: 'connection', online });
        if (online) {
          void catalog.refresh().then(() => leases?.topUp());
          void kiosk?.checkPrinter();
        }
      }),
      link.on('command', ({ name }) =>
        this.log.info({ command: name }, 'command received (none handled yet)'),
      ),
    ];
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }
}

/** The process's memory for `/health`, in MB with one decimal. */
function memoryMb() {
  const m = process.memoryUsage();
  const mb = (x: number) => Math.round(x / 104857.6) / 10;
  return { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) };
}
