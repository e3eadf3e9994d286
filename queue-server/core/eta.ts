/**
 * Wait prediction for a waiting ticket (docs/simulation.md has the measurements).
 *
 * `predictWait` (the one shown on tickets) combines: the ticket's place by the routing policy at its
 * expected call time, the counters working on its service (a counter shared by several busy lines
 * gives each a share that grows with the time the line would take to clear), and the service times
 * learned in the state: E[wait] ≈ (n + ½ − idle) · m / s. It is shown as a range whose width follows
 * the 1/√(k+1) law of k departures plus model error, calibrated in the simulator to hold about 80 %
 * of real waits. `predictWaitWithLaterArrivals` also counts the tickets that will be issued later
 * and still be called first (priority citizens): E[wait] ≈ base / (1 − λ_over · m / s)
 * (shared/reference/queueing.md). It removes the bias but has a larger mean absolute error, so the
 * tickets show `predictWait`.
 */
import { localParts } from '@oss/protocol';
import type { RoutingPolicy } from './routing.ts';
import type { Site } from './site.ts';
import type { QueueState, TicketRecord } from './state.ts';

export interface WaitPrediction {
  ahead: number;
  etaMinutes: number;
  low: number;
  high: number;
}

export type EtaPredictor = (
  site: Site,
  state: QueueState,
  ticket: TicketRecord,
  now: number,
) => WaitPrediction;

const MINUTE = 60_000;
/** Window of recent issues used to estimate arrival rates. */
const RATE_WINDOW_MINUTES = 60;
/** z of the range's quantiles (≈ 10 % and 90 %) and the model's own relative variance. */
const RANGE_Z = 1.0;
const MODEL_CV2 = 0.05;
/** Capacity assumed for a service no open counter serves (a tenth of a counter). */
const UNSERVED_SHARE = 0.1;

/**
 * Mean service time in minutes: learned when there is history, else the configured one; at a given
 * local hour, that hour's own mean once it has seen enough services.
 */
export function meanServiceMinutes(site: Site, state: QueueState, serviceId: string, hour?: number): number {
  const learned = state.serviceTimes.get(serviceId);
  const configured = site.services.get(serviceId)?.meanServiceMinutes ?? 10;
  if (!learned || learned.n === 0) return configured;
  // Blend towards the configured value while fewer than 10 services were seen.
  const w = Math.min(1, learned.n / 10);
  const overall = w * learned.meanMinutes + (1 - w) * configured;
  const atHour = hour === undefined ? undefined : learned.byHour?.[hour];
  if (!atHour || atHour.n < MIN_HOURLY_SERVICES) return overall;
  const h = Math.min(1, atHour.n / (2 * MIN_HOURLY_SERVICES));
  return h * atHour.meanMinutes + (1 - h) * overall;
}

/** An hour's own mean counts only after this many services at that hour. */
const MIN_HOURLY_SERVICES = 5;

/**
 * Counters working on a service, each counted by the share of its time the service can expect.
 * A counter shared by several lines with people waiting splits its time towards the lines that would
 * take longest to clear (queued work ÷ capacity), as the routing policies do by favouring long waits:
 * a few rounds of that proportional split settle close to a balanced allocation.
 * `extra` adds people to the service's line (a ticket about to be issued).
 */
export function serversFor(
  site: Site,
  state: QueueState,
  serviceId: string,
  extra = 0,
): { servers: number; idle: number } {
  const open = [...state.counters.values()].filter((c) => c.open);
  const work = new Map<string, number>();
  const workOf = (id: string) => {
    let w = work.get(id);
    if (w === undefined) {
      const waiting = (state.waiting.get(id)?.length ?? 0) + (id === serviceId ? extra : 0);
      // The service asked about always has a line (the ticket being predicted is in it).
      w = Math.max(waiting, id === serviceId ? 1 : 0) * meanServiceMinutes(site, state, id);
      work.set(id, w);
    }
    return w;
  };
  const lines = open.map((c) => c.serviceIds.filter((id) => workOf(id) > 0));
  let pressure = (id: string) => workOf(id);
  let capacity = new Map<string, number>();
  for (let round = 0; round < 4; round++) {
    capacity = new Map();
    for (const ls of lines) {
      const total = ls.reduce((a, id) => a + pressure(id), 0);
      for (const id of ls) capacity.set(id, (capacity.get(id) ?? 0) + pressure(id) / total);
    }
    const drain = new Map([...capacity].map(([id, cap]) => [id, workOf(id) / cap]));
    pressure = (id) => drain.get(id) ?? 0;
  }
  let idle = 0;
  open.forEach((c, i) => {
    if (c.currentTicketId || !lines[i]!.includes(serviceId)) return;
    const total = lines[i]!.reduce((a, id) => a + pressure(id), 0);
    idle += pressure(serviceId) / total;
  });
  const servers = capacity.get(serviceId) ?? 0;
  if (servers === 0) {
    // Counters open but none serving this service: say so with a long wait rather than pretend
    // (the advice relies on it). Nobody open yet: assume the configured counters will open.
    if (open.length > 0) return { servers: UNSERVED_SHARE, idle: 0 };
    return {
      servers: site.config.counters.filter((c) => c.serviceIds.includes(serviceId)).length || 1,
      idle: 0,
    };
  }
  return { servers, idle };
}

