/** The core as one object: a compiled site and its state, for the server shell and the simulator. */
import type { QueueSummary, Ticket } from '@oss/protocol';
import { applyEventInPlace } from './apply.ts';
import type { Command } from './command.ts';
import { decide } from './decide.ts';
import { computeKpis, type SiteKpis } from './kpis.ts';
import { counterSeeds, type Site } from './site.ts';
import { emptyState, type QueueEvent, type QueueState, type TicketRecord } from './state.ts';
import { queueSummary, ticketView } from './views.ts';

export class QueueCore {
  state: QueueState;

  constructor(
    readonly site: Site,
    day: string,
  ) {
    this.state = emptyState(day, counterSeeds(site));
  }

  /** Events for a command; throws ProtocolError (and changes nothing) when it is refused. */
  decide(command: Command, now: number, newId: () => string): QueueEvent[] {
    return decide(this.state, command, { site: this.site, now, newId });
  }

  apply(events: readonly QueueEvent[]): void {
    for (const e of events) this.state = applyEventInPlace(this.state, e);
  }

  /** Decide and apply at once: for the simulator, which stores nothing. */
  execute(command: Command, now: number, newId: () => string): QueueEvent[] {
    const events = this.decide(command, now, newId);
    this.apply(events);
    return events;
  }

  ticket(id: string, now: number): Ticket | null {
    const t = this.state.tickets.get(id);
    return t ? ticketView(this.site, this.state, t, now) : null;
  }

  /** The public view of a ticket record that may not be in today's state (a past day's). */
  ticketViewOf(record: TicketRecord, now: number): Ticket {
    return ticketView(this.site, this.state, record, now);
  }

  summary(now: number): QueueSummary {
    return queueSummary(this.site, this.state, now);
  }

  kpis(now: number): SiteKpis {
    return computeKpis(this.site, this.state, now);
  }
}
