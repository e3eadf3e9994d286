/**
 * The profile of each device kind, built on its devices: the kiosk (tickets, with its leased
 * numbers for offline issuing), the counter, the display's call announcer. Each part is a
 * component (lifecycle.ts). `uiMessageHandler` sends the apps' messages to the profile.
 */

import { readFileSync } from 'node:fs';
import type { AgentToUi, DeviceKind, Ticket, UiToAgent } from '@oss/protocol';
import type { SiteCatalog } from './catalog.ts';
import { type AgentConfig, counterIdOf, DEFAULTS } from './config.ts';
import { CounterProfile } from './counter.ts';
import type { Devices } from './devices.ts';
import { KioskProfile } from './kiosk.ts';
import { LeaseKeeper } from './leases.ts';
import type { Component, Lifecycle } from './lifecycle.ts';
import type { ServerLink } from './link.ts';
import type { AgentLogger } from './log.ts';
import { CallAnnouncer } from './speech.ts';
import type { AgentStore } from './store.ts';
import { type UiHub, uiError } from './ui.ts';

export interface Profiles {
  kiosk: KioskProfile | null;
  leases: LeaseKeeper | null;
  counter: CounterProfile | null;
  announcer: CallAnnouncer | null;
}

export interface ProfileContext {
  config: AgentConfig;
  link: ServerLink;
  store: AgentStore;
  catalog: SiteCatalog;
  ui: UiHub;
  log: AgentLogger;
  lifecycle: Lifecycle;
  /** Milliseconds a `ticket.issue` may wait for the server before the lease is used. */
  issueTimeoutMs: number;
}

const NO_PROFILE: Profiles = { kiosk: null, leases: null, counter: null, announcer: null };

export async function startProfile(kind: DeviceKind, devices: Devices, c: ProfileContext): Promise<Profiles> {
  switch (kind) {
    case 'kiosk':
      return { ...NO_PROFILE, ...(await startKiosk(devices, c)) };
    case 'counter':
      return { ...NO_PROFILE, counter: await startCounter(devices, c) };
    case 'display':
      return { ...NO_PROFILE, announcer: devices.player ? new CallAnnouncer(devices.player, c.log) : null };
  }
}

async function startKiosk(devices: Devices, c: ProfileContext) {
  const { config, link, log } = c;
  const leases = new LeaseKeeper({
    link,
    store: c.store,
    catalog: c.catalog,
    timeZone: config.timeZone ?? DEFAULTS.timeZone,
    size: config.offline?.leaseSize ?? DEFAULTS.leaseSize,
    renewBelow: config.offline?.renewBelow ?? DEFAULTS.renewBelow,
    log,
  });
  const reader = config.hardware?.cardReader;
  const anchorFiles = reader && reader.driver !== 'none' ? (reader.trustAnchors ?? []) : [];
  const kiosk = new KioskProfile({
    link,
    catalog: c.catalog,
    leases,
    ui: c.ui,
    log,
    serverUrl: config.serverUrl,
    site: config.device.site,
    printer: devices.printer,
    scanner: devices.scanner,
    cardReader: devices.cardReader,
    trustAnchors: anchorFiles.map((f) => readFileSync(f)),
    idleMs: config.session?.idleMs ?? DEFAULTS.idleMs,
    issueTimeoutMs: c.issueTimeoutMs,
  });
  await c.lifecycle.start(new KioskComponent(kiosk, devices.printer !== null));
  await c.lifecycle.start({ name: 'leases', start: () => leases.start(), stop: () => leases.stop() });
  return { kiosk, leases };
}

/** The kiosk, and its printer's state read every 30 s: paper running low shows without waiting for a ticket. */
class KioskComponent implements Component {
  readonly name = 'kiosk';
  private poll: NodeJS.Timeout | null = null;

  constructor(
    private readonly kiosk: KioskProfile,
    private readonly hasPrinter: boolean,
  ) {}

  start(): void {
    if (!this.hasPrinter) return;
    this.poll = setInterval(() => void this.kiosk.checkPrinter(), 30_000);
    this.poll.unref();
  }

  stop(): void {
    if (this.poll) clearInterval(this.poll);
    this.kiosk.close();
  }
}

async function startCounter(devices: Devices, c: ProfileContext): Promise<CounterProfile | null> {
  const counterId = counterIdOf(c.config);
  if (!counterId) return null;
  const counter = new CounterProfile({
    counterId,
    link: c.link,
    ui: c.ui,
    log: c.log,
    panel: devices.panel,
    display: devices.display,
    fetchTicket: (id) => fetchTicket(c.catalog, id),
    store: c.store,
    ...(devices.estimator ? { estimator: devices.estimator } : {}),
  });
  await c.lifecycle.start({ name: 'counter', stop: () => counter.close() });
  return counter;
}

async function fetchTicket(catalog: SiteCatalog, id: string): Promise<Ticket | null> {
  const answer = await catalog.get(`/api/tickets/${encodeURIComponent(id)}`);
  if (answer.status === 404) return null;
  if (answer.status !== 200) throw new Error(`ticket lookup failed: HTTP ${answer.status}`);
  return (JSON.parse(answer.body) as { ticket: Ticket }).ticket ?? null;
}

/**
 * A ticket leaves ~200 KB of Buffers (dots, ESC/POS job) that V8 frees only at its next full GC,
 * which a 48 MB heap rarely needs: with `node --expose-gc` (the systemd unit's flags), one full GC
 * 2 s after the last ticket of a burst gives that memory back.
 */
export class IdleCollector implements Component {
  readonly name = 'idle-gc';
  private readonly gc = (globalThis as { gc?: () => void }).gc;
  private timer: NodeJS.Timeout | null = null;

  /** Collects 2 s from now unless called again before. */
  collectWhenIdle(): void {
    const gc = this.gc;
    if (!gc) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      gc();
    }, 2000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

export type UiMessageHandler = (message: UiToAgent, reply: (m: AgentToUi) => void) => Promise<void>;

/** The apps' messages to the profile; one this kind does not support is answered `unsupported`. */
export function uiMessageHandler(
  kind: DeviceKind,
  { kiosk, counter }: Profiles,
  log: AgentLogger,
  afterTicket: () => void,
): UiMessageHandler {
  return async (message, reply) => {
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
          afterTicket();
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
}
