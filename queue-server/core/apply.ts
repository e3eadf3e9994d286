/** Applies one stored event to the state. Deterministic: replaying the day's events rebuilds the state. */
import type { QueueEvent, QueueState, TicketRecord } from './state.ts';
import { emptyState, voidKey } from './state.ts';

/** Weight of the newest service time in the running mean. */
const SERVICE_TIME_ALPHA = 0.1;

/**
 * Mutates `state` by one event and returns the state to go on with: `state` itself, except after
 * `day.started`, which begins a new state and leaves the old one untouched (the rollover decides
 * against it). Not pure by choice: a copy of the day's tickets and lines for every event would make
 * each command cost as much as the day so far, for callers that never keep the old state.
 */
export function applyEventInPlace(state: QueueState, event: QueueEvent): QueueState {
  switch (event.type) {
    case 'day.started': {
      const next = emptyState(event.day, event.counters);
      next.serviceTimes = new Map(
        event.serviceTimes.map(([id, st]) => [
          id,
          { ...st, ...(st.byHour ? { byHour: structuredClone(st.byHour) } : {}) },
        ]),
      );
      return next;
    }
    case 'ticket.issued': {
      // Online numbers only: offline ones come from the kiosks' own bands (numbers.ts, offlineBands).
      if (!event.offline) {
        const prefix = event.number.replace(/\d+$/, '');
        state.lastSeq[prefix] = Math.max(state.lastSeq[prefix] ?? 0, event.seq);
      }
      const ticket: TicketRecord = {
        id: event.ticketId,
        seq: event.seq,
        number: event.number,
        serviceId: event.serviceId,
        originalServiceId: event.serviceId,
        priority: event.priority,
        status: 'waiting',
        issuedAt: event.issuedAt,
        queuedAt: event.issuedAt,
        recalls: 0,
        offline: event.offline ?? false,
        ...(event.procedureId ? { procedureId: event.procedureId } : {}),
        ...(event.deviceId ? { deviceId: event.deviceId } : {}),
        ...(event.requestId ? { requestId: event.requestId } : {}),
      };
      state.tickets.set(ticket.id, ticket);
      enqueue(state, ticket);
      return state;
    }
    case 'ticket.called': {
      const t = ticket(state, event.ticketId);
      dequeue(state, t);
      t.status = 'called';
      t.calledAt = event.at;
      t.firstCalledAt ??= event.at;
      t.counterId = event.counterId;
      delete t.forCounterId;
      if (event.officerId) t.officerId = event.officerId;
      counter(state, event.counterId).currentTicketId = t.id;
      return state;
    }
    case 'ticket.recalled': {
      const t = ticket(state, event.ticketId);
      t.recalls++;
      t.calledAt = event.at;
      return state;
    }
    case 'ticket.started': {
      const t = ticket(state, event.ticketId);
      t.status = 'serving';
      t.startedAt = event.at;
      return state;
    }
    case 'ticket.finished': {
      const t = ticket(state, event.ticketId);
      t.status = event.outcome;
      t.finishedAt = event.at;
      releaseCounter(state, t);
      if (event.outcome === 'done')
        learnServiceTime(state, t.serviceId, event.at - (t.startedAt ?? t.calledAt!), event.localHour);
      return state;
    }
    case 'ticket.transferred': {
      const t = ticket(state, event.ticketId);
      dequeue(state, t);
      releaseCounter(state, t);
      t.status = 'waiting';
      t.serviceId = event.toServiceId;
      t.queuedAt = event.at;
      delete t.calledAt;
      delete t.startedAt;
      delete t.counterId;
      if (event.toCounterId) t.forCounterId = event.toCounterId;
      else delete t.forCounterId;
      enqueue(state, t);
      return state;
    }
    case 'ticket.cancelled': {
      const t = ticket(state, event.ticketId);
      dequeue(state, t);
      releaseCounter(state, t);
      t.status = 'cancelled';
      t.finishedAt = event.at;
      return state;
    }
    case 'rating.submitted':
      state.ratings.push({
        id: event.ratingId,
        counterId: event.counterId,
        ticketId: event.ticketId,
        officerId: event.officerId,
        serviceId: event.serviceId,
        score: event.score,
        at: event.at,
      });
      return state;
    case 'counter.signed-in':
      counter(state, event.counterId).officerId = event.officerId;
      counter(state, event.counterId).open = true;
      return state;
    case 'counter.signed-out':
      counter(state, event.counterId).officerId = null;
      return state;
    case 'counter.opened':
      counter(state, event.counterId).open = true;
      counter(state, event.counterId).breakReason = null;
      return state;
    case 'counter.closed':
      counter(state, event.counterId).open = false;
      counter(state, event.counterId).breakReason = event.reason ?? null;
      releaseReservations(state, event.counterId);
      return state;
    case 'counter.services-set':
      counter(state, event.counterId).serviceIds = [...event.serviceIds];
      return state;
    case 'emotion.submitted':
      state.emotions.push({
        ticketId: event.ticketId,
        counterId: event.counterId,
        officerId: event.officerId,
        serviceId: event.serviceId,
        satisfaction: event.satisfaction,
        confidence: event.confidence,
        frames: event.frames,
        at: event.at,
      });
      return state;
    case 'request.voided':
      state.voidedRequests.add(voidKey(event.deviceId, event.requestId));
      return state;
    case 'lease.granted':
      state.leases.push({
        deviceId: event.deviceId,
        serviceId: event.serviceId,
        prefix: event.prefix,
        from: event.from,
        to: event.to,
        grantedAt: event.at,
      });
      return state;
  }
}

