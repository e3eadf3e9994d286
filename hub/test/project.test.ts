import type { FeedEvent } from '@oss/protocol';
import { describe, expect, it } from 'vitest';
import { dayFigures, project, type TicketRow, ticketView } from '../src/project.ts';

const T0 = Date.parse('2026-11-23T08:00:00+07:00');
const MIN = 60_000;
let seq = 0;
const at = (minutes: number) => ({ seq: ++seq, at: T0 + minutes * MIN });
const issued = (id: string, minutes: number): FeedEvent => ({
  type: 'ticket.issued',
  ...at(minutes),
  ticketId: id,
  number: `A${id}`,
  serviceId: 'civil-status',
  priority: 'normal',
  priorityBasis: 'none',
  issuedAt: T0 + minutes * MIN,
  offline: false,
});

describe('the hub projection', () => {
  it('follows a ticket through its transitions as the site core does', () => {
    const events: FeedEvent[] = [
      { type: 'day.started', ...at(0), day: '2026-11-23' },
      issued('1', 0),
      { type: 'ticket.called', ...at(10), ticketId: '1', counterId: 'c1', officerId: 'officer1' },
      { type: 'ticket.recalled', ...at(12), ticketId: '1', counterId: 'c1' },
      {
        type: 'ticket.transferred',
        ...at(13),
        ticketId: '1',
        counterId: 'c1',
        fromServiceId: 'civil-status',
        toServiceId: 'land',
      },
      { type: 'ticket.called', ...at(20), ticketId: '1', counterId: 'c2', officerId: null },
      { type: 'ticket.started', ...at(21), ticketId: '1', counterId: 'c2' },
      { type: 'ticket.finished', ...at(30), ticketId: '1', counterId: 'c2', outcome: 'done' },
      {
        type: 'rating.submitted',
        ...at(31),
        ratingId: 'r1',
        counterId: 'c2',
        ticketId: '1',
        officerId: null,
        serviceId: 'land',
        score: 2,
      },
    ];
    const p = project(events, new Map(), null);
    const t = p.tickets.get('1')!;
    expect(t).toMatchObject({
      day: '2026-11-23',
      status: 'done',
      serviceId: 'land',
      originalServiceId: 'civil-status',
      firstCalledAt: T0 + 10 * MIN,
      calledAt: T0 + 20 * MIN,
      finishedAt: T0 + 30 * MIN,
      counterId: 'c2',
      officerId: 'officer1',
      rating: 2,
    });
    expect(p.ratings).toHaveLength(1);
    expect(p.day).toBe('2026-11-23');
    expect(ticketView(t, 'Asia/Ho_Chi_Minh')).toMatchObject({
      issuedAt: '2026-11-23T08:00:00.000+07:00',
      calledAt: '2026-11-23T08:20:00.000+07:00',
      rating: 2,
    });
  });

  it('continues from tickets already stored, in a later batch', () => {
    const first = project([issued('2', 0)], new Map(), '2026-11-23');
    const later = project(
      [{ type: 'ticket.cancelled', ...at(5), ticketId: '2', reason: 'citizen' }],
      first.tickets,
      '2026-11-23',
    );
    expect(later.tickets.get('2')).toMatchObject({ status: 'cancelled', number: 'A2' });
  });

  it('computes the day as the site dashboard does, counting late tickets still waiting', () => {
    const row = (
      minutesIssued: number,
      minutesCalled: number | null,
      status: TicketRow['status'],
    ): TicketRow => ({
      id: String(minutesIssued),
      day: '2026-11-23',
      number: 'A1',
      serviceId: 's',
      originalServiceId: 's',
      priority: 'normal',
      status,
      issuedAt: T0 + minutesIssued * MIN,
      ...(minutesCalled === null ? {} : { firstCalledAt: T0 + minutesCalled * MIN }),
    });
    const tickets = [
      row(0, 10, 'done'),
      row(0, 30, 'done'),
      row(5, null, 'waiting'),
      row(50, null, 'waiting'),
    ];
    const figures = dayFigures(
      tickets,
      [{ score: 5 }, { score: 3 }, { score: 2 }, { score: 1 }],
      T0 + 60 * MIN,
      15,
    );
    expect(figures).toEqual({
      issued: 4,
      served: 2,
      waiting: 2,
      meanWaitMinutes: 20,
      // 10 min within, 30 min late, 55 min still waiting (late); 10 min still waiting is not yet known.
      withinTargetShare: 1 / 3,
      // The core's definition: 4–5 are satisfied, 3 (Bình thường) is neutral.
      satisfiedShare: 0.25,
    });
  });
});
