/**
 * `startAgent(config, options)`: one device agent (kiosk, counter or display profile) with real or
 * simulated hardware. Returns a handle with `stop()` and, with `simulate`, hooks to press buttons,
 * scan text and tap a card: the demo starts N of these from code.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ButtonName,
  CccdChipSimulator,
  type ChipCardReader,
  type CounterDisplay,
  type CounterPanel,
  createChipCardReader,
  createCounterDisplay,
  createCounterPanel,
  createPrinter,
  createScanner,
  type EscPosPrinter,
  monoToPng,
  type PrinterStatus,
  type Scanner,
  type SimulatedCardReader,
  type SimulatedCitizen,
  SimulatedCounterDisplay,
  SimulatedPanel,
  SimulatedPrinterTransport,
  SimulatedScanner,
  sampleCitizen,
} from '@oss/hardware';
import type { AgentToUi, Ticket, UiToAgent } from '@oss/protocol';
import { type Static, Type } from '@sinclair/typebox';
import { SiteCatalog } from './catalog.ts';
import { type AgentConfig, counterIdOf, DEFAULTS } from './config.ts';
import { type CounterButton, CounterProfile, type SatisfactionEstimator } from './counter.ts';
import { CameraEstimator, type ModelsLoader, simulatedCamera } from './emotion.ts';
import { errorReply, type LocalRoute, startHttp } from './http.ts';
import { KioskProfile } from './kiosk.ts';
import { LeaseKeeper } from './leases.ts';
import { ServerLink } from './link.ts';
import { type AgentLogger, createLogger } from './log.ts';
import { CallAnnouncer, type ClipPlayer, CommandPlayer, SimulatedPlayer } from './speech.ts';
import { AgentStore } from './store.ts';
import { UiHub, uiError } from './ui.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_UI_DIST = resolve(HERE, '..', '..', 'kiosk-ui', 'dist');
export const DEFAULT_CLIPS_DIR = resolve(HERE, '..', 'audio', 'vi');

export interface StartOptions {
  /** Simulated printer, scanner, card reader, buttons, counter display and audio. */
  simulate?: boolean;
  log?: AgentLogger;
  /** Overrides of the config file (tests, the demo). */
  port?: number;
  dataDir?: string;
  player?: ClipPlayer;
  estimator?: SatisfactionEstimator;
  /** How the counter camera's estimator loads @oss/models (tests inject a failing one). */
  loadModels?: ModelsLoader;
  /** Milliseconds a `ticket.issue` may wait for the server before the lease is used (default 3000). */
  issueTimeoutMs?: number;
}

export interface SimulatedHardware {
  printer: SimulatedPrinterTransport | null;
  scanner: SimulatedScanner | null;
  cardReader: SimulatedCardReader | null;
  panel: SimulatedPanel | null;
  display: SimulatedCounterDisplay | null;
  player: SimulatedPlayer | null;
}