function ticket(state: QueueState, id: string): TicketRecord {
  const t = state.tickets.get(id);
  if (!t) throw new Error(`event refers to unknown ticket ${id}`);
  return t;
}

function counter(state: QueueState, id: string) {
  const c = state.counters.get(id);
  if (!c) throw new Error(`event refers to unknown counter ${id}`);
  return c;
}

/** Inserts in (queuedAt, seq) order: a transferred ticket keeps its place by its original issue time. */
function enqueue(state: QueueState, t: TicketRecord): void {
  const line = state.waiting.get(t.serviceId) ?? [];
  const key = t.issuedAt;
  let i = line.length;
  while (i > 0) {
    const prev = state.tickets.get(line[i - 1]!)!;
    if (prev.issuedAt < key || (prev.issuedAt === key && prev.seq <= t.seq)) break;
    i--;
  }
  line.splice(i, 0, t.id);
  state.waiting.set(t.serviceId, line);
}

function dequeue(state: QueueState, t: TicketRecord): void {
  if (t.status !== 'waiting') return;
  const line = state.waiting.get(t.serviceId);
  const i = line?.indexOf(t.id) ?? -1;
  if (line && i >= 0) line.splice(i, 1);
}

/** Tickets transferred to a counter that closes go back to their service's common line. */
function releaseReservations(state: QueueState, counterId: string): void {
  for (const line of state.waiting.values())
    for (const id of line) {
      const t = state.tickets.get(id);
      if (t?.forCounterId === counterId) delete t.forCounterId;
    }
}

function releaseCounter(state: QueueState, t: TicketRecord): void {
  if (!t.counterId) return;
  const c = state.counters.get(t.counterId);
  if (c?.currentTicketId === t.id) c.currentTicketId = null;
}

function learnServiceTime(state: QueueState, serviceId: string, durationMs: number, hour?: number): void {
  const minutes = durationMs / 60_000;
  if (!(minutes > 0)) return;
  let s = state.serviceTimes.get(serviceId);
  if (!s) {
    s = { n: 0, meanMinutes: minutes };
    state.serviceTimes.set(serviceId, s);
  }
  learn(s, minutes);
  if (hour !== undefined) {
    s.byHour ??= {};
    const atHour = s.byHour[hour] ?? { n: 0, meanMinutes: minutes };
    s.byHour[hour] = atHour;
    learn(atHour, minutes);
  }
}

/** Plain mean while history is short, then an exponential average that follows recent services. */
function learn(s: { n: number; meanMinutes: number }, minutes: number): void {
  const alpha = Math.max(SERVICE_TIME_ALPHA, 1 / (s.n + 1));
  s.meanMinutes += alpha * (minutes - s.meanMinutes);
  s.n++;
}
