/**
 * The kiosk's idle timer: after `timeoutMs − warningMs` without a touch it warns (a countdown in whole
 * seconds), and at `timeoutMs` it times out; any activity during the warning cancels it.
 */
export interface IdleOptions {
  timeoutMs: number;
  warningMs: number;
  /** Seconds left while warning, null when not warning. */
  onCountdown: (secondsLeft: number | null) => void;
  onTimeout: () => void;
}

export class IdleTimer {
  private warnTimer: ReturnType<typeof setTimeout> | null = null;
  private tick: ReturnType<typeof setInterval> | null = null;
  private left: number | null = null;
  private running = false;
  private timeoutMs: number;

  constructor(private readonly options: IdleOptions) {
    this.timeoutMs = options.timeoutMs;
  }

  get warning(): boolean {
    return this.left !== null;
  }

  /** Starts (or restarts) counting from now; `timeoutMs` for this screen (a long page gives more). */
  start(timeoutMs = this.options.timeoutMs): void {
    this.running = true;
    this.timeoutMs = timeoutMs;
    this.reset();
  }

  /** A touch or key press: start counting again. */
  activity(): void {
    if (this.running) this.reset();
  }

  stop(): void {
    this.running = false;
    this.clear();
    if (this.left !== null) {
      this.left = null;
      this.options.onCountdown(null);
    }
  }

  private clear(): void {
    if (this.warnTimer) clearTimeout(this.warnTimer);
    if (this.tick) clearInterval(this.tick);
    this.warnTimer = null;
    this.tick = null;
  }

  private reset(): void {
    this.clear();
    if (this.left !== null) {
      this.left = null;
      this.options.onCountdown(null);
    }
    this.warnTimer = setTimeout(() => this.warn(), Math.max(0, this.timeoutMs - this.options.warningMs));
  }

  private warn(): void {
    this.left = Math.ceil(this.options.warningMs / 1000);
    this.options.onCountdown(this.left);
    this.tick = setInterval(() => {
      this.left = (this.left ?? 1) - 1;
      if (this.left <= 0) {
        this.clear();
        this.left = null;
        this.running = false;
        this.options.onCountdown(null);
        this.options.onTimeout();
      } else this.options.onCountdown(this.left);
    }, 1000);
  }
}
