/** What citizens think of a service: their rating, and the counter camera's estimate. */
import { RATING_WINDOW_MS } from '@oss/protocol';
import type { CommandHandler } from '../command.ts';
import * as refuse from '../refusals.ts';
import type { CounterState, QueueState, TicketRecord } from '../state.ts';
import { counterOf, ticketOf } from './lookups.ts';

/**
 * A rating goes to a citizen who was served at this counter, once per ticket (docs/queue-server.md,
 * "Ratings"). Without a ticket id: the ticket being served, else the one finished here within
 * `RATING_WINDOW_MS`, else the ticket called here (an officer who serves without pressing "start").
 */
export const rate: CommandHandler<'rate'> = (state, c, ctx) => {
  const counter = counterOf(state, c.counterId);
  const ticket = c.ticketId ? ratedTicket(state, counter, c.ticketId) : ticketToRate(state, counter, ctx.now);
  if (!ticket) refuse.nobodyToRate();
  if (state.ratings.some((r) => r.ticketId === ticket.id)) refuse.alreadyRated();
  return [
    {
      type: 'rating.submitted',
      at: ctx.now,
      ratingId: ctx.newId(),
      counterId: counter.id,
      ticketId: ticket.id,
      officerId: ticket.officerId ?? null,
      serviceId: ticket.serviceId,
      score: c.score,
    },
  ];
};

/** A ticket named by the device: it must have been called to this counter and not be a no-show. */
function ratedTicket(state: QueueState, counter: CounterState, ticketId: string): TicketRecord {
  const ticket = ticketOf(state, ticketId);
  if (ticket.counterId !== counter.id) refuse.notServedHere();
  if (!['called', 'serving', 'done'].includes(ticket.status)) refuse.notServed();
  return ticket;
}

/** The ticket a rating without a ticket id is about, or undefined when nobody was served here. */
function ticketToRate(state: QueueState, counter: CounterState, now: number): TicketRecord | undefined {
  const current = counter.currentTicketId ? state.tickets.get(counter.currentTicketId) : undefined;
  if (current?.status === 'serving') return current;
  let last: TicketRecord | undefined;
  for (const t of state.tickets.values())
    if (t.counterId === counter.id && t.status === 'done' && (!last || t.finishedAt! > last.finishedAt!))
      last = t;
  if (last && now - last.finishedAt! <= RATING_WINDOW_MS) return last;
  return current;
}

/** The camera's estimate of a ticket served at this counter, once per ticket. */
export const emotion: CommandHandler<'emotion'> = (state, c, ctx) => {
  const t = ticketOf(state, c.ticketId);
  counterOf(state, c.counterId);
  if (t.counterId !== c.counterId) refuse.notServedHere();
  if (state.emotions.some((e) => e.ticketId === t.id)) refuse.alreadyEstimated();
  const { satisfaction, confidence, frames, model, expressions } = c;
  return [
    {
      type: 'emotion.submitted',
      at: ctx.now,
      ticketId: t.id,
      counterId: c.counterId,
      officerId: t.officerId ?? null,
      serviceId: t.serviceId,
      satisfaction,
      confidence,
      frames,
      model,
      ...(expressions ? { expressions } : {}),
    },
  ];
};
