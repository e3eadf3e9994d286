/** Serving at a counter: call the next ticket, recall it, start, finish, transfer or cancel a ticket. */
import type { CommandHandler } from '../command.ts';
import * as refuse from '../refusals.ts';
import type { QueueEvent } from '../state.ts';
import { counterOf, ticketAtCounter, ticketIn } from './lookups.ts';

/** Opens the counter if needed, finishes its current ticket and calls the one the site's policy picks. */
export const next: CommandHandler<'next'> = (state, c, ctx) => {
  const at = ctx.now;
  const counter = counterOf(state, c.counterId);
  const events: QueueEvent[] = [];
  if (!counter.open) events.push({ type: 'counter.opened', at, counterId: counter.id });
  const current = counter.currentTicketId ? state.tickets.get(counter.currentTicketId) : undefined;
  if (current)
    events.push({
      type: 'ticket.finished',
      at,
      ticketId: current.id,
      counterId: counter.id,
      outcome: 'done',
    });
  const picked = ctx.site.policy.pick(state, { ...counter, open: true }, at);
  if (picked)
    events.push({
      type: 'ticket.called',
      at,
      ticketId: picked.id,
      counterId: counter.id,
      officerId: counter.officerId,
    });
  return events;
};

export const recall: CommandHandler<'recall'> = (state, c, ctx) => {
  const counter = counterOf(state, c.counterId);
  if (!counter.currentTicketId) refuse.nothingToRecall();
  return [{ type: 'ticket.recalled', at: ctx.now, ticketId: counter.currentTicketId, counterId: counter.id }];
};

export const start: CommandHandler<'start'> = (state, c, ctx) => {
  const t = ticketAtCounter(state, c.counterId, c.ticketId, ['called']);
  return [{ type: 'ticket.started', at: ctx.now, ticketId: t.id, counterId: c.counterId }];
};

export const finish: CommandHandler<'finish'> = (state, c, ctx) => {
  const t = ticketAtCounter(state, c.counterId, c.ticketId, ['called', 'serving']);
  if (c.outcome === 'no_show' && t.status === 'serving') refuse.servingIsNoNoShow();
  return [
    {
      type: 'ticket.finished',
      at: ctx.now,
      ticketId: t.id,
      counterId: c.counterId,
      outcome: c.outcome,
      // The count, never the codes, goes into the event: it feeds the hub's 468 floors (docs/hub.md).
      ...(c.dossierCodes?.length ? { dossiers: c.dossierCodes.length } : {}),
    },
  ];
};

/** From a counter (a ticket called or served there) or, without one, a ticket still waiting or called. */
export const transfer: CommandHandler<'transfer'> = (state, c, ctx) => {
  if (!ctx.site.services.has(c.toServiceId)) refuse.unknownService(c.toServiceId);
  const t =
    c.counterId === null
      ? ticketIn(state, c.ticketId, ['waiting', 'called'])
      : ticketAtCounter(state, c.counterId, c.ticketId, ['called', 'serving']);
  if (t.serviceId === c.toServiceId) refuse.alreadyInService();
  return [
    {
      type: 'ticket.transferred',
      at: ctx.now,
      ticketId: t.id,
      counterId: c.counterId,
      fromServiceId: t.serviceId,
      toServiceId: c.toServiceId,
    },
  ];
};

export const cancel: CommandHandler<'cancel'> = (state, c, ctx) => {
  const t = ticketIn(state, c.ticketId, ['waiting', 'called']);
  return [{ type: 'ticket.cancelled', at: ctx.now, ticketId: t.id, reason: c.reason }];
};