/** What `--simulate` lets code (and `POST /sim/*` on 127.0.0.1) do to the simulated devices. */
export interface SimHooks {
  scan(text: string): void;
  scanRaw(bytes: Uint8Array): void;
  /** Puts a simulated CCCD on the reader (the sample citizen by default). */
  tapCard(citizen?: SimulatedCitizen): void;
  removeCard(): void;
  press(button: ButtonName | CounterButton): Promise<void>;
  /** Changes the simulated printer's state (paper out, cover open…). */
  printer(status: Partial<PrinterStatus>): void;
  /** The last ticket the simulated printer printed, decoded back from its bytes, as a PNG. */
  lastPrintPng(): Buffer | null;
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

const PANEL_NAMES: Record<string, CounterButton> = {
  noShow: 'no-show',
  rating1: 'rate-1',
  rating2: 'rate-2',
  rating3: 'rate-3',
  rating4: 'rate-4',
  rating5: 'rate-5',
};

/** The CCCD QR text of a (simulated) citizen: `id||name|ddmmyyyy|Nam|address|ddmmyyyy`. */
export function qrTextOf(c: SimulatedCitizen = sampleCitizen()): string {
  const d = (iso: string) => iso.split('-').reverse().join('');
  return [
    c.idNumber,
    '',
    c.fullName,
    d(c.birthDate),
    c.gender === 'female' ? 'Nữ' : 'Nam',
    c.placeOfResidence,
    d(c.issueDate),
  ].join('|');
}

export async function startAgent(config: AgentConfig, options: StartOptions = {}): Promise<AgentHandle> {
  const log = options.log ?? createLogger(`agent:${config.device.id}`);
  const simulate = options.simulate ?? false;
  const kind = config.device.kind;
  const hw = config.hardware ?? {};
  const timeZone = config.timeZone ?? DEFAULTS.timeZone;
  const dataDir = options.dataDir ?? config.dataDir ?? DEFAULTS.dataDir;
  const store = AgentStore.open(dataDir);
  const cleanups: (() => Promise<void> | void)[] = [() => store.close()];
  const runCleanups = async () => {
    for (const c of cleanups.splice(0)) {
      try {
        await c();
      } catch (e) {
        log.warn({ err: String(e) }, 'cleanup failed');
      }
    }
  };

  try {
    const counterId = counterIdOf(config);
    const link = new ServerLink({
      site: config.device.site,
      deviceId: config.device.id,
      kind,
      mqttUrl: config.credentials.mqttUrl,
      username: config.credentials.username,
      password: config.credentials.password,
      store,
      log,
      requestTimeoutMs: config.mqtt?.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      retries: config.mqtt?.retries ?? DEFAULTS.retries,
      reconnectMs: config.mqtt?.reconnectMs ?? DEFAULTS.reconnectMs,
      ...(counterId ? { statusExtra: { counterId } } : {}),
    });
    cleanups.unshift(() => link.stop());
    const catalog = new SiteCatalog(config.serverUrl, store, log);
    const ui = new UiHub();
    const sim: SimulatedHardware = {
      printer: null,
      scanner: null,
      cardReader: null,
      panel: null,
      display: null,
      player: null,
    };
    const opened = async <T>(what: string, open: () => T | Promise<T>): Promise<T | null> => {
      try {
        return await open();
      } catch (e) {
        log.error({ device: what, err: (e as Error).message }, 'device not available; continuing without it');
        return null;
      }
    };

    // ---- hardware, by profile
    let printer: EscPosPrinter | null = null;
    let scanner: Scanner | null = null;
    let cardReader: ChipCardReader | null = null;
    let panel: CounterPanel | null = null;
    let display: CounterDisplay | null = null;
    let player: ClipPlayer | null = null;
    if (kind === 'kiosk') {
      const p = hw.printer;
      if (simulate || (p && p.driver !== 'none')) {
        printer = await opened('printer', () =>
          createPrinter({
            paper: p?.paper ?? '80mm',
            ...(p?.statusTimeoutMs ? { statusTimeoutMs: p.statusTimeoutMs } : {}),
            transport:
              simulate || !p || p.driver === 'simulator'
                ? { kind: 'simulator' }
                : p.driver === 'tcp'
                  ? { kind: 'tcp', host: p.host!, ...(p.port ? { port: p.port } : {}) }
                  : p.driver === 'serial'
                    ? { kind: 'serial', path: p.path!, ...(p.baudRate ? { baudRate: p.baudRate } : {}) }
                    : { kind: 'file', path: p.path! },
          }),
        );
        if (printer?.transport instanceof SimulatedPrinterTransport) sim.printer = printer.transport;
        if (printer) cleanups.unshift(() => printer!.close());
      }
      const s = hw.scanner;
      if (simulate || (s && s.driver !== 'none')) {
        scanner = await opened('scanner', () =>
          createScanner(
            simulate || !s || s.driver === 'simulator'
              ? { kind: 'simulator' }
              : s.driver === 'serial'
                ? { kind: 'serial', path: s.path!, ...(s.baudRate ? { baudRate: s.baudRate } : {}) }
                : s.driver === 'evdev'
                  ? { kind: 'evdev', path: s.path! }
                  : s.path
                    ? { kind: 'hid', path: s.path }
                    : { kind: 'hid', vendorId: s.vendorId!, productId: s.productId! },
          ),
        );
        if (scanner instanceof SimulatedScanner) sim.scanner = scanner;
        if (scanner) cleanups.unshift(() => scanner!.close());
      }
      const r = hw.cardReader;
      if (simulate || (r && r.driver !== 'none')) {
        cardReader = await opened('cardReader', () =>
          createChipCardReader(
            simulate || !r || r.driver === 'simulator'
              ? { kind: 'simulator' }
              : { kind: 'pcsc', ...(r.prefer ? { prefer: r.prefer } : {}) },
          ),
        );
        if (cardReader && 'insert' in cardReader) sim.cardReader = cardReader as SimulatedCardReader;
        if (cardReader) cleanups.unshift(() => cardReader!.close());
      }
    }
    if (kind === 'counter') {
      const g = hw.gpio;
      if (simulate || (g && g.driver !== 'none')) {
        const leds = g?.leds ?? {};
        panel = await opened('gpio', () =>
          simulate || !g || g.driver === 'simulator'
            ? createCounterPanel({ kind: 'simulator', leds: ['serving', 'rateNow', ...Object.keys(leds)] })
            : createCounterPanel({
                kind: 'gpio',
                buttons: g.buttons ?? {},
                leds,
                ...(g.debounceMs !== undefined ? { debounceMs: g.debounceMs } : {}),
                ...(g.activeLow !== undefined ? { activeLow: g.activeLow } : {}),
              }),
        );
        if (panel instanceof SimulatedPanel) sim.panel = panel;
        if (panel) cleanups.unshift(() => panel!.close());
      }
      const d = hw.counterDisplay;
      if (simulate || (d && d.driver !== 'none')) {
        display = await opened('counterDisplay', () =>
          createCounterDisplay(
            simulate || !d || d.driver === 'simulator'
              ? { kind: 'simulator' }
              : { kind: 'serial', path: d.path!, ...(d.baudRate ? { baudRate: d.baudRate } : {}) },
          ),
        );
        if (display instanceof SimulatedCounterDisplay) sim.display = display;
        if (display) cleanups.unshift(() => display!.close());
      }
    }
    if (kind === 'display') {
      const a = hw.audio;
      if (options.player) player = options.player;
      else if (simulate || !a || a.driver === 'simulator') player = sim.player = new SimulatedPlayer(1);
      else if (a.driver !== 'none')
        player = new CommandPlayer(a.driver, a.clipsDir ?? DEFAULT_CLIPS_DIR, log, a.device);
      if (options.player instanceof SimulatedPlayer) sim.player = options.player;
      if (player?.close) cleanups.unshift(() => player!.close!());
    }

    // ---- profiles
    const leases =
      kind === 'kiosk'
        ? new LeaseKeeper({
            link,
            store,
            catalog,
            timeZone,
            size: config.offline?.leaseSize ?? DEFAULTS.leaseSize,
            renewBelow: config.offline?.renewBelow ?? DEFAULTS.renewBelow,
            log,
          })
        : null;
    const trustAnchors = (hw.cardReader?.trustAnchors ?? []).map((f) => readFileSync(f));
    const kiosk =
      kind === 'kiosk'
        ? new KioskProfile({
            link,
            catalog,
            leases: leases!,
            ui,
            log,
            serverUrl: config.serverUrl,
            site: config.device.site,
            printer,
            scanner,
            cardReader,
            trustAnchors,
            idleMs: config.session?.idleMs ?? DEFAULTS.idleMs,
            issueTimeoutMs: options.issueTimeoutMs ?? DEFAULTS.requestTimeoutMs,
          })
        : null;
    if (kiosk) cleanups.unshift(() => kiosk.close());
    const fetchTicket = async (id: string): Promise<Ticket | null> => {
      const answer = await catalog.get(`/api/tickets/${encodeURIComponent(id)}`);
      if (answer.status === 404) return null;
      if (answer.status !== 200) throw new Error(`ticket lookup failed: HTTP ${answer.status}`);
      return (JSON.parse(answer.body) as { ticket: Ticket }).ticket ?? null;
    };
    // The counter camera: the model and the camera start with the first service, not here.
    const cameraConfig = hw.camera && hw.camera.driver !== 'none' ? hw.camera : null;
    const estimator =
      options.estimator ??
      (kind === 'counter' && cameraConfig
        ? new CameraEstimator({
            camera: simulate ? simulatedCamera(cameraConfig) : cameraConfig,
            log,
            ...(options.loadModels ? { loadModels: options.loadModels } : {}),
          })
        : undefined);
    const counter =
      kind === 'counter' && counterId
        ? new CounterProfile({
            counterId,
            link,
            ui,
            log,
            panel,
            display,
            fetchTicket,
            store,
            ...(estimator ? { estimator } : {}),
          })
        : null;
    if (counter) cleanups.unshift(() => counter.close());
    const announcer = player ? new CallAnnouncer(player, log) : null;

    // ---- server events → apps and devices
    let lastQueue: AgentToUi | null = null;
    link.on('queue', (summary) => {
      lastQueue = { type: 'queue', summary };
      ui.broadcast(lastQueue);
    });
    link.on('call', (call) => {
      ui.broadcast({ type: 'call', call });
      if (announcer) void announcer.announce(call.number, call.counterNumber);
    });
    link.on('online', (online) => {
      ui.broadcast({ type: 'connection', online });
      if (online) {
        void catalog.refresh().then(() => leases?.topUp());
        void kiosk?.checkPrinter();
      }
    });
    link.on('command', ({ name }) => log.info({ command: name }, 'command received (none handled yet)'));

    // A ticket leaves ~200 KB of Buffers (dots, ESC/POS job) that V8 frees only at its next full
    // GC, which a 48 MB heap rarely needs: with `node --expose-gc` (the systemd unit's flags), one
    // full GC 2 s after the last ticket of a burst gives that memory back.
    const gc = (globalThis as { gc?: () => void }).gc;
    let gcTimer: NodeJS.Timeout | null = null;
    const collectWhenIdle = () => {
      if (!gc) return;
      if (gcTimer) clearTimeout(gcTimer);
      gcTimer = setTimeout(() => {
        gcTimer = null;
        gc();
      }, 2000);
      gcTimer.unref();
    };
    cleanups.unshift(() => {
      if (gcTimer) clearTimeout(gcTimer);
    });

    // ---- local HTTP + WebSocket
    const handle = async (message: UiToAgent, reply: (m: AgentToUi) => void): Promise<void> => {
      const unsupported = () =>
        reply(
          uiError('requestId' in message ? message.requestId : null, 'unsupported', {
            vi: `Thiết bị ${kind} không hỗ trợ "${message.type}"`,
            en: `A ${kind} device does not support "${message.type}"`,
          }),
        );
      switch (message.type) {
        case 'ticket.issue':
          if (!kiosk) return unsupported();
          try {
            reply(await kiosk.issue(message));
            collectWhenIdle();
          } catch (e) {
            log.error({ err: String(e) }, 'ticket issue failed');
            reply(uiError(message.requestId, 'internal', { vi: 'Lỗi thiết bị', en: 'Device error' }));
          }
          return;
        case 'cccd.read':
          if (!kiosk) return unsupported();
          return kiosk.readChip(message.requestId, message.expiryDate, reply);
        case 'session.clear':
          kiosk?.clearSession();
          return;
        case 'counter.button':
          if (!counter) return unsupported();
          return counter.press(message.button, null, reply);
      }
    };
    const hooks: SimHooks = {
      scan: (text) => sim.scanner?.scan(text),
      scanRaw: (bytes) => sim.scanner?.pushRaw(bytes),
      tapCard: (citizen) =>
        sim.cardReader?.insert(new CccdChipSimulator({ citizen: citizen ?? sampleCitizen() })),
      removeCard: () => sim.cardReader?.remove(),
      press: async (button) => {
        if (counter) await counter.press((PANEL_NAMES[button] ?? button) as CounterButton, null);
      },
      printer: (status) => {
        if (sim.printer) sim.printer.status = { ...sim.printer.status, ...status };
        void kiosk?.checkPrinter();
      },
      lastPrintPng: () => {
        const job = sim.printer?.lastJob();
        return job ? monoToPng(job.image) : null;
      },
    };
    const hardwareFlags = {
      printer: printer !== null,
      scanner: scanner !== null,
      cardReader: cardReader !== null,
    };
    const agentInfo = () => ({
      deviceId: config.device.id,
      kind,
      site: config.device.site,
      serverUrl: config.serverUrl,
      ...(counterId ? { counterId } : {}),
    });
    const http = await startHttp({
      host: config.http?.host ?? DEFAULTS.host,
      port: options.port ?? config.http?.port ?? DEFAULTS.port,
      uiDist: config.http?.uiDist ?? DEFAULT_UI_DIST,
      kind,
      agentInfo,
      catalog,
      log,
      ...(simulate ? { routes: simRoutes(hooks) } : {}),
      health: () => {
        const m = process.memoryUsage();
        const mb = (x: number) => Math.round(x / 104857.6) / 10;
        return {
          online: link.connected,
          outbox: store.pendingCount(),
          memoryMb: {
            rss: mb(m.rss),
            heapUsed: mb(m.heapUsed),
            heapTotal: mb(m.heapTotal),
            external: mb(m.external),
          },
        };
      },
      connect: (send) => {
        const remove = ui.add({ send });
        send({
          type: 'hello',
          deviceId: config.device.id,
          kind,
          site: config.device.site,
          serverUrl: config.serverUrl,
          ...(counterId ? { counterId } : {}),
          hardware: hardwareFlags,
        });
        send({ type: 'connection', online: link.connected });
        for (const m of [...(kiosk?.greeting() ?? []), ...(counter?.greeting() ?? [])]) send(m);
        if (lastQueue) send(lastQueue);
        return {
          onMessage: (m) => {
            void handle(m, send).catch((e: unknown) => log.error({ err: String(e) }, 'UI message failed'));
          },
          close: remove,
        };
      },
    });
    cleanups.unshift(() => http.close());

    // Paper running low shows up without waiting for the next ticket.
    if (kiosk && printer) {
      const poll = setInterval(() => void kiosk.checkPrinter(), 30_000);
      poll.unref();
      cleanups.unshift(() => clearInterval(poll));
    }
    leases?.start();
    if (leases) cleanups.unshift(() => leases.stop());
    link.start();
    void catalog.refresh();
    log.info({ kind, port: http.port, simulate }, 'device agent started');

    let stopping: Promise<void> | null = null;
    return {
      config,
      port: http.port,
      url: `http://${config.http?.host ?? DEFAULTS.host}:${http.port}`,
      link,
      store,
      ui,
      kiosk,
      counter,
      announcer,
      leases,
      catalog,
      sim,
      ...hooks,
      handle,
      stop: () => {
        stopping ??= runCleanups();
        return stopping;
      },
    };
  } catch (e) {
    await runCleanups();
    throw e;
  }
}

const BUTTON_NAMES = new Set<string>([
  'next',
  'recall',
  'noShow',
  'no-show',
  ...[1, 2, 3, 4, 5].flatMap((n) => [`rating${n}`, `rate-${n}`]),
]);

/** `--simulate` only: the hooks over HTTP, for trying the apps by hand (curl -XPOST …/sim/card). */
function simRoutes(hooks: SimHooks): LocalRoute[] {
  const ok = (extra: Record<string, unknown> = {}) => ({ body: { ok: true, ...extra } });
  return [
    {
      method: 'POST',
      path: '/sim/scan',
      body: SimScanBody,
      handler: ({ body }) => {
        hooks.scan((body as Static<typeof SimScanBody>).text);
        return ok();
      },
    },
    {
      method: 'POST',
      path: '/sim/card',
      handler: () => {
        hooks.tapCard();
        return ok({ qr: qrTextOf() });
      },
    },
    {
      method: 'DELETE',
      path: '/sim/card',
      handler: () => {
        hooks.removeCard();
        return ok();
      },
    },
    {
      method: 'POST',
      path: '/sim/button/:name',
      handler: async ({ params }) => {
        const name = params.name!;
        if (!BUTTON_NAMES.has(name))
          return errorReply(400, 'invalid_request', {
            vi: `Không có nút ${name}`,
            en: `Unknown button ${name}`,
          });
        await hooks.press(name as ButtonName);
        return ok();
      },
    },
    {
      method: 'GET',
      path: '/sim/printer/last.png',
      handler: () => {
        const png = hooks.lastPrintPng();
        return png
          ? { type: 'image/png', headers: { 'cache-control': 'no-store' }, body: png }
          : errorReply(404, 'not_found', { vi: 'Chưa in vé nào', en: 'Nothing printed yet' });
      },
    },
    {
      method: 'POST',
      path: '/sim/printer',
      body: SimPrinterBody,
      handler: ({ body }) => {
        hooks.printer(body as Static<typeof SimPrinterBody>);
        return ok();
      },
    },
  ];
}

const SimScanBody = Type.Object({ text: Type.String({ maxLength: 4096 }) }, { additionalProperties: false });
const SimPrinterBody = Type.Partial(
  Type.Object({
    paperOut: Type.Boolean(),
    paperNearEnd: Type.Boolean(),
    coverOpen: Type.Boolean(),
    online: Type.Boolean(),
  }),
  { additionalProperties: false },
);
