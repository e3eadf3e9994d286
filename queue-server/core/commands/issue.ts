/** Tickets from kiosks: issued online, merged after the kiosk issued them offline, or withdrawn. */
import { localDate } from '@oss/protocol';
import type { CommandHandler } from '../command.ts';
import { formatNumber, nextOnlineSeq } from '../numbers.ts';
import * as refuse from '../refusals.ts';
import { priorityFor, publicService, requireOpen, requireProcedureOf } from '../site.ts';
import { voidKey } from '../state.ts';

export const issue: CommandHandler<'issue'> = (state, c, ctx) => {
  const { site, now } = ctx;
  const service = publicService(site, c.serviceId);
  if (c.deviceId && c.requestId && state.voidedRequests.has(voidKey(c.deviceId, c.requestId)))
    refuse.requestWithdrawn();
  requireOpen(site, now);
  if (c.procedureId) requireProcedureOf(site, c.procedureId, c.serviceId);
  const { priority, basis } = priorityFor(site, c, localDate(now, site.timeZone));
  const seq = nextOnlineSeq(state, service.prefix);
  return [
    {
      type: 'ticket.issued',
      at: now,
      issuedAt: now,
      ticketId: ctx.newId(),
      seq,
      number: formatNumber(service.prefix, seq),
      serviceId: service.id,
      priority,
      priorityBasis: basis,
      ...(c.procedureId ? { procedureId: c.procedureId } : {}),
      ...(c.deviceId ? { deviceId: c.deviceId } : {}),
      ...(c.deviceId && c.requestId ? { requestId: c.requestId } : {}),
    },
  ];
};

/** A ticket a kiosk issued offline from its lease: it joins the line at its (bounded) original time. */
export const merge: CommandHandler<'merge'> = (state, c, ctx) => {
  const service = publicService(ctx.site, c.serviceId);
  const lease = state.leases.find(
    (l) => l.deviceId === c.deviceId && l.serviceId === service.id && c.seq >= l.from && c.seq <= l.to,
  );
  if (!lease) refuse.notInLease();
  if (state.tickets.has(c.ticketId)) refuse.alreadyMerged();
  const number = formatNumber(service.prefix, c.seq);
  for (const t of state.tickets.values()) if (t.number === number) refuse.numberTaken(number);
  // Unlike `issue`, an unknown procedure reads as one of another service: the kiosk chose it offline.
  if (c.procedureId && ctx.site.procedures.get(c.procedureId)?.serviceId !== service.id)
    refuse.procedureOfAnotherService();
  const { priority, basis } = priorityFor(ctx.site, c, state.day, 'normal');
  return [
    {
      type: 'ticket.issued',
      at: ctx.now,
      issuedAt: Math.min(ctx.now, Math.max(lease.grantedAt, c.issuedAt)),
      ticketId: c.ticketId,
      seq: c.seq,
      number,
      serviceId: service.id,
      priority,
      priorityBasis: basis,
      offline: true,
      deviceId: c.deviceId,
      ...(c.procedureId ? { procedureId: c.procedureId } : {}),
    },
  ];
};

/**
 * The ticket the request issued is cancelled while it still waits (once called, the citizen may be
 * at the counter: it is left alone); a request not seen yet is remembered so it never issues.
 */
export const voidRequest: CommandHandler<'void'> = (state, c, ctx) => {
  const at = ctx.now;
  for (const t of state.tickets.values()) {
    if (t.deviceId !== c.deviceId || t.requestId !== c.requestId) continue;
    return t.status === 'waiting' ? [{ type: 'ticket.cancelled', at, ticketId: t.id, reason: 'voided' }] : [];
  }
  if (state.voidedRequests.has(voidKey(c.deviceId, c.requestId))) return [];
  return [{ type: 'request.voided', at, deviceId: c.deviceId, requestId: c.requestId }];
};
