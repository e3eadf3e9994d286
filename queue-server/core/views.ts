/** Public views of the state: the ticket object and the queue summary of PROTOCOL.md. */
import { type QueueSummary, type Ticket, toIsoLocal } from '@oss/protocol';
import { predictFromAhead, predictWait } from './eta.ts';
import type { Site } from './site.ts';
import type { QueueState, TicketRecord } from './state.ts';

export function ticketView(site: Site, state: QueueState, t: TicketRecord, now: number): Ticket {
  const iso = (ms: number) => toIsoLocal(ms, site.timeZone);
  const eta = predictWait(site, state, t, now);
  const counter = t.counterId ? site.counters.get(t.counterId) : undefined;
  return {
    id: t.id,
    number: t.number,
    serviceId: t.serviceId,
    priority: t.priority,
    status: t.status,
    issuedAt: iso(t.issuedAt),
    ahead: eta.ahead,
    etaMinutes: eta.etaMinutes,
    ...(t.status === 'waiting' ? { etaRange: { low: eta.low, high: eta.high } } : {}),
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
    services: site.config.services.map((s) => {
      const waiting = state.waiting.get(s.id)?.length ?? 0;
      return {
        serviceId: s.id,
        prefix: s.prefix,
        waiting,
        etaMinutes: predictFromAhead(site, state, s.id, waiting, { at: now }).etaMinutes,
        countersOpen: [...state.counters.values()].filter((c) => c.open && c.serviceIds.includes(s.id))
          .length,
        lastCalled: lastCalled.get(s.id)?.number ?? null,
      };
    }),
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
