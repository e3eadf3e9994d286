import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleTimer } from './idle.ts';

describe('idle timer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function timer() {
    const countdown: (number | null)[] = [];
    const onTimeout = vi.fn();
    const idle = new IdleTimer({
      timeoutMs: 60_000,
      warningMs: 10_000,
      onCountdown: (left) => countdown.push(left),
      onTimeout,
    });
    return { idle, countdown, onTimeout };
  }

  it('warns 10 s before the timeout, counts down, then times out once', () => {
    const { idle, countdown, onTimeout } = timer();
    idle.start();
    vi.advanceTimersByTime(49_999);
    expect(countdown).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(countdown).toEqual([10]);
    expect(idle.warning).toBe(true);
    vi.advanceTimersByTime(9_000);
    expect(countdown.at(-1)).toBe(1);
    expect(onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
    expect(countdown.at(-1)).toBeNull();
    vi.advanceTimersByTime(120_000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('activity restarts the count, also during the warning', () => {
    const { idle, countdown, onTimeout } = timer();
    idle.start();
    vi.advanceTimersByTime(40_000);
    idle.activity();
    vi.advanceTimersByTime(40_000);
    expect(countdown).toEqual([]);
    vi.advanceTimersByTime(15_000);
    expect(idle.warning).toBe(true);
    idle.activity();
    expect(countdown.at(-1)).toBeNull();
    vi.advanceTimersByTime(59_000);
    expect(onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('stop cancels; activity while stopped does nothing', () => {
    const { idle, onTimeout } = timer();
    idle.start();
    idle.stop();
    idle.activity();
    vi.advanceTimersByTime(200_000);
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it('a longer time for one screen ("more time") holds until it is spent, and activity keeps it', () => {
    const { idle, countdown } = timer();
    idle.start(120_000);
    vi.advanceTimersByTime(100_000);
    idle.activity();
    vi.advanceTimersByTime(109_999);
    expect(countdown).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(countdown).toEqual([10]);
  });
});