/**
 * The wait of a ticket with `ahead` people before it. `now` and `ticket` (the ticket itself, or the
 * class of a ticket about to be issued) enable the correction for later arrivals that go first.
 */
export interface ForecastOptions {
  /** The time of the forecast: service times of the site's local hour then. */
  at?: number;
  /** The ticket itself (already in its line), or omitted for a ticket about to be issued. */
  ticket?: Pick<TicketRecord, 'priority' | 'issuedAt'>;
  /** Correct for tickets issued later that will be called first (needs `now`). */
  laterArrivals?: { now: number };
}

export function predictFromAhead(
  site: Site,
  state: QueueState,
  serviceId: string,
  ahead: number,
  options: ForecastOptions = {},
): WaitPrediction {
  const { ticket } = options;
  const hour = options.at === undefined ? undefined : localParts(options.at, site.timeZone).hour;
  const mean = meanServiceMinutes(site, state, serviceId, hour);
  const { servers, idle } = serversFor(site, state, serviceId, ticket ? 0 : 1);
  const inFront = ahead + 1 - idle;
  if (inFront <= 0) return { ahead, etaMinutes: 0, low: 0, high: Math.ceil(mean / 2) };
  const base = ((inFront - 0.5) * mean) / servers;
  let eta = base;
  if (options.laterArrivals) {
    const { now } = options.laterArrivals;
    const me = ticket ?? { priority: 'normal', issuedAt: now };
    // Two fixed-point steps: how many overtake depends on how long the ticket waits.
    for (let i = 0; i < 2; i++) {
      const overtaking = overtakingRate(site, state, serviceId, me, now, eta);
      eta = base / Math.max(0.35, 1 - (overtaking * mean) / servers);
    }
  }
  return withRange(ahead, eta, (eta * servers) / mean);
}

/** A range around `eta` for a wait made of about `departures` service completions. */
function withRange(ahead: number, eta: number, departures: number): WaitPrediction {
  const cv2 = 1 / (departures + 1) + MODEL_CV2;
  const sigma = Math.sqrt(Math.log(1 + cv2));
  return {
    ahead,
    etaMinutes: Math.round(eta),
    low: Math.max(0, Math.floor(eta * Math.exp(-RANGE_Z * sigma))),
    high: Math.ceil(eta * Math.exp(RANGE_Z * sigma)),
  };
}

/**
 * THE wait estimate of a service: what a ticket issued now would wait, with its range. Computed here
 * once and shown everywhere (queue summary, board, kiosk, dashboard), and the alert and the advice
 * fire from `overTarget`, so no two screens disagree (docs/queue-server.md, "One wait per service").
 */
export interface ServiceWait {
  serviceId: string;
  waiting: number;
  etaMinutes: number;
  low: number;
  high: number;
  /** Staffed counters serving the service now. */
  countersOpen: number;
  /** No staffed counter serves it: the estimate assumes its configured counters will open. */
  noCounterOpen: boolean;
  /** People wait and the estimate is over the site's target: the dashboard alerts, the advice acts. */
  overTarget: boolean;
}

export function serviceWait(site: Site, state: QueueState, serviceId: string, now?: number): ServiceWait {
  const waiting = state.waiting.get(serviceId)?.length ?? 0;
  const p = predictFromAhead(site, state, serviceId, waiting, now === undefined ? {} : { at: now });
  const countersOpen = openCountersFor(state, serviceId);
  return {
    serviceId,
    waiting,
    etaMinutes: p.etaMinutes,
    low: p.low,
    high: p.high,
    countersOpen,
    noCounterOpen: countersOpen === 0,
    overTarget: waiting > 0 && p.etaMinutes > site.waitTargetMinutes,
  };
}

