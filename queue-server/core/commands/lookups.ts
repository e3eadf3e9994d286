/** The counter or ticket a command names, refused when it is unknown or in the wrong place or status. */
import * as refuse from '../refusals.ts';
import type { CounterState, QueueState, TicketRecord } from '../state.ts';

export function counterOf(state: QueueState, counterId: string): CounterState {
  const counter = state.counters.get(counterId);
  if (!counter) refuse.unknownCounter(counterId);
  return counter;
}

export function ticketOf(state: QueueState, ticketId: string): TicketRecord {
  const ticket = state.tickets.get(ticketId);
  if (!ticket) refuse.ticketNotFound();
  return ticket;
}

export function ticketIn(
  state: QueueState,
  ticketId: string,
  allowed: TicketRecord['status'][],
): TicketRecord {
  const t = ticketOf(state, ticketId);
  if (!allowed.includes(t.status)) refuse.notAllowedInStatus(t.status);
  return t;
}

export function ticketAtCounter(
  state: QueueState,
  counterId: string,
  ticketId: string,
  allowed: TicketRecord['status'][],
): TicketRecord {
  counterOf(state, counterId);
  const t = ticketIn(state, ticketId, allowed);
  if (t.counterId !== counterId) refuse.notAtThisCounter();
  return t;
}
