import '../shared/style.css';
import './kiosk.css';
import type { QueueSummary } from '@oss/protocol';
import { render } from 'preact';
import { Api } from '../shared/api.ts';
import { liveFeed } from '../shared/live.ts';
import { appRoot } from '../shared/ui.tsx';
import { handleScannedCode } from './actions.ts';
import { KioskApp } from './app.tsx';
import { IdleTimer } from './idle.ts';
import { data, go, resetSession, session, transportRef, ui } from './state.ts';
import { detectTransport, type KioskTransport } from './transport.ts';

const params = new URLSearchParams(location.search);
const IDLE_MS = Number(params.get('idle')) || 60_000;
const WARN_MS = Math.min(10_000, IDLE_MS / 2);
/** Pages read at length (a procedure's papers, the results, a dossier) wait twice as long before warning. */
const LONG_SCREENS = new Set(['search', 'procedure', 'dossier']);
const idleFor = (screen: string) => IDLE_MS * (LONG_SCREENS.has(screen) ? 2 : 1);

let api: Api;
let feed: ReturnType<typeof liveFeed> | null = null;
let unsubscribe: (() => void) | null = null;

// Asked from the page's own origin while the agent probe runs: in plain-browser mode (no agent) they are
// the answers the kiosk needs, one round trip sooner.
let early: Promise<unknown> | null = (() => {
  const sameOrigin = new Api();
  const p = Promise.all([sameOrigin.site(), sameOrigin.services(), sameOrigin.counters()]);
  p.catch(() => {});
  return p;
})();

async function load(): Promise<void> {
  // The procedures (the largest answer) load beside the rest: the home screen does not wait for them.
  api.procedures().then(
    (procedures) => {
      data.procedures.value = procedures;
    },
    () => setTimeout(load, 5000),
  );
  try {
    const first = transportRef.value?.mode === 'browser' ? early : null;
    early = null;
    const [site, services, counters] = (await (first ??
      Promise.all([api.site(), api.services(), api.counters()]))) as [
      Awaited<ReturnType<Api['site']>>,
      Awaited<ReturnType<Api['services']>>,
      Awaited<ReturnType<Api['counters']>>,
    ];
    data.site.value = site;
    data.services.value = services;
    data.counters.value = counters;
    data.loadError.value = null;
  } catch (e) {
    data.loadError.value = e;
    setTimeout(load, 5000);
  }
}

function attach(transport: KioskTransport): void {
  unsubscribe?.();
  transportRef.value = transport;
  unsubscribe = transport.subscribe((event) => {
    switch (event.type) {
      case 'identity':
        session.identity.value = event.identity;
        // A card scanned on the home screen starts taking a ticket (and the idle timer with it).
        if (ui.screen.value === 'home') go('services');
        return;
      case 'cccd.progress':
        session.chipStep.value = event.step;
        return;
      case 'printer': {
        const s = event.state;
        ui.printerWarning.value =
          s.paper === 'out' ? 'out' : !s.ok ? 'fault' : s.paper === 'near-end' ? 'near-end' : null;
        ui.printerMessage.value = s.message ?? null;
        return;
      }
      case 'connection':
        ui.serverOnline.value = event.online;
        return;
      case 'agent':
        ui.agentOnline.value = event.connected;
        return;
      case 'queue':
        data.queue.value = event.summary;
        return;
      case 'error':
        session.error.value = event.message;
        return;
      case 'code':
        void handleScannedCode(event.text);
        return;
    }
  });
}

let drawn = false;

async function start(): Promise<void> {
  const detected = await detectTransport();
  api = detected.api;
  attach(detected.transport);
  await load();
  // Drawn once the transport and the site are known (or could not be loaded), so that the home
  // screen's "not configured" notice and the header's site name, address and clock come with it
  // rather than pushing the buttons down a moment later (the page's boot text shows until then).
  if (!drawn) {
    drawn = true;
    draw();
  }
  feed?.close();
  feed = null;
  // With an agent, the queue summary comes over its WebSocket; in a plain browser, from the server's feed.
  if (detected.transport.mode === 'agent') return;
  feed = liveFeed(
    `${api.base}/api/events`,
    {
      queue: (summary) => {
        data.queue.value = summary as QueueSummary;
      },
    },
    () => {
      if (!data.site.value) void load();
    },
  );
}

// The idle timer runs whenever the kiosk is not on a clean home screen.
const idle = new IdleTimer({
  timeoutMs: IDLE_MS,
  warningMs: WARN_MS,
  onCountdown: (left) => (ui.idleLeft.value = left),
  onTimeout: () => resetSession(),
});
ui.screen.subscribe((screen) => {
  if (screen === 'home') idle.stop();
  else idle.start(idleFor(screen));
});
// "More time" gives its own, longer time: its touch must not first close the warning under the finger.
const isMoreTime = (e: Event) => e.target instanceof Element && e.target.closest('[data-action=more-time]');
for (const type of ['pointerdown', 'keydown'] as const)
  document.addEventListener(type, (e) => isMoreTime(e) || idle.activity(), { capture: true, passive: true });

if (params.has('setup')) ui.screen.value = 'setup';

function draw(): void {
  render(
    <KioskApp
      onMoreTime={() => idle.start(2 * idleFor(ui.screen.value))}
      onSetupSaved={() => {
        transportRef.value?.close();
        void start();
      }}
    />,
    appRoot(),
  );
}

void start();
