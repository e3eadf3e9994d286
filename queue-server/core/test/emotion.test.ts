import { ProtocolError } from '@oss/protocol';
import { describe, expect, it } from 'vitest';
import { EMOTION_DISPLAY_MINIMUM, emotionStats } from '../kpis.ts';
import { QueueCore } from '../queue-core.ts';
import { compileSite } from '../site.ts';
import { idSequence, MINUTE, MONDAY_9AM, testConfig } from './fixtures.ts';

describe('emotion estimates', () => {
  it('are stored once per served ticket and weighted by confidence beside the button ratings', () => {
    const core = new QueueCore(compileSite(testConfig()), '2026-11-23');
    const ids = idSequence();
    core.execute({ type: 'sign-in', counterId: 'counter-1', officerId: 'officer-a' }, MONDAY_9AM, ids);
    const served: string[] = [];
    for (let i = 0; i < 2; i++) {
      core.execute({ type: 'issue', serviceId: 'civil-status' }, MONDAY_9AM + i, ids);
    }
    for (let i = 0; i < 2; i++) {
      const events = core.execute(
        { type: 'next', counterId: 'counter-1' },
        MONDAY_9AM + (i + 1) * MINUTE,
        ids,
      );
      served.push((events.find((e) => e.type === 'ticket.called') as { ticketId: string }).ticketId);
    }
    const submit = (ticketId: string, satisfaction: number, confidence: number) =>
      core.execute(
        {
          type: 'emotion',
          counterId: 'counter-1',
          ticketId,
          satisfaction,
          confidence,
          frames: 5,
          model: 'test',
        },
        MONDAY_9AM + 5 * MINUTE,
        ids,
      );
    submit(served[0]!, 0.9, 0.6);
    submit(served[1]!, 0.3, 0.2);
    const officer = core.kpis(MONDAY_9AM + 6 * MINUTE).officers.find((o) => o.officerId === 'officer-a')!;
    expect(officer.emotionEstimates).toBe(2);
    // (0.9·0.6 + 0.3·0.2) / 0.8 = 0.75
    expect(officer.emotionSatisfaction).toBe(0.75);
    expect(officer.emotionMeanConfidence).toBe(0.4);
    expect(officer.emotionFrames).toBe(10);
    expect(officer.emotionEnoughData).toBe(false); // two services: not enough to show
    expect(() => submit(served[0]!, 0.5, 0.5)).toThrow(ProtocolError);
    const waiting = core.execute({ type: 'issue', serviceId: 'civil-status' }, MONDAY_9AM, ids)[0] as {
      ticketId: string;
    };
    expect(() => submit(waiting.ticketId, 0.5, 0.5)).toThrow(/not served at this counter/);
  });
});

describe('emotion display minimum', () => {
  const min = EMOTION_DISPLAY_MINIMUM;
  const estimate = {
    satisfaction: 0.7,
    confidence: min.meanConfidence,
    frames: Math.ceil(min.frames / min.estimates),
  };
  const many = (n: number, change: { confidence?: number; frames?: number } = {}) =>
    Array.from({ length: n }, () => ({ ...estimate, ...change }));

  it('is reached with enough services, frames and confidence, and the estimate stays the same', () => {
    const stats = emotionStats(many(min.estimates));
    expect(stats.emotionEnoughData).toBe(true);
    expect(stats.emotionSatisfaction).toBe(0.7);
    expect(stats.emotionFrames).toBe(min.estimates * estimate.frames);
  });

  it('is not reached with one service fewer, too few frames, or too little confidence', () => {
    expect(emotionStats(many(min.estimates - 1)).emotionEnoughData).toBe(false);
    expect(emotionStats(many(min.estimates, { frames: 1 })).emotionEnoughData).toBe(false);
    expect(
      emotionStats(many(min.estimates, { confidence: min.meanConfidence - 0.05 })).emotionEnoughData,
    ).toBe(false);
    expect(emotionStats([]).emotionEnoughData).toBe(false);
  });
});
