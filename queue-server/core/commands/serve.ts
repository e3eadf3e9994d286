/** Serving at a counter: call the next ticket, recall it, start, finish, transfer or cancel a ticket. */
import type { CommandHandler } from '../command.ts';
import * as refuse from '../refusals.ts';
import type { QueueEvent, QueueState, TicketRecord } from '../state.ts';
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
  const picked =
    reservedFor(state, counter.id) ?? ctx.site.policy.pick(state, { ...counter, open: true }, at);
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

/**
 * From a counter (a ticket called or served there) or, without one, a ticket still waiting or called;
 * to another service, or to one open counter (which must serve `toServiceId`, the same or another).
 */
export const transfer: CommandHandler<'transfer'> = (state, c, ctx) => {
  if (!ctx.site.services.has(c.toServiceId)) refuse.unknownService(c.toServiceId);
  if (c.toCounterId !== undefined) checkTransferCounter(state, c.toCounterId, c.counterId, c.toServiceId);
  const t =
    c.counterId === null
      ? ticketIn(state, c.ticketId, ['waiting', 'called'])
      : ticketAtCounter(state, c.counterId, c.ticketId, ['called', 'serving']);
  if (t.serviceId === c.toServiceId && c.toCounterId === undefined) refuse.alreadyInService();
  return [
    {
      type: 'ticket.transferred',
      at: ctx.now,
      ticketId: t.id,
      counterId: c.counterId,
      fromServiceId: t.serviceId,
      toServiceId: c.toServiceId,
      ...(c.toCounterId !== undefined ? { toCounterId: c.toCounterId } : {}),
    },
  ];
};

function checkTransferCounter(
  state: QueueState,
  toCounterId: string,
  from: string | null,
  serviceId: string,
) {
  const target = counterOf(state, toCounterId);
  if (toCounterId === from) refuse.transferToSameCounter();
  if (!target.open) refuse.counterClosed(toCounterId);
  if (!target.serviceIds.includes(serviceId)) refuse.counterLacksService(toCounterId, serviceId);
}

/** The ticket transferred to this counter longest ago: it goes before the policy's pick. */
function reservedFor(state: QueueState, counterId: string): TicketRecord | null {
  let chosen: TicketRecord | null = null;
  for (const line of state.waiting.values())
    for (const id of line) {
      const t = state.tickets.get(id)!;
      if (t.forCounterId === counterId && (!chosen || t.queuedAt < chosen.queuedAt)) chosen = t;
    }
  return chosen;
}

export const cancel: CommandHandler<'cancel'> = (state, c, ctx) => {
  const t = ticketIn(state, c.ticketId, ['waiting', 'called']);
  return [{ type: 'ticket.cancelled', at: ctx.now, ticketId: t.id, reason: c.reason }];
};
