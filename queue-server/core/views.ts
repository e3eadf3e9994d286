/** Public views of the state: the ticket object and the queue summary of PROTOCOL.md. */
import { type QueueSummary, type Ticket, type TicketIdentity, toIsoLocal } from '@oss/protocol';
import { openCountersFor, predictWait, serviceWaits } from './eta.ts';
import type { Site } from './site.ts';
import type { QueueState, TicketRecord } from './state.ts';

const MINUTE = 60_000;

/** The fields every public view of a ticket starts with (the site's and the hub's); times ISO with the site's offset. */
export function ticketIdentity(
  t: Pick<TicketRecord, 'id' | 'number' | 'serviceId' | 'priority' | 'status' | 'issuedAt'>,
  timeZone: string,
): TicketIdentity {
  return {
    id: t.id,
    number: t.number,
    serviceId: t.serviceId,
    priority: t.priority,
    status: t.status,
    issuedAt: toIsoLocal(t.issuedAt, timeZone),
  };
}

export function ticketView(site: Site, state: QueueState, t: TicketRecord, now: number): Ticket {
  const iso = (ms: number) => toIsoLocal(ms, site.timeZone);
  const eta = predictWait(site, state, t, now);
  const counter = t.counterId ? site.counters.get(t.counterId) : undefined;
  return {
    ...ticketIdentity(t, site.timeZone),
    ahead: eta.ahead,
    etaMinutes: eta.etaMinutes,
    ...(t.status === 'waiting' ? { etaRange: { low: eta.low, high: eta.high } } : {}),
    ...(t.status === 'waiting' && openCountersFor(state, t.serviceId) === 0 ? { noCounterOpen: true } : {}),
    ...(t.counterId ? { counterId: t.counterId } : {}),
    ...(counter ? { counterNumber: counter.number } : {}),
    ...(t.calledAt !== undefined ? { calledAt: iso(t.calledAt) } : {}),
    ...(t.startedAt !== undefined ? { startedAt: iso(t.startedAt) } : {}),
    ...(t.finishedAt !== undefined ? { finishedAt: iso(t.finishedAt) } : {}),
    ...(t.procedureId ? { procedureId: t.procedureId } : {}),
    ...(t.offline ? { offline: true } : {}),
  };
}

export function queueSummary(site: Site, state: QueueState, now: number): QueueSummary {
  const lastCalled = new Map<string, { at: number; number: string }>();
  for (const t of state.tickets.values()) {
    if (t.calledAt === undefined) continue;
    const prev = lastCalled.get(t.serviceId);
    if (!prev || t.calledAt > prev.at) lastCalled.set(t.serviceId, { at: t.calledAt, number: t.number });
  }
  return {
    at: toIsoLocal(now, site.timeZone),
    services: serviceWaits(site, state, now).map((w) => ({
      serviceId: w.serviceId,
      prefix: site.services.get(w.serviceId)!.prefix,
      waiting: w.waiting,
      etaMinutes: w.etaMinutes,
      etaRange: { low: w.low, high: w.high },
      countersOpen: w.countersOpen,
      noCounterOpen: w.noCounterOpen,
      overTarget: w.overTarget,
      lastCalled: lastCalled.get(w.serviceId)?.number ?? null,
    })),
    counters: site.config.counters.map((def) => {
      const c = state.counters.get(def.id)!;
      const current = c.currentTicketId ? state.tickets.get(c.currentTicketId) : undefined;
      return {
        counterId: def.id,
        number: def.number,
        open: c.open,
        currentNumber: current?.number ?? null,
        currentStatus: current?.status === 'called' || current?.status === 'serving' ? current.status : null,
      };
    }),
  };
}

export interface ConsoleWaitingTicket {
  id: string;
  number: string;
  priority: string;
  waitedMinutes: number;
  /** Transferred to one counter: only that counter calls it (and calls it next). */
  forCounter?: { id: string; number: number };
}

/**
 * A counter's waiting lines as its console lists them: per service, the tickets transferred to this
 * counter first (it serves them next), then the line in order, then the tickets kept for another
 * counter (marked, last: this counter never calls them).
 */
export function consoleWaiting(
  site: Site,
  state: QueueState,
  counterId: string,
  now: number,
): { serviceId: string; tickets: ConsoleWaitingTicket[] }[] {
  const counter = state.counters.get(counterId);
  return (counter?.serviceIds ?? []).map((serviceId) => {
    const tickets = (state.waiting.get(serviceId) ?? []).map((id) => {
      const w = state.tickets.get(id)!;
      const reservedAt = w.forCounterId ? site.counters.get(w.forCounterId) : undefined;
      return {
        id: w.id,
        number: w.number,
        priority: w.priority,
        waitedMinutes: Math.floor((now - w.issuedAt) / MINUTE),
        ...(reservedAt ? { forCounter: { id: reservedAt.id, number: reservedAt.number } } : {}),
      };
    });
    const rank = (t: ConsoleWaitingTicket) => (!t.forCounter ? 1 : t.forCounter.id === counterId ? 0 : 2);
    return { serviceId, tickets: tickets.toSorted((x, y) => rank(x) - rank(y)) };
  });
}
