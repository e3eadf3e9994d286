/**
 * The devices of each profile, opened from the config's hardware sections: a kiosk has a printer,
 * a scanner and a card reader; a counter buttons and LEDs, a counter display and a camera; a
 * display a clip player. With `--simulate` each device of the profile is its simulator (one
 * configured `none` too). A device that cannot be opened is logged and the agent runs without it.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ChipCardReader,
  type CounterDisplay,
  type CounterPanel,
  type CounterPanelConfig,
  createChipCardReader,
  createCounterDisplay,
  createCounterPanel,
  createPrinter,
  createScanner,
  type EscPosPrinter,
  type PaperWidth,
  type PrinterConfig,
  type PrinterTransportConfig,
  type Scanner,
  type ScannerConfig,
} from '@oss/hardware';
import type { DeviceKind } from '@oss/protocol';
import type { CameraConfig, HardwareConfig } from './config.ts';
import type { SatisfactionEstimator } from './counter.ts';
import { CameraEstimator, type ModelsLoader, simulatedCamera } from './emotion.ts';
import type { Component, Lifecycle } from './lifecycle.ts';
import type { AgentLogger } from './log.ts';
import { type ClipPlayer, CommandPlayer, SimulatedPlayer } from './speech.ts';

export const DEFAULT_CLIPS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'audio', 'vi');

/** Every device an agent may have; those of other profiles, and those that did not open, are null. */
export interface Devices {
  printer: EscPosPrinter | null;
  scanner: Scanner | null;
  cardReader: ChipCardReader | null;
  panel: CounterPanel | null;
  display: CounterDisplay | null;
  /** The counter camera's estimator (none without a camera). */
  estimator: SatisfactionEstimator | undefined;
  player: ClipPlayer | null;
}

/** Devices given instead of the configured ones (tests, the demo). */
export interface DeviceOverrides {
  player?: ClipPlayer;
  estimator?: SatisfactionEstimator;
  /** How the counter camera's estimator loads @oss/models (tests inject a failing one). */
  loadModels?: ModelsLoader;
}

export interface DeviceContext {
  hardware: HardwareConfig;
  simulate: boolean;
  log: AgentLogger;
  /** Each device opened is started here, so that it is closed when the agent stops. */
  lifecycle: Lifecycle;
}

const NO_DEVICES: Devices = {
  printer: null,
  scanner: null,
  cardReader: null,
  panel: null,
  display: null,
  estimator: undefined,
  player: null,
};

export async function openDevices(
  kind: DeviceKind,
  context: DeviceContext,
  overrides: DeviceOverrides = {},
): Promise<Devices> {
  const { hardware: hw, simulate } = context;
  const open = async <C, T extends Closable>(
    name: string,
    config: C | null,
    create: (c: C) => T | Promise<T>,
  ) =>
    config === null
      ? null
      : (await context.lifecycle.start(new Device(name, () => create(config), context.log))).device;
  switch (kind) {
    case 'kiosk':
      return {
        ...NO_DEVICES,
        printer: await open('printer', printerConfig(hw.printer, simulate), createPrinter),
        scanner: await open('scanner', factoryConfig(hw.scanner, simulate, scannerOf), createScanner),
        cardReader: await open(
          'cardReader',
          factoryConfig(hw.cardReader, simulate, (r) => ({ kind: 'pcsc' as const, prefer: r.prefer })),
          createChipCardReader,
        ),
      };
    case 'counter':
      return {
        ...NO_DEVICES,
        panel: await open('gpio', panelConfig(hw.gpio, simulate), createCounterPanel),
        display: await open(
          'counterDisplay',
          factoryConfig(hw.counterDisplay, simulate, serial),
          createCounterDisplay,
        ),
        estimator: overrides.estimator ?? cameraEstimator(hw.camera, context, overrides.loadModels),
      };
    case 'display': {
      const player = overrides.player ?? playerOf(hw.audio, context);
      if (player) await context.lifecycle.start({ name: 'audio', stop: () => player.close?.() });
      return { ...NO_DEVICES, player };
    }
  }
}

interface Closable {
  close?(): unknown;
}

/** A device as a component: opened on start (a failure is logged and leaves it null), closed on stop. */
class Device<T extends Closable> implements Component {
  device: T | null = null;

  constructor(
    readonly name: string,
    private readonly create: () => T | Promise<T>,
    private readonly log: AgentLogger,
  ) {}

