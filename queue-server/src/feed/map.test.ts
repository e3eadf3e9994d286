import { FeedBatch, FeedEvent, validate } from '@oss/protocol';
import { type Command, compileSite, QueueCore, type QueueEvent } from '@oss/queue-server/core';
import { describe, expect, it } from 'vitest';
import { idSequence, MINUTE, MONDAY_9AM, testConfig } from '../../core/test/fixtures.ts';
import { mapEvent, siteInfo } from './map.ts';

const BIRTH_DATE = '1950-04-17';
const DOSSIER_CODE = 'HS-2026-000001';

/** A day at a small site that produces every kind of event the core has. */
function busyDay(): QueueEvent[] {
  const site = compileSite(testConfig());
  const core = new QueueCore(site, '2026-11-22');
  const newId = idSequence('t');
  const events: QueueEvent[] = [];
  let now = MONDAY_9AM;
  const run = (c: Command) => {
    now += MINUTE;
    events.push(...core.execute(c, now, newId));
  };
  run({ type: 'rollover' });
  run({ type: 'sign-in', counterId: 'counter-1', officerId: 'officer1' });
  run({
    type: 'issue',
    serviceId: 'civil-status',
    birthDate: BIRTH_DATE,
    deviceId: 'kiosk-1',
    requestId: 'r1',
  });
  run({ type: 'issue', serviceId: 'civil-status', procedureId: 'birth-registration' });
  run({ type: 'issue', serviceId: 'land' });
  run({ type: 'next', counterId: 'counter-1' });
  const first = [...core.state.tickets.values()][0]!;
  run({ type: 'start', counterId: 'counter-1', ticketId: first.id });
  run({ type: 'recall', counterId: 'counter-1' });
  run({
    type: 'emotion',
    counterId: 'counter-1',
    ticketId: first.id,
    satisfaction: 0.8,
    confidence: 0.6,
    frames: 9,
    model: 'm',
    expressions: { happy: 0.7 },
  });
  run({
    type: 'finish',
    counterId: 'counter-1',
    ticketId: first.id,
    outcome: 'done',
    dossierCodes: [DOSSIER_CODE, 'HS-2026-000002'],
  });
  run({ type: 'rate', counterId: 'counter-1', ticketId: first.id, score: 5 });
  const second = [...core.state.tickets.values()][1]!;
  run({ type: 'transfer', counterId: null, ticketId: second.id, toServiceId: 'land' });
  run({ type: 'cancel', ticketId: second.id, reason: 'citizen' });
  run({ type: 'set-services', counterId: 'counter-3', serviceIds: ['civil-status'] });
  run({ type: 'close', counterId: 'counter-2' });
  run({ type: 'open', counterId: 'counter-2' });
  run({ type: 'sign-out', counterId: 'counter-1' });
  run({ type: 'lease', deviceId: 'kiosk-1', serviceId: 'land', size: 5 });
  run({ type: 'void', deviceId: 'kiosk-1', requestId: 'r-never-arrived' });
  return events;
}

describe('upward feed mapping', () => {
  const events = busyDay();
  const mapped = events.map((e, i) => mapEvent(i + 1, e));

  it('maps every event the hub uses to a valid feed event, and skips the site-only ones', () => {
    const skipped = new Set<string>();
    events.forEach((e, i) => {
      const m = mapped[i];
      if (m === null) {
        skipped.add(e.type);
        return;
      }
      const check = validate(FeedEvent, m);
      expect(check.ok, `${e.type}: ${check.ok ? '' : check.text.en}`).toBe(true);
      expect(m).toMatchObject({ type: e.type, seq: i + 1, at: e.at });
    });
    expect([...skipped].sort()).toEqual(['lease.granted', 'request.voided']);
    const carried = new Set(mapped.filter((m) => m !== null).map((m) => m.type));
    expect([...carried].sort()).toEqual([
      'counter.closed',
      'counter.opened',
      'counter.services-set',
      'counter.signed-in',
      'counter.signed-out',
      'day.started',
      'emotion.submitted',
      'rating.submitted',
      'ticket.called',
      'ticket.cancelled',
      'ticket.finished',
      'ticket.issued',
      'ticket.recalled',
      'ticket.started',
      'ticket.transferred',
    ]);
  });

  it('carries no birth date, device, request id or camera detail', () => {
    const text = JSON.stringify(mapped);
    expect(text).not.toContain(BIRTH_DATE);
    expect(text).not.toContain('kiosk-1');
    expect(text).not.toContain('requestId');
    expect(text).not.toContain('expressions');
    expect(mapped.find((m) => m?.type === 'ticket.issued')).toMatchObject({
      priority: 'elderly',
      priorityBasis: 'birth-date',
    });
  });

  it('the schema refuses a field it does not name, such as a citizen hash', () => {
    const issued = mapped.find((m) => m?.type === 'ticket.issued')!;
    const check = validate(FeedEvent, { ...issued, citizenHash: 'abc' });
    expect(check.ok).toBe(false);
    const batch = { v: 1, site: 'test', from: 1, to: 1, events: [{ ...issued, name: 'Nguyễn Văn A' }] };
    expect(validate(FeedBatch, batch).ok).toBe(false);
    expect(validate(FeedBatch, { ...batch, events: [issued] }).ok).toBe(true);
    expect(validate(FeedBatch, { ...batch, v: 2, events: [issued] }).ok).toBe(false);
  });

  it('carries how many dossiers were received at a visit, never their receipt codes', () => {
    expect(mapped.find((m) => m?.type === 'ticket.finished')).toMatchObject({ dossiers: 2 });
    expect(JSON.stringify(mapped)).not.toContain(DOSSIER_CODE);
  });

  it('describes the site without its address', () => {
    const info = siteInfo(compileSite(testConfig()));
    expect(info).toMatchObject({ site: 'test', waitTargetMinutes: 15, timeZone: 'Asia/Ho_Chi_Minh' });
    expect(JSON.stringify(info)).not.toContain('Hà Nội');
  });
});
