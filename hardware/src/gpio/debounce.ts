/**
 * A press counts once the contact has stayed closed for `stableMs`; bounces and glitches shorter
 * than that are ignored, and a press must be released (stably) before the next one counts.
 */
export class Debouncer {
  private stable = false;
  private level = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly stableMs: number,
    private readonly onPress: () => void,
  ) {}

  /** Feed every edge: `pressed` is the raw contact state. */
  input(pressed: boolean): void {
    this.level = pressed;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.settle(), this.stableMs);
  }

  private settle(): void {
    this.timer = undefined;
    if (this.level === this.stable) return;
    this.stable = this.level;
    if (this.stable) this.onPress();
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
