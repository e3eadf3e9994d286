import { ERROR_CODES, ProtocolError } from '@oss/protocol';
import { describe, expect, it } from 'vitest';
import * as refusals from '../refusals.ts';

/** Each refusal with arguments that must show in both texts (none: they are fixed texts). */
const CALLS: Record<keyof typeof refusals, { call: () => never; shows?: string }> = {
  ticketNotFound: { call: () => refusals.ticketNotFound() },
  unknownCounter: { call: () => refusals.unknownCounter('quay-9'), shows: 'quay-9' },
  unknownService: { call: () => refusals.unknownService('ho-tich'), shows: 'ho-tich' },
  unknownProcedure: { call: () => refusals.unknownProcedure('khai-sinh'), shows: 'khai-sinh' },
  unknownPriorityClass: { call: () => refusals.unknownPriorityClass('vip'), shows: 'vip' },
  procedureOfAnotherService: { call: () => refusals.procedureOfAnotherService() },
  undeclarableClass: {
    call: () => refusals.undeclarableClass({ vi: 'Người có công', en: 'Meritorious person' }, false),
    shows: 'Người có công',
  },
  outsideOpeningHours: { call: () => refusals.outsideOpeningHours() },
  requestWithdrawn: { call: () => refusals.requestWithdrawn() },
  offlineNumbersUsedUp: { call: () => refusals.offlineNumbersUsedUp(100), shows: '100' },
  notInLease: { call: () => refusals.notInLease() },
  alreadyMerged: { call: () => refusals.alreadyMerged() },
  numberTaken: { call: () => refusals.numberTaken('A512'), shows: 'A512' },
  notAllowedInStatus: { call: () => refusals.notAllowedInStatus('cancelled'), shows: 'cancelled' },
  notAtThisCounter: { call: () => refusals.notAtThisCounter() },
  nothingToRecall: { call: () => refusals.nothingToRecall() },
  servingIsNoNoShow: { call: () => refusals.servingIsNoNoShow() },
  alreadyInService: { call: () => refusals.alreadyInService() },
  finishBeforeClosing: { call: () => refusals.finishBeforeClosing() },
  noServiceAtCounter: { call: () => refusals.noServiceAtCounter() },
  transferToSameCounter: { call: () => refusals.transferToSameCounter() },
  counterClosed: { call: () => refusals.counterClosed('counter-4'), shows: 'counter-4' },
  counterLacksService: { call: () => refusals.counterLacksService('counter-4', 'land'), shows: 'land' },
  notServedHere: { call: () => refusals.notServedHere() },
  notServed: { call: () => refusals.notServed() },
  nobodyToRate: { call: () => refusals.nobodyToRate() },
  alreadyRated: { call: () => refusals.alreadyRated() },
  alreadyEstimated: { call: () => refusals.alreadyEstimated() },
};

function refusalOf(call: () => never): ProtocolError {
  try {
    call();
  } catch (e) {
    if (e instanceof ProtocolError) return e;
    throw e;
  }
  throw new Error('the refusal did not throw');
}

describe('refusals', () => {
  it.each(Object.entries(CALLS))('%s: a protocol code and distinct Vietnamese and English texts', (_, c) => {
    const { code, text } = refusalOf(c.call);
    expect(ERROR_CODES).toContain(code);
    // Vietnamese text has its diacritics (a letter outside ASCII); the English one has none.
    expect(text.vi).toMatch(/[^\x00-\x7f]/);
    expect(text.en).toMatch(/^[\x00-\x7f]+$/);
    expect(text.vi).not.toBe(text.en);
    if (c.shows) expect(text.vi).toContain(c.shows);
  });

  it('names the thing refused in English too', () => {
    expect(refusalOf(CALLS.undeclarableClass.call).text.en).toContain('Meritorious person');
    for (const c of Object.values(CALLS))
      if (c.shows && c.shows !== 'Người có công') expect(refusalOf(c.call).text.en).toContain(c.shows);
  });
});
