/**
 * The dashboard's state, as signals (the kiosk's style): what the server said, what the manager
 * picked, and the figures derived from both. Loaders fill the signals; `live.ts` keeps them current.
 */
import type { QueueSummary } from '@oss/protocol';
import { computed, signal } from '@preact/signals';
import {
  Api,
  type CounterInfo,
  type ProcedureInfo,
  type ServiceInfo,
  type SiteInfo,
  type StaffInfo,
} from '../shared/api.ts';
import { loc, t } from '../shared/i18n.ts';
import { type HourRow, hourRows } from './hourly.ts';
import { type PeriodChoice, periodRange, viDate } from './period.ts';
import type {
  Advice,
  AppointmentDay,
  CapacityCheck,
  Device,
  FeedbackItem,
  FeedbackList,
  HourlyStats,
  Kpis,
} from './types.ts';

export const api = new Api();

export const data = {
  site: signal<SiteInfo | null>(null),
  services: signal<ServiceInfo[]>([]),
  counters: signal<CounterInfo[]>([]),
  procedures: signal<ProcedureInfo[]>([]),
  /** Today's figures, live from the staff stream. */
  kpis: signal<Kpis | null>(null),
  /** The figures of the period picked, when it is not today. */
  periodKpis: signal<Kpis | null>(null),
  queue: signal<QueueSummary | null>(null),
  devices: signal<Device[]>([]),
  /** Printer paper by device, from the devices' live events. */
  printers: signal<Record<string, string>>({}),
  hourly: signal<HourRow[]>([]),
  /** Null when the server gives no advice (the panel is hidden). */
  advice: signal<Advice[] | null>(null),
  /** The last 30 days' complaints and feedback, newest first. */
  inbox: signal<FeedbackItem[]>([]),
  /** Today's appointments; null when the site takes none. */
  appointments: signal<AppointmentDay | null>(null),
  /** What full booking slots would do to walk-ins (simulated once a day on the server). */
  capacityCheck: signal<CapacityCheck | null>(null),
};

/** The report named in the address (`#report=period%3Dmonth%26month%3D2026-11`), so it can be linked and printed. */
export function reportInHash(): string | null {
  const m = /^#report=(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]!) : null;
}

export const ui = {
  /** Undefined while asking the server, null when nobody (or an officer) is signed in. */
  staff: signal<StaffInfo | null | undefined>(undefined),
  /** Null until the first figures tell today's date. */
  choice: signal<PeriodChoice | null>(null),
  /** The period report open (its `/api/reports` query), from the address. */
  report: signal<string | null>(reportInHash()),
  /** Advice applied in this page, `counterId>serviceId`. */
  applied: signal<ReadonlySet<string>>(new Set()),
  /** Counters' services being edited, not saved yet. */
  edits: signal<Record<string, string[]>>({}),
  error: signal<unknown>(null),
  connected: signal(true),
};

/** The local days shown, or null for today live. */
export const range = computed(() => (ui.choice.value ? periodRange(ui.choice.value) : null));
/** The figures shown: the period's, or today's live ones. */
export const shown = computed(() => (range.value ? data.periodKpis.value : data.kpis.value));
export const targets = computed(() => {
  const site = data.site.value?.targets;
  return {
    waitMinutes: shown.value?.targetWaitMinutes ?? site?.waitMinutes ?? 15,
    withinTargetShare: site?.withinTargetShare ?? 0.9,
    satisfactionShare: site?.satisfactionShare ?? 0.95,
    maxWaitMinutes: site?.maxWaitMinutes ?? 30,
  };
});

export const serviceName = (id: string) => loc(data.services.value.find((s) => s.id === id)?.name) || id;
export const counterName = (id: string) => loc(data.counters.value.find((c) => c.id === id)?.name) || id;

/** "Ngày 02/12/2026" or "02/12/2026 – 08/12/2026": the period shown, in words. */
export function periodText(): string {
  const r = range.value;
  if (!r) return t('dash.day', { day: viDate(data.kpis.value?.day ?? '') });
  return r.from === r.to
    ? t('dash.day', { day: viDate(r.from) })
    : t('dash.periodLabel', { from: viDate(r.from), to: viDate(r.to) });
}

/** `?from=&to=` for a period, `?day=` for today once known: the hourly and CSV routes' query. */
export function periodQuery(): string {
  const r = range.value;
  const day = data.kpis.value?.day;
  return r ? `?from=${r.from}&to=${r.to}` : day ? `?day=${day}` : '';
}

const showError = (e: unknown) => {
  ui.error.value = e;
};

export const loadCounters = () =>
  api.counters().then((c) => {
    data.counters.value = c;
  }, showError);

export const loadDevices = () =>
  api.get<{ devices: Device[] }>('/api/devices').then((r) => {
    data.devices.value = r.devices;
  }, showError);

export const loadInbox = () =>
  api.get<FeedbackList>('/api/feedback').then((r) => {
    data.inbox.value = [...r.items].sort((a, b) => b.at.localeCompare(a.at));
  }, showError);

export const loadAppointments = () =>
  api.get<AppointmentDay>('/api/appointments').then(
    (r) => {
      data.appointments.value = r;
    },
    () => {},
  );

export const loadCapacityCheck = () =>
  api.get<CapacityCheck>('/api/appointments/capacity-check').then(
    (r) => {
      data.capacityCheck.value = r;
    },
    () => {},
  );

export const loadAdvice = () =>
  api.optional<{ advice: Advice[] }>('/api/advice').then(
    (r) => {
      data.advice.value = r ? r.advice : null;
    },
    () => {},
  );

export async function loadHourly(): Promise<void> {
  try {
    data.hourly.value = hourRows(await api.get<HourlyStats>(`/api/stats/hourly${periodQuery()}`));
  } catch {
    // the charts keep their last values
  }
}

/** The period's figures from the stored records; none for today (the live ones are shown). */
export async function loadPeriodKpis(): Promise<void> {
  const r = range.peek();
  if (!r) {
    data.periodKpis.value = null;
    return;
  }
  try {
    data.periodKpis.value = await api.get<Kpis>(`/api/kpis?from=${r.from}&to=${r.to}`);
  } catch (e) {
    data.periodKpis.value = null;
    showError(e);
  }
}

/** Site, services, procedures, then the rest: the first load of the page. */
export async function loadAll(): Promise<void> {
  try {
    const [site, services, procedures] = await Promise.all([api.site(), api.services(), api.procedures()]);
    data.site.value = site;
    data.services.value = services;
    data.procedures.value = procedures;
    await Promise.all([loadCounters(), loadDevices(), loadAdvice(), loadInbox(), loadAppointments()]);
    void loadCapacityCheck(); // a simulation: may take a second the first time a day
    await loadHourly();
  } catch (e) {
    showError(e);
  }
}
