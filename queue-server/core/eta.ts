/**
 * Wait prediction for a waiting ticket: its place by the routing policy, the counters serving its
 * service, and service times learned today. Shown as a range: with n people ahead the relative error
 * cannot be much below 1/√(n+1) (see shared/reference/queueing.md).
 */
import type { Site } from './site.ts';
import type { QueueState, TicketRecord } from './state.ts';

export interface WaitPrediction {
  ahead: number;
  etaMinutes: number;
  low: number;
  high: number;
}

/** Mean service time in minutes: learned when there is history, else the configured one. */
export function meanServiceMinutes(site: Site, state: QueueState, serviceId: string): number {
  const learned = state.serviceTimes.get(serviceId);
  const configured = site.services.get(serviceId)?.meanServiceMinutes ?? 10;
  if (!learned || learned.n === 0) return configured;
  // Blend towards the configured value while fewer than 10 services were seen.
  const w = Math.min(1, learned.n / 10);
  return w * learned.meanMinutes + (1 - w) * configured;
}

/**
 * Counters working on a service, each counted by the share of its attention the service gets:
 * a counter with three busy lines gives each a third.
 */
export function serversFor(
  site: Site,
  state: QueueState,
  serviceId: string,
): { servers: number; idle: number } {
  let servers = 0;
  let idle = 0;
  for (const counter of state.counters.values()) {
    if (!counter.open || !counter.serviceIds.includes(serviceId)) continue;
    const busyLines = counter.serviceIds.filter(
      (id) => id === serviceId || (state.waiting.get(id)?.length ?? 0) > 0,
    ).length;
    servers += 1 / busyLines;
    if (!counter.currentTicketId) idle += 1 / busyLines;
  }
  if (servers === 0) {
    // Nobody open yet: assume the configured counters will open.
    servers = site.config.counters.filter((c) => c.serviceIds.includes(serviceId)).length || 1;
  }
  return { servers, idle };
}

export function predictFromAhead(
  site: Site,
  state: QueueState,
  serviceId: string,
  ahead: number,
): WaitPrediction {
  const mean = meanServiceMinutes(site, state, serviceId);
  const { servers, idle } = serversFor(site, state, serviceId);
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

/** People the routing policy would call before this ticket, now. */
export function peopleAhead(site: Site, state: QueueState, ticket: TicketRecord, now: number): number {
  const mine = site.policy.score(ticket, now);
  let ahead = 0;
  for (const id of state.waiting.get(ticket.serviceId) ?? []) {
    if (id === ticket.id) continue;
    const other = state.tickets.get(id)!;
    const theirs = site.policy.score(other, now);
    if (theirs > mine || (theirs === mine && other.issuedAt < ticket.issuedAt)) ahead++;
  }
  return ahead;
}

export function predictWait(
  site: Site,
  state: QueueState,
  ticket: TicketRecord,
  now: number,
): WaitPrediction {
  if (ticket.status !== 'waiting') return { ahead: 0, etaMinutes: 0, low: 0, high: 0 };
  return predictFromAhead(site, state, ticket.serviceId, peopleAhead(site, state, ticket, now));
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

export type EtaPredictor = (
  site: Site,
  state: QueueState,
  ticket: TicketRecord,
  now: number,
) => WaitPrediction;

/** Every predictor, by name, for the simulator's evaluation; `predictWait` is the one the server shows. */
export const ETA_PREDICTORS: Record<string, EtaPredictor> = {
  naive: naiveWait,
  position: predictWait,
};