/** Staffed counters that serve `serviceId` now. */
export function openCountersFor(state: QueueState, serviceId: string): number {
  let n = 0;
  for (const c of state.counters.values()) if (c.open && c.serviceIds.includes(serviceId)) n++;
  return n;
}

/** `serviceWait` for every service of the site, in configuration order. */
export function serviceWaits(site: Site, state: QueueState, now?: number): ServiceWait[] {
  return site.config.services.map((s) => serviceWait(site, state, s.id, now));
}

/**
 * People the routing policy would call before this ticket if a counter called at `now` (or, when
 * predicting, at the expected call time: a priority ticket soon overtakes the people it sees ahead).
 */
export function peopleAhead(site: Site, state: QueueState, ticket: TicketRecord, now: number): number {
  const line = state.waiting.get(ticket.serviceId) ?? [];
  // Every policy's score grows with the wait and the class weight, so the newest ticket of the lightest
  // class is behind everyone already waiting: the common case at issue, without scanning the line.
  if (line.at(-1) === ticket.id && (site.classes.get(ticket.priority)?.weight ?? 1) <= 1)
    return line.length - 1;
  const mine = site.policy.score(ticket, now);
  let ahead = 0;
  for (const id of line) {
    if (id === ticket.id) continue;
    const other = state.tickets.get(id)!;
    const theirs = site.policy.score(other, now);
    if (theirs > mine || (theirs === mine && other.issuedAt < ticket.issuedAt)) ahead++;
  }
  return ahead;
}

/** The wait shown on tickets: the best predictor in the simulator (docs/simulation.md). */
export function predictWait(
  site: Site,
  state: QueueState,
  ticket: TicketRecord,
  now: number,
): WaitPrediction {
  return forecastTicket(site, state, ticket, now, false);
}

/** The same, corrected for later arrivals that go first: unbiased on average, but a larger MAE. */
export function predictWaitWithLaterArrivals(
  site: Site,
  state: QueueState,
  ticket: TicketRecord,
  now: number,
): WaitPrediction {
  return forecastTicket(site, state, ticket, now, true);
}

function forecastTicket(
  site: Site,
  state: QueueState,
  ticket: TicketRecord,
  now: number,
  laterArrivals: boolean,
): WaitPrediction {
  if (ticket.status !== 'waiting') return { ahead: 0, etaMinutes: 0, low: 0, high: 0 };
  const options: ForecastOptions = { ticket, at: now, ...(laterArrivals ? { laterArrivals: { now } } : {}) };
  const ahead = peopleAhead(site, state, ticket, now);
  const first = predictFromAhead(site, state, ticket.serviceId, ahead, options);
  if (first.etaMinutes === 0) return first;
  // Who is still ahead when the ticket is expected to be called.
  const later = peopleAhead(site, state, ticket, now + first.etaMinutes * MINUTE);
  if (later === ahead) return first;
  return { ...predictFromAhead(site, state, ticket.serviceId, later, options), ahead };
}

/**
 * Tickets per minute that will be issued for the service after `me` and still be called before it,
 * given that it waits about `etaMinutes` more: recent issue rate of each other class × the share of
 * such later arrivals the policy lets through (found by probing the policy's own score).
 */
function overtakingRate(
  site: Site,
  state: QueueState,
  serviceId: string,
  me: Pick<TicketRecord, 'priority' | 'issuedAt'>,
  now: number,
  etaMinutes: number,
): number {
  const recent = recentIssues(state, serviceId, now);
  let rate = 0;
  for (const [priority, count] of recent) {
    if (priority === me.priority) continue;
    const share = overtakeShare(site.policy, me, priority, now, Math.max(1, etaMinutes) * MINUTE);
    rate += (count / RATE_WINDOW_MINUTES) * share;
  }
  return rate;
}

/** Share of the next `horizonMs` during which a ticket of `priority` issued then is still called before `me`. */
function overtakeShare(
  policy: RoutingPolicy,
  me: Pick<TicketRecord, 'priority' | 'issuedAt'>,
  priority: string,
  now: number,
  horizonMs: number,
): number {
  const at = now + horizonMs;
  const mine = policy.score(me as TicketRecord, at);
  const first = (delay: number) =>
    policy.score({ priority, issuedAt: now + delay } as TicketRecord, at) > mine;
  if (!first(0)) return 0;
  let lo = 0;
  let hi = horizonMs;
  if (first(hi)) return 1;
  for (let i = 0; i < 10; i++) {
    const mid = (lo + hi) / 2;
    if (first(mid)) lo = mid;
    else hi = mid;
  }
  return lo / horizonMs;
}

