import { describe, expect, it } from 'vitest';
import { createLogger, LogLevelError, parseLogLevel, REDACTED } from './log.ts';

/** Made-up citizen (no real person). */
const CCCD = '001050007064';
const CMND = '125478963';
const NAME = 'Phạm Thị Hoà Bình';

function capture(level: Parameters<typeof createLogger>[1] = 'debug') {
  const lines: string[] = [];
  const log = createLogger('test', level, (line) => lines.push(line));
  return { log, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('the shared logger', () => {
  it('never writes an ID number or a name, wherever it is in the record', () => {
    const { log, lines, records } = capture();
    const error = Object.assign(new Error(`no card ${CCCD}`), { code: CMND });
    const shared = { ok: true };
    log.info(
      {
        path: `/api/lookup/${CCCD}`,
        fullName: NAME,
        citizen: { birthDate: '1950-01-02', idNumber: CCCD },
        nested: [
          { deep: { name: NAME, oldIdNumber: CMND, spaced: '0010 5000 7064', dotted: '125.478.963' } },
        ],
        holderName: NAME,
        millis: 1_050_007_064_001,
        cmndAsNumber: 125_478_963,
        err: error,
        bytes: new TextEncoder().encode(`${CCCD}|${CMND}|${NAME}`),
        [`key-${CCCD}`]: 1,
        a: shared,
        b: shared,
      },
      `ticket for ${CCCD} / ${CMND}`,
    );
    const text = lines.join('');
    for (const secret of [CCCD, CMND, NAME, '0010 5000 7064', '125.478.963', '125478963'])
      expect(text).not.toContain(secret);
    const [record] = records();
    expect(record).toMatchObject({
      level: 'info',
      name: 'test',
      msg: `ticket for ${REDACTED} / ${REDACTED}`,
      path: `/api/lookup/${REDACTED}`,
      fullName: REDACTED,
      citizen: REDACTED,
      holderName: REDACTED,
      millis: 1_050_007_064_001, // 13 digits: a time, not an ID
      nested: [{ deep: { name: REDACTED, oldIdNumber: REDACTED, spaced: REDACTED, dotted: REDACTED } }],
      err: { type: 'Error', message: `no card ${REDACTED}`, code: REDACTED },
      bytes: expect.stringMatching(/^\[\d+ bytes\]$/),
      [`key-${REDACTED}`]: 1,
      a: { ok: true },
      b: { ok: true },
    });
  });

  it('keeps what operators need: ids, codes, times, counts, and its own name', () => {
    const { log, records } = capture();
    const at = Date.UTC(2026, 11, 2, 8);
    log.warn(
      { device: 'kiosk-1', ticketId: 'Vb3kQ9x2mP7sT1wZ4yLc0a', code: 'offline', ms: 1234, at, count: 50 },
      'server link lost',
    );
    log.info({ name: 'spoofed', level: 'error' }, 'reserved keys');
    const [first, second] = records();
    expect(first).toMatchObject({ device: 'kiosk-1', code: 'offline', ms: 1234, at, count: 50 });
    expect(first!.ticketId).toBe('Vb3kQ9x2mP7sT1wZ4yLc0a');
    expect(first!.t).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(second).toMatchObject({ name: 'test', level: 'info', _name: REDACTED, _level: 'error' });
  });

  it('survives cycles and very deep records', () => {
    const { log, records } = capture();
    const loop: Record<string, unknown> = { id: 'x' };
    loop.self = loop;
    let deep: Record<string, unknown> = { idNumber: CCCD };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    log.error({ loop, deep }, 'odd record');
    const text = JSON.stringify(records());
    expect(text).toContain('[circular]');
    expect(text).toContain('[too deep]');
    expect(text).not.toContain(CCCD);
  });

  it('writes only records at or above its level', () => {
    const { log, records } = capture('warn');
    log.debug({}, 'd');
    log.info({}, 'i');
    log.warn({}, 'w');
    log.error({}, 'e');
    expect(records().map((r) => r.msg)).toEqual(['w', 'e']);
  });

  it('reads OSS_LOG_LEVEL: empty is info, case and spaces do not matter, anything else is a bilingual error', () => {
    expect(parseLogLevel(undefined)).toBe('info');
    expect(parseLogLevel('')).toBe('info');
    expect(parseLogLevel(' WARN ')).toBe('warn');
    expect(parseLogLevel('debug')).toBe('debug');
    expect(() => parseLogLevel('loud')).toThrow(LogLevelError);
    try {
      parseLogLevel('loud');
    } catch (e) {
      const { text } = e as LogLevelError;
      expect(text.vi).toBe(
        'Biến OSS_LOG_LEVEL="loud" không hợp lệ: chỉ nhận debug, info, warn, error (để trống là info)',
      );
      expect(text.en).toContain('OSS_LOG_LEVEL="loud" is not a log level');
      expect((e as Error).message).toBe(`${text.vi} / ${text.en}`);
    }
    const saved = process.env.OSS_LOG_LEVEL;
    process.env.OSS_LOG_LEVEL = 'verbose';
    try {
      expect(() => createLogger('x')).toThrow(/OSS_LOG_LEVEL="verbose"/);
    } finally {
      if (saved === undefined) delete process.env.OSS_LOG_LEVEL;
      else process.env.OSS_LOG_LEVEL = saved;
    }
  });
});
