/**
 * The kiosk's state. Personal data (the identity read from a CCCD, a birth date) lives only in these
 * signals, in memory, and `resetSession` clears it (done, cancelled or idle). Nothing goes to storage.
 */
import type { DossierInfo, QueueSummary } from '@oss/protocol';
import { signal } from '@preact/signals';
import type { CounterInfo, ProcedureInfo, ServiceInfo, SiteInfo } from '../shared/api.ts';
import { lang, loc } from '../shared/i18n.ts';
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
  /** Identifying to check a booking in by card, not to take a ticket. */
  appointmentByCard: signal(false),
  /** The dossier looked up on "Tra cứu hồ sơ" (typed or scanned). */
  dossier: signal<DossierInfo | null>(null),
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
  session.appointmentByCard.value = false;
  session.dossier.value = null;
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

/** A service's name in the current language (its id when unknown). */
export function serviceName(id: string | null): string {
  const s = data.services.value.find((x) => x.id === id);
  return s ? loc(s.name) : (id ?? '');
}
