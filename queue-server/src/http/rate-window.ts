/**
 * A fixed-window counter per key (a client address): at most `limit` takes per `windowMs`. Memory is
 * bounded: windows that have ended are dropped whenever the map grows past `maxKeys`.
 */
export class RateWindow {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly limit: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts one use by `key` at `now`; false when the key has used up its window. */
  take(key: string, now: number): boolean {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size >= this.maxKeys) this.prune(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= this.limit) return false;
    w.count++;
    return true;
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
    // Still full of live windows (a flood of addresses): forget the oldest half rather than grow.
    if (this.windows.size >= this.maxKeys)
      for (const key of [...this.windows.keys()].slice(0, this.maxKeys / 2)) this.windows.delete(key);
  }
}
