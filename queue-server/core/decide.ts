/**
 * Decisions: a command and the current state give the events to store, or a ProtocolError that changes
 * nothing. Nothing here mutates the state; `applyEvent` does, after the shell has stored the events.
 */
import {
  ageOn,
  fail,
  localDate,
  localMinuteOfDay,
  localParts,
  localWeekday,
  RATING_WINDOW_MS,
} from '@oss/protocol';
import { applyEventInPlace } from './apply.ts';
import { counterSeeds, type Site } from './site.ts';
import {
  type CounterState,
  type DayStartedEvent,
  type QueueEvent,
  type QueueState,
  type TicketRecord,
  voidKey,
} from './state.ts';

export type Command =
  | {
      type: 'issue';
      serviceId: string;
      priority?: string;
      birthDate?: string;
      procedureId?: string;
      deviceId?: string;
      /** The kiosk's request id: a voided request never issues. */
      requestId?: string;
      /** As typed or scanned at the kiosk; the shell resolves it into `appointmentId`. */
      appointmentCode?: string;
      /** A booked appointment checked in on time: the ticket gets the `appointment` class. */
      appointmentId?: string;
    }
  | { type: 'next'; counterId: string }
  | { type: 'recall'; counterId: string }
  | { type: 'start'; counterId: string; ticketId: string }
  | {
      type: 'finish';
      counterId: string;
      ticketId: string;
      outcome: 'done' | 'no_show';
      /** Receipt codes of the dossiers received (PROTOCOL.md §6); the shell stores them. */
      dossierCodes?: string[];
    }
  | { type: 'transfer'; counterId: string | null; ticketId: string; toServiceId: string }
  | { type: 'cancel'; ticketId: string; reason: 'staff' | 'citizen' }
  | { type: 'rate'; counterId: string; ticketId?: string; score: number }
  | { type: 'sign-in'; counterId: string; officerId: string }
  | { type: 'sign-out'; counterId: string }
  /** The counter device bound to this counter went offline: nobody serves there unless signed in. */
  | { type: 'device-offline'; counterId: string }
  | { type: 'open'; counterId: string }
  | { type: 'close'; counterId: string }
  | { type: 'set-services'; counterId: string; serviceIds: string[] }
  /** Nothing but the day's rollover, when the date has changed (a timer sends it at midnight). */
  | { type: 'rollover' }
  | { type: 'lease'; deviceId: string; serviceId: string; size: number }
  /** A kiosk withdraws its unanswered `ticket.issue` (it printed a ticket from its lease instead). */
  | { type: 'void'; deviceId: string; requestId: string }
  | {
      type: 'emotion';
      counterId: string;
      ticketId: string;
      satisfaction: number;
      confidence: number;
      frames: number;
      model: string;
      expressions?: Record<string, number>;
    }
  | {
      type: 'merge';
      deviceId: string;
      ticketId: string;
      serviceId: string;
      seq: number;
      /** The kiosk's claim; the server bounds it by the lease's grant time and its own clock. */
      issuedAt: number;
      priority?: string;
      birthDate?: string;
      procedureId?: string;
    };

export interface DecideContext {
  site: Site;
  now: number;
  /** Unguessable ids come from the shell (crypto) or the simulator (seeded). */
  newId: () => string;
}

/** Events for `command`, preceded by the day's rollover when the site's date has changed. */
export function decide(state: QueueState, command: Command, ctx: DecideContext): QueueEvent[] {
  const hour = localParts(ctx.now, ctx.site.timeZone).hour;
  return decideEvents(state, command, ctx).map((e) =>
    e.type === 'ticket.finished' && e.outcome === 'done' ? { ...e, localHour: hour } : e,
  );
}

function decideEvents(state: QueueState, command: Command, ctx: DecideContext): QueueEvent[] {
  const rollover = rolloverEvents(state, ctx);
  if (rollover.length > 0) {
    // Decide against the new day's state: applying `day.started` builds a new state and leaves the
    // caller's untouched.
    const started = rollover.find((e) => e.type === 'day.started')!;
    return [...rollover, ...decideToday(applyEventInPlace(state, started), command, ctx)];
  }
  return decideToday(state, command, ctx);
}

