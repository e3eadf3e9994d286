/**
 * Keeps the dashboard's signals current: the staff event stream, the slower reloads (charts, advice),
 * the period picked and the report named in the address. `startLive()` returns what stops it all.
 */
import { computed, effect, untracked } from '@preact/signals';
import { liveFeed } from '../shared/live.ts';
import { initialChoice } from './period.ts';
import {
  data,
  loadAdvice,
  loadAll,
  loadAppointments,
  loadCounters,
  loadDevices,
  loadHourly,
  loadInbox,
  loadPeriodKpis,
  reportInHash,
  ui,
} from './state.ts';
import type { Advice, Kpis } from './types.ts';

/** The charts follow today's figures, at most twice a minute. */
const HOURLY_EVERY_MS = 30_000;
const SLOW_RELOAD_MS = 60_000;

export function startLive(): () => void {
  let hourlyAt = Date.now();
  void loadAll();
  const feed = liveFeed(
    '/api/events/staff',
    {
      kpis: (k) => {
        const kpis = k as Kpis;
        data.kpis.value = kpis;
        if (!ui.choice.peek()) ui.choice.value = initialChoice(kpis.day);
        if (Date.now() - hourlyAt > HOURLY_EVERY_MS) {
          hourlyAt = Date.now();
          void loadHourly();
        }
      },
      queue: (q) => {
        data.queue.value = q as typeof data.queue.value;
      },
      device: (d) => {
        const { deviceId, online } = d as { deviceId: string; online: boolean };
        data.devices.value = data.devices.peek().map((x) => (x.id === deviceId ? { ...x, online } : x));
        void loadDevices();
      },
      advice: (a) => {
        if (Array.isArray(a)) data.advice.value = a as Advice[];
      },
      deviceEvent: (e) => {
        const { deviceId, name, body } = e as {
          deviceId: string;
          name: string;
          body: Record<string, unknown>;
        };
        if (name === 'printer' && typeof body.paper === 'string')
          data.printers.value = { ...data.printers.peek(), [deviceId]: body.paper };
      },
    },
    () => {
      void loadCounters();
      void loadDevices();
    },
    { withCredentials: true },
  );
  const stopConnected = feed.connected.subscribe((c) => {
    ui.connected.value = c;
  });
  const stopPeriod = followPeriod();
  const onHash = () => {
    ui.report.value = reportInHash();
  };
  addEventListener('hashchange', onHash);
  const slow = setInterval(() => {
    void loadHourly();
    void loadAdvice();
    void loadInbox();
    void loadAppointments();
  }, SLOW_RELOAD_MS);
  return () => {
    feed.close();
    stopConnected();
    stopPeriod();
    clearInterval(slow);
    removeEventListener('hashchange', onHash);
  };
}

/** A new period picked: its figures from the stored records, its hourly charts. */
function followPeriod(): () => void {
  const picked = computed(() => JSON.stringify(ui.choice.value));
  return effect(() => {
    if (picked.value === 'null') return;
    untracked(() => {
      void loadPeriodKpis();
      void loadHourly();
    });
  });
}
