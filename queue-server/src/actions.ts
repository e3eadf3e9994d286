/**
 * The request actions of PROTOCOL.md §3 (and additions): who may call each, the core command it
 * becomes, and the result it answers with. Used by the MQTT gateway and by the HTTP routes alike.
 */
import {
  type ActionName,
  type DeviceKind,
  fail,
  type RequestOf,
  type ResultOf,
  type Ticket,
  toIsoLocal,
} from '@oss/protocol';
import type { Command, QueueCore, QueueEvent } from '@oss/queue-server/core';

export interface Caller {
  /** A device (by its enrolment) or a signed-in staff member. */
  kind: DeviceKind | 'staff';
  /** A counter device acts only for the counter it was enrolled with. */
  counterId?: string | null;
  deviceId?: string;
  /** Staff: the counters an officer is signed in at, or `any` for managers and admins. */
  staffCounters?: readonly string[] | 'any';
}

type Result<R> = (events: QueueEvent[], core: QueueCore, now: number) => R;

interface ActionSpec<A extends ActionName> {
  allowed: (DeviceKind | 'staff')[];
  command: (params: RequestOf<A>, caller: Caller) => Command;
  /** What the action answers with: the contract's `ResultSchemas[A]`. */
  result: Result<ResultOf<A>>;
}

const ticketOf =
  (type: QueueEvent['type']): Result<{ ticket: Ticket | null }> =>
  (events, core, now) => {
    const e = events.findLast((x) => x.type === type);
    return { ticket: e && 'ticketId' in e && e.ticketId ? core.ticket(e.ticketId, now) : null };
  };

const forCounter = (caller: Caller, counterId: string) => {
  if (caller.kind === 'counter' && caller.counterId !== counterId)
    fail(
      'forbidden',
      'Thiết bị chỉ được thao tác cho quầy của mình',
      'A counter device may act only for its own counter',
    );
  if (caller.kind === 'staff' && caller.staffCounters !== 'any' && !caller.staffCounters?.includes(counterId))
    fail(
      'forbidden',
      'Cán bộ chỉ được thao tác tại quầy mình đang đăng nhập',
      'An officer may act only at the counter they are signed in at',
    );
  return counterId;
};

export const ACTIONS: { [A in ActionName]: ActionSpec<A> } = {
  'ticket.issue': {
    allowed: ['kiosk', 'staff'],
    command: (p, caller) => ({
      type: 'issue',
      serviceId: p.serviceId,
      ...(p.priority ? { priority: p.priority } : {}),
      ...(p.citizen?.birthDate ? { birthDate: p.citizen.birthDate } : {}),
      ...(p.procedureId ? { procedureId: p.procedureId } : {}),
      ...(p.appointmentCode ? { appointmentCode: p.appointmentCode } : {}),
      ...(caller.deviceId ? { deviceId: caller.deviceId, requestId: p.id } : {}),
    }),
    result: ticketOf('ticket.issued'),
  },
  'ticket.void': {
    allowed: ['kiosk'],
    command: (p, caller) => ({ type: 'void', deviceId: caller.deviceId!, requestId: p.requestId }),
    result: (events, core, now) => {
      const cancelled = events.find((e) => e.type === 'ticket.cancelled');
      return {
        voided: events.length > 0,
        ticket: cancelled?.type === 'ticket.cancelled' ? core.ticket(cancelled.ticketId, now) : null,
      };
    },
  },
  'emotion.submit': {
    allowed: ['counter'],
    command: (p, caller) => ({
      type: 'emotion',
      counterId: forCounter(caller, p.counterId),
      ticketId: p.ticketId,
      satisfaction: p.satisfaction,
      confidence: p.confidence,
      frames: p.frames,
      model: p.model,
      ...(p.expressions ? { expressions: p.expressions } : {}),
    }),
    result: () => ({ accepted: true }),
  },
  'lease.request': {
    allowed: ['kiosk'],
    command: (p, caller) => ({
      type: 'lease',
      deviceId: caller.deviceId!,
      serviceId: p.serviceId,
      size: p.size,
    }),
    result: (events, core) => {
      const e = events.find((x) => x.type === 'lease.granted');
      if (e?.type !== 'lease.granted') return { lease: null };
      const { serviceId, prefix, from, to } = e;
      return {
        lease: {
          serviceId,
          prefix,
          from,
          to,
          day: core.state.day,
          grantedAt: toIsoLocal(e.at, core.site.timeZone),
        },
      };
    },
  },
  'ticket.merge': {
    allowed: ['kiosk'],
    command: (p, caller) => ({
      type: 'merge',
      deviceId: caller.deviceId!,
      ticketId: p.ticketId,
      serviceId: p.serviceId,
      seq: p.seq,
      issuedAt: Date.parse(p.issuedAt),
      ...(p.priority ? { priority: p.priority } : {}),
      ...(p.citizen?.birthDate ? { birthDate: p.citizen.birthDate } : {}),
      ...(p.procedureId ? { procedureId: p.procedureId } : {}),
    }),
    result: ticketOf('ticket.issued'),
  },
  'counter.next': {
    allowed: ['counter', 'staff'],
    command: (p, caller) => ({ type: 'next', counterId: forCounter(caller, p.counterId) }),
    result: ticketOf('ticket.called'),
  },
  'counter.recall': {
    allowed: ['counter', 'staff'],
    command: (p, caller) => ({ type: 'recall', counterId: forCounter(caller, p.counterId) }),
    result: ticketOf('ticket.recalled'),
  },
  'counter.start': {
    allowed: ['counter', 'staff'],
    command: (p, caller) => ({
      type: 'start',
      counterId: forCounter(caller, p.counterId),
      ticketId: p.ticketId,
    }),
    result: ticketOf('ticket.started'),
  },
  'counter.finish': {
    allowed: ['counter', 'staff'],
    command: (p, caller) => ({
      type: 'finish',
      counterId: forCounter(caller, p.counterId),
      ticketId: p.ticketId,
      outcome: p.outcome ?? 'done',
      ...(p.dossierCodes?.length ? { dossierCodes: p.dossierCodes } : {}),
    }),
    result: ticketOf('ticket.finished'),
  },
  'counter.transfer': {
    allowed: ['counter', 'staff'],
    command: (p, caller) => ({
      type: 'transfer',
      counterId: forCounter(caller, p.counterId),
      ticketId: p.ticketId,
      toServiceId: p.toServiceId,
      ...(p.toCounterId ? { toCounterId: p.toCounterId } : {}),
    }),
    result: ticketOf('ticket.transferred'),
  },
  'rating.submit': {
    allowed: ['counter', 'staff'],
    command: (p, caller) => ({
      type: 'rate',
      counterId: forCounter(caller, p.counterId),
      ...(p.ticketId ? { ticketId: p.ticketId } : {}),
      score: p.score,
    }),
    result: (events) => {
      const e = events.find((x) => x.type === 'rating.submitted');
      if (e?.type !== 'rating.submitted') return { ratingId: null };
      // Addition: the ticket the rating was credited to (the server picks it when none is named).
      return { ratingId: e.ratingId, ticketId: e.ticketId };
    },
  },
};

export function actionFor(name: string): ActionSpec<ActionName> | undefined {
  return Object.hasOwn(ACTIONS, name) ? (ACTIONS[name as ActionName] as ActionSpec<ActionName>) : undefined;
}
