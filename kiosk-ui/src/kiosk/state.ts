/**
 * The kiosk's state. Personal data (the identity read from a CCCD, a birth date) lives only in these
 * signals, in memory, and `resetSession` clears it (done, cancelled or idle). Nothing goes to storage.
 */
import type { QueueSummary } from '@oss/protocol';
import { signal } from '@preact/signals';
import type { CounterInfo, ProcedureInfo, ServiceInfo, SiteInfo } from '../shared/api.ts';
import { lang } from '../shared/i18n.ts';
import type { Identity, IssueResult, KioskTransport } from './transport.ts';

export type Screen =
  | 'home'
  | 'services'
  | 'search'
  | 'procedure'
  | 'identify'
  | 'priority'
  | 'issuing'
  | 'ticket'
  | 'follow'
  | 'appointment'
  | 'dossier'
  | 'setup';

export const data = {
  site: signal<SiteInfo | null>(null),
  services: signal<ServiceInfo[]>([]),
  procedures: signal<ProcedureInfo[]>([]),
  counters: signal<CounterInfo[]>([]),
  queue: signal<QueueSummary | null>(null),
  loadError: signal<unknown>(null),
};

export const ui = {
  screen: signal<Screen>('home'),
  query: signal(''),
  field: signal<string | null>(null),
  procedureId: signal<string | null>(null),
  followInput: signal(''),
  /** What is typed on the appointment and dossier screens. */
  codeInput: signal(''),
  textSize: signal<0 | 1 | 2>(0),
  contrast: signal(false),
  readAloud: signal(false),
  idleLeft: signal<number | null>(null),
  printerWarning: signal<'out' | 'near-end' | 'fault' | null>(null),
  printerMessage: signal<{ vi: string; en: string } | null>(null),
  agentOnline: signal(true),
  serverOnline: signal(true),
};

/** One citizen's visit. */
export const session = {
  serviceId: signal<string | null>(null),
  procedureId: signal<string | null>(null),
  identity: signal<Identity | null>(null),
  chipStep: signal<string | null>(null),
  result: signal<IssueResult | null>(null),
  error: signal<{ vi: string; en: string } | null>(null),
};

export const transportRef = signal<KioskTransport | null>(null);

export function go(screen: Screen): void {
  ui.screen.value = screen;
}

/** Forgets the citizen: identity, ticket, search text, options; tells the agent to forget too. */
export function resetSession(): void {
  session.serviceId.value = null;
  session.procedureId.value = null;
  session.identity.value = null;
  session.chipStep.value = null;
  session.result.value = null;
  session.error.value = null;
  ui.query.value = '';
  ui.field.value = null;
  ui.procedureId.value = null;
  ui.followInput.value = '';
  ui.codeInput.value = '';
  ui.textSize.value = 0;
  ui.contrast.value = false;
  ui.readAloud.value = false;
  if (typeof speechSynthesis !== 'undefined') speechSynthesis.cancel();
  transportRef.value?.clearSession();
  lang.value = 'vi';
  ui.screen.value = 'home';
}

/** The site's calendar date (YYYY-MM-DD). */
export function siteToday(timeZone: string, now = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** Whole years from a birth date to a date, both YYYY-MM-DD. */
export function age(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
