import { describe, expect, it } from 'vitest';
import { adviseSwitches, predictedServiceWaits } from '../advice.ts';
import type { Command } from '../command.ts';
import { QueueCore } from '../queue-core.ts';
import { compileSite } from '../site.ts';
import { idSequence, MINUTE, MONDAY_9AM, testConfig } from './fixtures.ts';

function centre() {
  const core = new QueueCore(compileSite(testConfig()), '2026-11-23');
  const ids = idSequence();
  const run = (c: Command, at = MONDAY_9AM) => core.execute(c, at, ids);
  return { core, run };
}

describe('counter advice', () => {
  it('gives none while every predicted wait is within the target', () => {
    const { core, run } = centre();
    run({ type: 'issue', serviceId: 'land' });
    run({ type: 'issue', serviceId: 'civil-status' });
    expect(adviseSwitches(core.site, core.state, MONDAY_9AM)).toEqual([]);
  });

  it('switches the counter that cuts the largest predicted wait most, and says why in Vietnamese first', () => {
    const { core, run } = centre();
    for (let i = 0; i < 10; i++) run({ type: 'issue', serviceId: 'land' }, MONDAY_9AM + i * 1000);
    run({ type: 'issue', serviceId: 'civil-status' }, MONDAY_9AM + 20_000);
    for (const counterId of ['counter-1', 'counter-2', 'counter-3'])
      run({ type: 'next', counterId }, MONDAY_9AM + MINUTE);
    const before = predictedServiceWaits(core.site, core.state);
    expect(before.get('land')!).toBeGreaterThan(15);
    const [first, ...rest] = adviseSwitches(core.site, core.state, MONDAY_9AM + MINUTE);
    expect(first).toMatchObject({
      counterId: 'counter-1',
      fromServiceIds: ['civil-status'],
      toServiceId: 'land',
      serviceIdsAfter: ['land'],
    });
    expect(first!.predictedWaitAfter).toBeLessThan(first!.predictedWaitBefore);
    expect(first!.largestWaitAfter).toBeLessThan(first!.largestWaitBefore);
    expect(first!.predictedWaitBefore).toBe(before.get('land'));
    expect(first!.reason.vi).toMatch(/Đất đai.*Quầy 1/);
    expect(first!.reason.en).toMatch(/Switch Counter 1 to Land/);
    // Following the advice gives the predicted waits it promised.
    run(
      { type: 'set-services', counterId: 'counter-1', serviceIds: first!.serviceIdsAfter },
      MONDAY_9AM + MINUTE,
    );
    expect(predictedServiceWaits(core.site, core.state).get('land')).toBe(first!.predictedWaitAfter);
    // No counter is advised twice.
    expect(rest.every((a) => a.counterId !== 'counter-1')).toBe(true);
  });
});

describe('one number for the alert, the advice and every screen', () => {
  it('the advice’s wait is the summary’s etaMinutes, and it acts exactly where the summary says overTarget', () => {
    const { core, run } = centre();
    for (let i = 0; i < 10; i++) run({ type: 'issue', serviceId: 'land' }, MONDAY_9AM + i * 1000);
    run({ type: 'issue', serviceId: 'civil-status' }, MONDAY_9AM + 20_000);
    for (const counterId of ['counter-1', 'counter-2', 'counter-3'])
      run({ type: 'next', counterId }, MONDAY_9AM + MINUTE);
    const now = MONDAY_9AM + 2 * MINUTE;
    const summary = core.summary(now);
    const over = summary.services.filter((s) => s.overTarget).map((s) => s.serviceId);
    expect(over).toEqual(['land']);
    const advice = adviseSwitches(core.site, core.state, now);
    expect(new Set(advice.map((a) => a.toServiceId))).toEqual(new Set(over));
    const land = summary.services.find((s) => s.serviceId === 'land')!;
    expect(advice[0]!.predictedWaitBefore).toBe(land.etaMinutes);
    expect(land.etaRange!.low).toBeLessThanOrEqual(land.etaMinutes);
    expect(land.etaRange!.high).toBeGreaterThanOrEqual(land.etaMinutes);
  });
});

describe('counter advice never strands a line', () => {
  it('does not move the only open counter of a service that has people waiting', () => {
    const { core, run } = centre();
    run({ type: 'close', counterId: 'counter-3' });
    for (let i = 0; i < 10; i++) run({ type: 'issue', serviceId: 'land' }, MONDAY_9AM + i * 1000);
    for (let i = 0; i < 3; i++) run({ type: 'issue', serviceId: 'civil-status' }, MONDAY_9AM + 20_000 + i);
    for (const counterId of ['counter-1', 'counter-2']) run({ type: 'next', counterId }, MONDAY_9AM + MINUTE);
    expect(predictedServiceWaits(core.site, core.state).get('land')!).toBeGreaterThan(15);
    // counter-1 is the only open civil-status counter and two citizens wait there.
    expect(adviseSwitches(core.site, core.state, MONDAY_9AM + MINUTE)).toEqual([]);
    // Once nobody waits for civil status, moving it is the advice.
    run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + 2 * MINUTE);
    run({ type: 'next', counterId: 'counter-1' }, MONDAY_9AM + 3 * MINUTE);
    const [move] = adviseSwitches(core.site, core.state, MONDAY_9AM + 3 * MINUTE);
    expect(move).toMatchObject({ counterId: 'counter-1', toServiceId: 'land' });
  });
});
