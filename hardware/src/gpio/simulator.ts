import { type ButtonName, type CounterPanel, PressListeners, unknownLed } from './panel.ts';

/** Buttons pressed by tests or `--simulate`; LED states read back. */
export class SimulatedPanel implements CounterPanel {
  private readonly listeners = new PressListeners();
  private readonly leds: Map<string, boolean>;

  constructor(ledNames: readonly string[]) {
    this.leds = new Map(ledNames.map((name) => [name, false]));
  }

  press(button: ButtonName): void {
    this.listeners.emit(button);
  }

  led(name: string): boolean {
    const state = this.leds.get(name);
    if (state === undefined) throw unknownLed(name);
    return state;
  }

  onPress(listener: (button: ButtonName) => void): () => void {
    return this.listeners.add(listener);
  }

  async setLed(name: string, on: boolean): Promise<void> {
    if (!this.leds.has(name)) throw unknownLed(name);
    this.leds.set(name, on);
  }

  async close(): Promise<void> {}
}
