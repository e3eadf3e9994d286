/** A counter's staffing and set-up: sign-in and out, its device going offline, open, close, its services. */
import type { CommandHandler } from '../command.ts';
import * as refuse from '../refusals.ts';
import type { QueueEvent } from '../state.ts';
import { counterOf } from './lookups.ts';

/** Another officer signing in ends the previous one's session there. */
export const signIn: CommandHandler<'sign-in'> = (state, c, ctx) => {
  const at = ctx.now;
  const previous = counterOf(state, c.counterId).officerId;
  const end: QueueEvent[] =
    previous && previous !== c.officerId ? [{ type: 'counter.signed-out', at, counterId: c.counterId }] : [];
  return [...end, { type: 'counter.signed-in', at, counterId: c.counterId, officerId: c.officerId }];
};

/** Signing out closes the counter: nobody serves there any more. */
export const signOut: CommandHandler<'sign-out'> = (state, c, ctx) => {
  const at = ctx.now;
  const counter = counterOf(state, c.counterId);
  if (!counter.officerId) return [];
  const closed: QueueEvent[] = counter.open ? [{ type: 'counter.closed', at, counterId: c.counterId }] : [];
  return [{ type: 'counter.signed-out', at, counterId: c.counterId }, ...closed];
};

/** The counter device went offline: the counter closes unless an officer is signed in there. */
export const deviceOffline: CommandHandler<'device-offline'> = (state, c, ctx) => {
  const counter = counterOf(state, c.counterId);
  return counter.open && !counter.officerId
    ? [{ type: 'counter.closed', at: ctx.now, counterId: c.counterId }]
    : [];
};

export const open: CommandHandler<'open'> = (state, c, ctx) => {
  counterOf(state, c.counterId);
  return [{ type: 'counter.opened', at: ctx.now, counterId: c.counterId }];
};

export const close: CommandHandler<'close'> = (state, c, ctx) => {
  if (counterOf(state, c.counterId).currentTicketId) refuse.finishBeforeClosing();
  return [
    {
      type: 'counter.closed',
      at: ctx.now,
      counterId: c.counterId,
      ...(c.reason ? { reason: c.reason } : {}),
    },
  ];
};

export const setServices: CommandHandler<'set-services'> = (state, c, ctx) => {
  counterOf(state, c.counterId);
  if (c.serviceIds.length === 0) refuse.noServiceAtCounter();
  for (const id of c.serviceIds) if (!ctx.site.services.has(id)) refuse.unknownService(id);
  return [
    {
      type: 'counter.services-set',
      at: ctx.now,
      counterId: c.counterId,
      serviceIds: [...new Set(c.serviceIds)],
    },
  ];
};