/** At the first event of a new local day: close what is left of the old day, then start the new one. */
export function rolloverEvents(state: QueueState, ctx: DecideContext): QueueEvent[] {
  const today = localDate(ctx.now, ctx.site.timeZone);
  if (today === state.day) return [];
  const events: QueueEvent[] = [];
  for (const t of state.tickets.values()) {
    if (t.status === 'waiting')
      events.push({ type: 'ticket.cancelled', at: ctx.now, ticketId: t.id, reason: 'day-end' });
    if ((t.status === 'called' || t.status === 'serving') && t.counterId)
      events.push({
        type: 'ticket.finished',
        at: ctx.now,
        ticketId: t.id,
        counterId: t.counterId,
        outcome: 'done',
      });
  }
  const started: DayStartedEvent = {
    type: 'day.started',
    at: ctx.now,
    day: today,
    counters: counterSeeds(ctx.site),
    serviceTimes: [...state.serviceTimes].map(([id, s]) => [id, structuredClone(s)]),
  };
  events.push(started);
  return events;
}

function decideToday(state: QueueState, c: Command, ctx: DecideContext): QueueEvent[] {
  const at = ctx.now;
  switch (c.type) {
    case 'rollover':
      return [];
    case 'issue':
      return [issue(state, c, ctx)];
    case 'lease':
      return [lease(state, c, at, ctx.site)];
    case 'merge':
      return [merge(state, c, ctx)];
    case 'void':
      return voidRequest(state, c, at);
    case 'emotion': {
      const t = state.tickets.get(c.ticketId);
      if (!t) notFound();
      counterOf(state, c.counterId);
      if (t.counterId !== c.counterId)
        fail(
          'conflict',
          'Số này không được phục vụ tại quầy này',
          'That ticket was not served at this counter',
        );
      if (state.emotions.some((e) => e.ticketId === t.id))
        fail('conflict', 'Đã có ước lượng cho số này', 'That ticket already has an estimate');
      const { satisfaction, confidence, frames, model, expressions } = c;
      return [
        {
          type: 'emotion.submitted',
          at,
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
    }
    case 'next': {
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
      const next = ctx.site.policy.pick(state, { ...counter, open: true }, at);
      if (next)
        events.push({
          type: 'ticket.called',
          at,
          ticketId: next.id,
          counterId: counter.id,
          officerId: counter.officerId,
        });
      return events;
    }
    case 'recall': {
      const counter = counterOf(state, c.counterId);
      if (!counter.currentTicketId)
        fail('conflict', 'Quầy chưa gọi số nào để gọi lại', 'The counter has no current ticket to recall');
      return [{ type: 'ticket.recalled', at, ticketId: counter.currentTicketId, counterId: counter.id }];
    }
    case 'start': {
      const t = ticketAtCounter(state, c.counterId, c.ticketId, ['called']);
      return [{ type: 'ticket.started', at, ticketId: t.id, counterId: c.counterId }];
    }
    case 'finish': {
      const t = ticketAtCounter(state, c.counterId, c.ticketId, ['called', 'serving']);
      if (c.outcome === 'no_show' && t.status === 'serving')
        fail(
          'conflict',
          'Số đang được phục vụ, không thể đánh dấu vắng mặt',
          'A ticket being served cannot be a no-show',
        );
      return [{ type: 'ticket.finished', at, ticketId: t.id, counterId: c.counterId, outcome: c.outcome }];
    }
    case 'transfer': {
      if (!ctx.site.services.has(c.toServiceId)) unknownService(c.toServiceId);
      const t =
        c.counterId === null
          ? ticketIn(state, c.ticketId, ['waiting', 'called'])
          : ticketAtCounter(state, c.counterId, c.ticketId, ['called', 'serving']);
      if (t.serviceId === c.toServiceId)
        fail('conflict', 'Số đã thuộc dịch vụ này', 'The ticket is already in that service');
      return [
        {
          type: 'ticket.transferred',
          at,
          ticketId: t.id,
          counterId: c.counterId,
          fromServiceId: t.serviceId,
          toServiceId: c.toServiceId,
        },
      ];
    }
    case 'cancel': {
      const t = ticketIn(state, c.ticketId, ['waiting', 'called']);
      return [{ type: 'ticket.cancelled', at, ticketId: t.id, reason: c.reason }];
    }
    case 'rate':
      return [rate(state, c, ctx)];
    case 'sign-in': {
      // Another officer signing in ends the previous one's session there.
      const previous = counterOf(state, c.counterId).officerId;
      const end: QueueEvent[] =
        previous && previous !== c.officerId
          ? [{ type: 'counter.signed-out', at, counterId: c.counterId }]
          : [];
      return [...end, { type: 'counter.signed-in', at, counterId: c.counterId, officerId: c.officerId }];
    }
    case 'sign-out': {
      const counter = counterOf(state, c.counterId);
      if (!counter.officerId) return [];
      const closed: QueueEvent[] = counter.open
        ? [{ type: 'counter.closed', at, counterId: c.counterId }]
        : [];
      return [{ type: 'counter.signed-out', at, counterId: c.counterId }, ...closed];
    }
    case 'device-offline': {
      const counter = counterOf(state, c.counterId);
      return counter.open && !counter.officerId
        ? [{ type: 'counter.closed', at, counterId: c.counterId }]
        : [];
    }
    case 'open':
    case 'close': {
      const counter = counterOf(state, c.counterId);
      if (c.type === 'close' && counter.currentTicketId)
        fail(
          'conflict',
          'Hãy kết thúc số đang phục vụ trước khi đóng quầy',
          'Finish the current ticket before closing',
        );
      return [{ type: c.type === 'open' ? 'counter.opened' : 'counter.closed', at, counterId: c.counterId }];
    }
    case 'set-services': {
      counterOf(state, c.counterId);
      if (c.serviceIds.length === 0)
        fail(
          'invalid_request',
          'Quầy phải phục vụ ít nhất một dịch vụ',
          'A counter must serve at least one service',
        );
      for (const id of c.serviceIds) if (!ctx.site.services.has(id)) unknownService(id);
      return [
        { type: 'counter.services-set', at, counterId: c.counterId, serviceIds: [...new Set(c.serviceIds)] },
      ];
    }
  }
}

function publicService(site: Site, serviceId: string) {
  const service = site.services.get(serviceId);
  if (!service || service.public === false) unknownService(serviceId);
  return service;
}

function issue(state: QueueState, c: Extract<Command, { type: 'issue' }>, ctx: DecideContext): QueueEvent {
  const { site, now } = ctx;
  const service = publicService(site, c.serviceId);
  if (c.deviceId && c.requestId && state.voidedRequests.has(voidKey(c.deviceId, c.requestId)))
    fail(
      'conflict',
      'Ki-ốt đã hủy yêu cầu này và cấp số khác',
      'The kiosk withdrew this request and issued another ticket',
    );
  if (site.config.enforceOpeningHours && !isOpen(site, now))
    fail(
      'unavailable',
      'Ngoài giờ làm việc, vui lòng quay lại sau',
      'Outside opening hours, please come back later',
    );
  if (c.procedureId) {
    const procedure = site.procedures.get(c.procedureId);
    if (!procedure)
      fail('invalid_request', `Không có thủ tục "${c.procedureId}"`, `unknown procedure "${c.procedureId}"`);
    if (procedure.serviceId !== c.serviceId)
      fail(
        'invalid_request',
        'Thủ tục không thuộc dịch vụ đã chọn',
        'The procedure belongs to another service',
      );
  }
  const { priority, basis } = priorityFor(site, c, localDate(now, site.timeZone));
  const seq = nextOnlineSeq(state, service.prefix);
  return {
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
  };
}

/**
 * Offline numbers (docs/queue-server.md, "Numbers"): each kiosk gets its own hundred of a prefix for
 * the day, above `OFFLINE_BAND_BASE` and above every number in use (A501–A600 for the first kiosk to
 * lease, A601–A700 for the next…), and leases blocks from it. So online numbers stay consecutive,
 * an offline number tells which kiosk printed it, and a kiosk can take at most a hundred a service.
 */
export const OFFLINE_BAND_BASE = 500;
export const OFFLINE_BAND_SIZE = 100;

/** Each kiosk's band of a prefix today, from its leases. */
export function offlineBands(state: QueueState, prefix: string): Map<string, { from: number; to: number }> {
  const bands = new Map<string, { from: number; to: number }>();
  for (const l of state.leases) {
    if (l.prefix !== prefix || bands.has(l.deviceId)) continue;
    const from = Math.floor((l.from - 1) / OFFLINE_BAND_SIZE) * OFFLINE_BAND_SIZE + 1;
    bands.set(l.deviceId, { from, to: from + OFFLINE_BAND_SIZE - 1 });
  }
  return bands;
}

/** The next online number of a prefix: after the last one, stepping over the kiosks' bands. */
function nextOnlineSeq(state: QueueState, prefix: string): number {
  const bands = [...offlineBands(state, prefix).values()].sort((a, b) => a.from - b.from);
  let seq = (state.lastSeq[prefix] ?? 0) + 1;
  for (const band of bands) if (seq >= band.from && seq <= band.to) seq = band.to + 1;
  return seq;
}

function lease(
  state: QueueState,
  c: Extract<Command, { type: 'lease' }>,
  at: number,
  site: Site,
): Extract<QueueEvent, { type: 'lease.granted' }> {
  const service = publicService(site, c.serviceId);
  const { prefix } = service;
  const bands = offlineBands(state, prefix);
  let band = bands.get(c.deviceId);
  if (!band) {
    const inUse = Math.max(
      OFFLINE_BAND_BASE,
      nextOnlineSeq(state, prefix) - 1,
      ...[...bands.values()].map((b) => b.to),
    );
    const from = Math.ceil(inUse / OFFLINE_BAND_SIZE) * OFFLINE_BAND_SIZE + 1;
    band = { from, to: from + OFFLINE_BAND_SIZE - 1 };
  }
  const taken = state.leases.filter((l) => l.deviceId === c.deviceId && l.prefix === prefix);
  const from = Math.max(band.from, ...taken.map((l) => l.to + 1));
  const to = Math.min(band.to, from + c.size - 1);
  if (from > to)
    fail(
      'conflict',
      `Ki-ốt đã nhận hết ${OFFLINE_BAND_SIZE} số dự phòng của dịch vụ này hôm nay`,
      `This kiosk has already taken its ${OFFLINE_BAND_SIZE} offline numbers for this service today`,
    );
  return { type: 'lease.granted', at, deviceId: c.deviceId, serviceId: service.id, prefix, from, to };
}

/**
 * The ticket the request issued is cancelled while it still waits (once called, the citizen may be
 * at the counter: it is left alone); a request not seen yet is remembered so it never issues.
 */
function voidRequest(state: QueueState, c: Extract<Command, { type: 'void' }>, at: number): QueueEvent[] {
  for (const t of state.tickets.values()) {
    if (t.deviceId !== c.deviceId || t.requestId !== c.requestId) continue;
    return t.status === 'waiting' ? [{ type: 'ticket.cancelled', at, ticketId: t.id, reason: 'voided' }] : [];
  }
  if (state.voidedRequests.has(voidKey(c.deviceId, c.requestId))) return [];
  return [{ type: 'request.voided', at, deviceId: c.deviceId, requestId: c.requestId }];
}

/** A ticket a kiosk issued offline from its lease: it joins the line at its (bounded) original time. */
function merge(state: QueueState, c: Extract<Command, { type: 'merge' }>, ctx: DecideContext): QueueEvent {
  const service = publicService(ctx.site, c.serviceId);
  const lease = state.leases.find(
    (l) => l.deviceId === c.deviceId && l.serviceId === service.id && c.seq >= l.from && c.seq <= l.to,
  );
  if (!lease)
    fail(
      'conflict',
      'Số không thuộc dải số đã cấp cho ki-ốt hôm nay',
      'The number is not in a block leased to this kiosk today',
    );
  if (state.tickets.has(c.ticketId))
    fail('conflict', 'Số đã được ghi nhận', 'That ticket was already merged');
  const number = formatNumber(service.prefix, c.seq);
  for (const t of state.tickets.values())
    if (t.number === number)
      fail('conflict', `Số ${number} đã tồn tại`, `Ticket number ${number} already exists`);
  if (c.procedureId && ctx.site.procedures.get(c.procedureId)?.serviceId !== service.id)
    fail(
      'invalid_request',
      'Thủ tục không thuộc dịch vụ đã chọn',
      'The procedure belongs to another service',
    );
  const { priority, basis } = priorityFor(ctx.site, c, state.day, 'normal');
  return {
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
  };
}

/** A012: the prefix letter and at least three digits. */
export function formatNumber(prefix: string, seq: number): string {
  return `${prefix}${String(seq).padStart(3, '0')}`;
}

/** The declared class, or the age-based one when the birth date gives a weightier class. */
export type PriorityBasis = 'none' | 'declared' | 'birth-date' | 'appointment';

/** The class of the booked-appointment priority (PROTOCOL.md §6): given by check-in, never declared. */
export const APPOINTMENT_CLASS = 'appointment';

/**
 * The ticket's priority class: declared (only a `declarable` class), from the birth date, or from an
 * appointment checked in on time. An offline kiosk's merged ticket cannot have had its claim
 * checked, so a class it may not declare falls back to normal there instead of losing the ticket.
 */
export function priorityFor(
  site: Site,
  c: { priority?: string; birthDate?: string; appointmentId?: string },
  today: string,
  undeclarable: 'refuse' | 'normal' = 'refuse',
): { priority: string; basis: PriorityBasis } {
  let priority = 'normal';
  let basis: PriorityBasis = 'none';
  if (c.priority && c.priority !== 'normal') {
    const cls = site.classes.get(c.priority);
    if (!cls)
      fail(
        'invalid_request',
        `Không có đối tượng ưu tiên "${c.priority}"`,
        `unknown priority class "${c.priority}"`,
      );
    if (cls.declarable) {
      priority = c.priority;
      basis = 'declared';
    } else if (c.priority !== APPOINTMENT_CLASS || !c.appointmentId) {
      if (undeclarable === 'refuse')
        fail(
          'forbidden',
          `Không thể tự khai đối tượng "${cls.name.vi}"${c.priority === APPOINTMENT_CLASS ? ': cần mã lịch hẹn' : ''}`,
          `"${cls.name.en}" cannot be declared${c.priority === APPOINTMENT_CLASS ? ': an appointment code is needed' : ''}`,
        );
    }
  }
  if (c.appointmentId && site.classes.has(APPOINTMENT_CLASS)) {
    priority = APPOINTMENT_CLASS;
    basis = 'appointment';
  }
  if (c.birthDate) {
    const age = ageOn(c.birthDate, today);
    for (const cls of site.classes.values()) {
      if (cls.minAge === undefined || age < cls.minAge) continue;
      if (cls.weight > (site.classes.get(priority)?.weight ?? 1)) {
        priority = cls.id;
        basis = 'birth-date';
      }
    }
  }
  return { priority, basis };
}

export function isOpen(site: Site, now: number): boolean {
  const weekday = localWeekday(now, site.timeZone);
  const minute = localMinuteOfDay(now, site.timeZone);
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return site.config.openingHours.some(
    (p) => p.days.includes(weekday) && minute >= toMinutes(p.open) && minute < toMinutes(p.close),
  );
}

/**
 * A rating goes to a citizen who was served at this counter, once per ticket (docs/queue-server.md,
 * "Ratings"). Without a ticket id: the ticket being served, else the one finished here within
 * `RATING_WINDOW_MS`, else the ticket called here (an officer who serves without pressing "start").
 */
function rate(state: QueueState, c: Extract<Command, { type: 'rate' }>, ctx: DecideContext): QueueEvent {
  const counter = counterOf(state, c.counterId);
  const ticket = c.ticketId ? ratedTicket(state, counter, c.ticketId) : ticketToRate(state, counter, ctx.now);
  if (!ticket)
    fail(
      'conflict',
      'Quầy chưa phục vụ quý khách nào để đánh giá',
      'This counter has served nobody to rate yet',
    );
  if (state.ratings.some((r) => r.ticketId === ticket.id))
    fail('conflict', 'Lượt phục vụ này đã được đánh giá', 'This service has already been rated');
  return {
    type: 'rating.submitted',
    at: ctx.now,
    ratingId: ctx.newId(),
    counterId: counter.id,
    ticketId: ticket.id,
    officerId: ticket.officerId ?? null,
    serviceId: ticket.serviceId,
    score: c.score,
  };
}

/** A ticket named by the device: it must have been called to this counter and not be a no-show. */
function ratedTicket(state: QueueState, counter: CounterState, ticketId: string): TicketRecord {
  const ticket = state.tickets.get(ticketId);
  if (!ticket) notFound();
  if (ticket.counterId !== counter.id)
    fail('conflict', 'Số này không được phục vụ tại quầy này', 'That ticket was not served at this counter');
  if (!['called', 'serving', 'done'].includes(ticket.status))
    fail('conflict', 'Số này chưa được phục vụ', 'That ticket was not served');
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

function counterOf(state: QueueState, counterId: string): CounterState {
  const counter = state.counters.get(counterId);
  if (!counter) fail('unknown_counter', `Không có quầy "${counterId}"`, `unknown counter "${counterId}"`);
  return counter;
}

function ticketIn(state: QueueState, ticketId: string, allowed: TicketRecord['status'][]): TicketRecord {
  const t = state.tickets.get(ticketId);
  if (!t) notFound();
  if (!allowed.includes(t.status))
    fail(
      'conflict',
      `Không thể thực hiện khi số ở trạng thái "${t.status}"`,
      `not allowed while the ticket is ${t.status}`,
    );
  return t;
}

function ticketAtCounter(
  state: QueueState,
  counterId: string,
  ticketId: string,
  allowed: TicketRecord['status'][],
): TicketRecord {
  counterOf(state, counterId);
  const t = ticketIn(state, ticketId, allowed);
  if (t.counterId !== counterId)
    fail('conflict', 'Số này không ở quầy này', 'That ticket is not at this counter');
  return t;
}

function unknownService(id: string): never {
  fail('unknown_service', `Không có dịch vụ "${id}"`, `unknown service "${id}"`);
}

function notFound(): never {
  fail('not_found', 'Không tìm thấy số thứ tự', 'Ticket not found');
}