interface IssueLog {
  seen: number;
  /** Issue times and classes per original service, in issue order. */
  byService: Map<string, { at: number[]; priority: string[] }>;
}

/** Per-state memo of the day's issues (the state only grows during a day; a new day is a new object). */
const issueLogs = new WeakMap<QueueState, IssueLog>();

function recentIssues(state: QueueState, serviceId: string, now: number): Map<string, number> {
  let log = issueLogs.get(state);
  if (!log) {
    log = { seen: 0, byService: new Map() };
    issueLogs.set(state, log);
  }
  if (log.seen !== state.tickets.size) {
    let i = 0;
    for (const t of state.tickets.values()) {
      if (i++ < log.seen) continue;
      let entry = log.byService.get(t.originalServiceId);
      if (!entry) {
        entry = { at: [], priority: [] };
        log.byService.set(t.originalServiceId, entry);
      }
      entry.at.push(t.issuedAt);
      entry.priority.push(t.priority);
    }
    log.seen = state.tickets.size;
  }
  const counts = new Map<string, number>();
  const entry = log.byService.get(serviceId);
  if (!entry) return counts;
  const since = now - RATE_WINDOW_MINUTES * MINUTE;
  // Newest first; tickets merged from an offline kiosk keep older issue times, so stop only after a
  // run of old ones.
  for (let i = entry.at.length - 1, old = 0; i >= 0 && old < 20; i--) {
    const at = entry.at[i]!;
    if (at < since) {
      old++;
      continue;
    }
    old = 0;
    if (at <= now) counts.set(entry.priority[i]!, (counts.get(entry.priority[i]!) ?? 0) + 1);
  }
  return counts;
}

/** The first version, kept as a baseline: position, shared counters and learned service time only. */
export function positionWait(
  site: Site,
  state: QueueState,
  ticket: TicketRecord,
  now: number,
): WaitPrediction {
  if (ticket.status !== 'waiting') return { ahead: 0, etaMinutes: 0, low: 0, high: 0 };
  const ahead = peopleAhead(site, state, ticket, now);
  const mean = meanServiceMinutes(site, state, ticket.serviceId);
  const { servers, idle } = evenShareServers(site, state, ticket.serviceId);
  const inFront = ahead + 1 - idle;
  if (inFront <= 0) return { ahead, etaMinutes: 0, low: 0, high: Math.ceil(mean / 2) };
  const eta = ((inFront - 0.5) * mean) / servers;
  const spread = 1 / Math.sqrt(inFront + 1);
  return {
    ahead,
    etaMinutes: Math.round(eta),
    low: Math.max(0, Math.floor(eta * (1 - spread))),
    high: Math.ceil(eta * (1 + spread) + 1),
  };
}

/** The first version's share: a counter with three busy lines gives each a third. */
function evenShareServers(
  site: Site,
  state: QueueState,
  serviceId: string,
): { servers: number; idle: number } {
  let servers = 0;
  let idle = 0;
  for (const counter of state.counters.values()) {
    if (!counter.open || !counter.serviceIds.includes(serviceId)) continue;
    let busyLines = 0;
    for (const id of counter.serviceIds)
      if (id === serviceId || (state.waiting.get(id)?.length ?? 0) > 0) busyLines++;
    servers += 1 / busyLines;
    if (!counter.currentTicketId) idle += 1 / busyLines;
  }
  if (servers === 0)
    servers = site.config.counters.filter((c) => c.serviceIds.includes(serviceId)).length || 1;
  return { servers, idle };
}

/** The textbook estimate the others are measured against: people ahead × mean service / counters. */
export function naiveWait(site: Site, state: QueueState, ticket: TicketRecord): WaitPrediction {
  const line = state.waiting.get(ticket.serviceId) ?? [];
  const ahead = Math.max(0, line.indexOf(ticket.id));
  const counters = site.config.counters.filter((c) => c.serviceIds.includes(ticket.serviceId)).length || 1;
  const eta = (ahead * (site.services.get(ticket.serviceId)?.meanServiceMinutes ?? 10)) / counters;
  const spread = 1 / Math.sqrt(ahead + 1);
  return {
    ahead,
    etaMinutes: Math.round(eta),
    low: Math.max(0, Math.floor(eta * (1 - spread))),
    high: Math.ceil(eta * (1 + spread)),
  };
}

/** Every predictor, by name, for the simulator's evaluation; `predictWait` is the one the server shows. */
export const ETA_PREDICTORS: Record<string, EtaPredictor> = {
  naive: naiveWait,
  position: positionWait,
  flow: predictWait,
  'flow+later': predictWaitWithLaterArrivals,
};
