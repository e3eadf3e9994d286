/**
 * Decisions: a command and the current state give the events to store, or a ProtocolError that changes
 * nothing. Each command has its handler in `commands/` (a table, as protocol's `ACTIONS`); nothing here
 * mutates the state: `applyEventInPlace` does, after the shell has stored the events.
 */
import { localDate, localParts } from '@oss/protocol';
import { applyEventInPlace } from './apply.ts';
import type { Command, CommandHandler, CommandOf, CommandType, DecideContext } from './command.ts';
import * as counter from './commands/counter.ts';
import { emotion, rate } from './commands/feedback.ts';
import { issue, merge, voidRequest } from './commands/issue.ts';
import { lease } from './commands/lease.ts';
import * as serve from './commands/serve.ts';
import { counterSeeds } from './site.ts';
import type { DayStartedEvent, QueueEvent, QueueState } from './state.ts';

const HANDLERS: { [T in CommandType]: CommandHandler<T> } = {
  issue,
  lease,
  merge,
  void: voidRequest,
  next: serve.next,
  recall: serve.recall,
  start: serve.start,
  finish: serve.finish,
  transfer: serve.transfer,
  cancel: serve.cancel,
  rate,
  emotion,
  'sign-in': counter.signIn,
  'sign-out': counter.signOut,
  'device-offline': counter.deviceOffline,
  open: counter.open,
  close: counter.close,
  'set-services': counter.setServices,
  /** Nothing but the rollover, which every command gets first. */
  rollover: () => [],
};

/** Events for `command`, preceded by the day's rollover when the site's date has changed. */
export function decide(state: QueueState, command: Command, ctx: DecideContext): QueueEvent[] {
  const hour = localParts(ctx.now, ctx.site.timeZone).hour;
  return decideEvents(state, command, ctx).map((e) =>
    e.type === 'ticket.finished' && e.outcome === 'done' ? { ...e, localHour: hour } : e,
  );
}

function decideEvents(state: QueueState, command: Command, ctx: DecideContext): QueueEvent[] {
  const rollover = rolloverEvents(state, ctx);
  if (!rollover) return decideToday(state, command, ctx);
  // Decide against the new day's state: applying `day.started` builds a new state and leaves the
  // caller's untouched.
  const today = applyEventInPlace(state, rollover.started);
  return [...rollover.closing, rollover.started, ...decideToday(today, command, ctx)];
}

function decideToday<T extends CommandType>(state: QueueState, command: CommandOf<T>, ctx: DecideContext) {
  const handler: CommandHandler<T> = HANDLERS[command.type];
  return handler(state, command, ctx);
}

/**
 * At the first event of a new local day: the events that close what is left of the old day, and the
 * new day's start; undefined on the same day.
 */
function rolloverEvents(
  state: QueueState,
  ctx: DecideContext,
): { closing: QueueEvent[]; started: DayStartedEvent } | undefined {
  const today = localDate(ctx.now, ctx.site.timeZone);
  if (today === state.day) return undefined;
  const at = ctx.now;
  const closing: QueueEvent[] = [];
  for (const t of state.tickets.values()) {
    if (t.status === 'waiting')
      closing.push({ type: 'ticket.cancelled', at, ticketId: t.id, reason: 'day-end' });
    if ((t.status === 'called' || t.status === 'serving') && t.counterId)
      closing.push({ type: 'ticket.finished', at, ticketId: t.id, counterId: t.counterId, outcome: 'done' });
  }
  const started: DayStartedEvent = {
    type: 'day.started',
    at,
    day: today,
    counters: counterSeeds(ctx.site),
    serviceTimes: [...state.serviceTimes].map(([id, s]) => [id, structuredClone(s)]),
  };
  return { closing, started };
}