  async start(): Promise<void> {
    try {
      this.device = await this.create();
    } catch (e) {
      this.log.error(
        { device: this.name, err: (e as Error).message },
        'device not available; continuing without it',
      );
    }
  }

  async stop(): Promise<void> {
    await this.device?.close?.();
  }
}

type Section<K extends keyof HardwareConfig> = NonNullable<HardwareConfig[K]>;
type Real<S> = Exclude<S, { driver: 'none' | 'simulator' }>;

/**
 * What to open for a section: nothing (absent or `none`), the simulator (`driver: simulator`, or
 * any section under `--simulate`), or the section of a real driver.
 */
function chosen<S extends { driver: string }>(
  section: S | undefined,
  simulate: boolean,
): Real<S> | 'simulator' | null {
  if (simulate || section?.driver === 'simulator') return 'simulator';
  return !section || section.driver === 'none' ? null : (section as Real<S>);
}

function printerConfig(section: Section<'printer'> | undefined, simulate: boolean): PrinterConfig | null {
  const p = chosen(section, simulate);
  if (p === null) return null;
  // The paper width and status timeout hold for the simulator too.
  const settings: { paper?: PaperWidth; statusTimeoutMs?: number } =
    section && section.driver !== 'none' ? section : {};
  return {
    paper: settings.paper ?? '80mm',
    ...(settings.statusTimeoutMs ? { statusTimeoutMs: settings.statusTimeoutMs } : {}),
    transport: p === 'simulator' ? { kind: 'simulator' } : printerTransport(p),
  };
}

function printerTransport(p: Real<Section<'printer'>>): PrinterTransportConfig {
  switch (p.driver) {
    case 'file':
      return { kind: 'file', path: p.path };
    case 'serial':
      return serial(p);
    case 'tcp':
      return { kind: 'tcp', host: p.host, ...(p.port ? { port: p.port } : {}) };
  }
}

/** A serial port's settings (each factory has its default baud rate). */
const serial = (s: { path: string; baudRate?: number }) => ({
  kind: 'serial' as const,
  path: s.path,
  baudRate: s.baudRate,
});

/** A device's factory config: none (absent or `none`), its simulator's, or that of a real driver. */
function factoryConfig<S extends { driver: string }, C>(
  section: S | undefined,
  simulate: boolean,
  real: (s: Real<S>) => C,
): C | { kind: 'simulator' } | null {
  const s = chosen(section, simulate);
  return s === null ? null : s === 'simulator' ? { kind: 'simulator' } : real(s);
}

function scannerOf(s: Real<Section<'scanner'>>): ScannerConfig {
  switch (s.driver) {
    case 'serial':
      return serial(s);
    case 'evdev':
      return { kind: 'evdev', path: s.path };
    case 'hid':
      return 'path' in s
        ? { kind: 'hid', path: s.path }
        : { kind: 'hid', vendorId: s.vendorId, productId: s.productId };
  }
}

function panelConfig(section: Section<'gpio'> | undefined, simulate: boolean): CounterPanelConfig | null {
  const g = chosen(section, simulate);
  if (g === null) return null;
  if (g === 'simulator') {
    const leds = section && section.driver !== 'none' ? Object.keys(section.leds ?? {}) : [];
    return { kind: 'simulator', leds: ['serving', 'rateNow', ...leds] };
  }
  return {
    kind: 'gpio',
    buttons: g.buttons ?? {},
    leds: g.leds ?? {},
    ...(g.debounceMs !== undefined ? { debounceMs: g.debounceMs } : {}),
    ...(g.activeLow !== undefined ? { activeLow: g.activeLow } : {}),
  };
}

/** The counter camera: the model and the camera start with the first service, not here. */
function cameraEstimator(
  section: Section<'camera'> | undefined,
  { simulate, log }: DeviceContext,
  loadModels: ModelsLoader | undefined,
): SatisfactionEstimator | undefined {
  if (!section || section.driver === 'none') return undefined;
  const camera: CameraConfig = simulate ? simulatedCamera(section) : section;
  return new CameraEstimator({ camera, log, ...(loadModels ? { loadModels } : {}) });
}

/** The display's voice; without an audio section it is simulated (it only records what it would play). */
function playerOf(
  section: Section<'audio'> | undefined,
  { simulate, log }: DeviceContext,
): ClipPlayer | null {
  if (simulate || !section || section.driver === 'simulator') return new SimulatedPlayer(1);
  if (section.driver === 'none') return null;
  return new CommandPlayer(section.driver, section.clipsDir ?? DEFAULT_CLIPS_DIR, log, section.device);
}
