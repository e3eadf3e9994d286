import { describe, expect, it } from 'vitest';
import { RequestSchemas } from './messages.ts';
import { invalidRequestBody, isBirthDate, requestLang, validate } from './validate.ts';

describe('birth dates', () => {
  it('only real days from 1900 to today', () => {
    for (const ok of ['1900-01-01', '1952-02-29', '2000-02-29', new Date().toISOString().slice(0, 10)])
      expect(isBirthDate(ok), ok).toBe(true);
    const nextYear = `${new Date().getUTCFullYear() + 1}-01-01`;
    for (const bad of [
      '1899-12-31',
      '1800-01-01',
      '2099-02-30',
      '1950-13-45',
      '1950-02-29',
      '1950-1-1',
      nextYear,
    ])
      expect(isBirthDate(bad), bad).toBe(false);
  });

  it('the ticket.issue schema refuses an impossible one, naming the field', () => {
    const result = validate(RequestSchemas['ticket.issue'], {
      id: 'r1',
      serviceId: 'land',
      citizen: { birthDate: '1950-13-45' },
    });
    expect(result).toMatchObject({ ok: false, path: 'citizen.birthDate' });
  });
});

describe('refusals in the request language', () => {
  it('reads lang even from a request that fails its schema', () => {
    const body = { id: 'r1', serviceId: 'land', lang: 'en', colour: 'red' };
    const result = validate(RequestSchemas['ticket.issue'], body);
    if (result.ok) throw new Error('accepted');
    expect(invalidRequestBody(result.text, requestLang(body))).toEqual({
      code: 'invalid_request',
      message: 'unknown field "colour"',
      text: { vi: 'Trường không được hỗ trợ "colour"', en: 'unknown field "colour"' },
    });
    expect(requestLang({ lang: 'fr' })).toBe('vi');
    expect(requestLang(null)).toBe('vi');
  });
});
