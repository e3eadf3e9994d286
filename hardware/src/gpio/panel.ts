import { type LocalizedText, RATING_LABELS } from '@oss/protocol';
import { gpioError } from './errors.ts';

/** The counter device's buttons: officer controls and the citizen's five rating buttons. */
export const BUTTONS = [
  'next',
  'recall',
  'noShow',
  'rating1',
  'rating2',
  'rating3',
  'rating4',
  'rating5',
] as const;
export type ButtonName = (typeof BUTTONS)[number];

/** Labels for the device's local UI and logs. */
export const BUTTON_LABELS: Record<ButtonName, LocalizedText> = {
  next: { vi: 'Gọi số tiếp theo', en: 'Call next' },
  recall: { vi: 'Gọi lại', en: 'Recall' },
  noShow: { vi: 'Vắng mặt', en: 'No-show' },
  // The five-level scale is the protocol's.
  rating1: RATING_LABELS[1],
  rating2: RATING_LABELS[2],
  rating3: RATING_LABELS[3],
  rating4: RATING_LABELS[4],
  rating5: RATING_LABELS[5],
};

/** The score 1–5 of a rating button (as in `rating.submit`), or undefined for officer buttons. */
export function ratingScore(button: ButtonName): 1 | 2 | 3 | 4 | 5 | undefined {
  const m = /^rating([1-5])$/.exec(button);
  return m ? (Number(m[1]) as 1 | 2 | 3 | 4 | 5) : undefined;
}

export interface CounterPanel {
  onPress(listener: (button: ButtonName) => void): () => void;
  /** Rejects with GpioError `unknown_led` for a name not in the config. */
  setLed(name: string, on: boolean): Promise<void>;
  close(): Promise<void>;
}

export interface PanelPins {
  /** BCM numbers of the buttons present on this device. */
  buttons: Partial<Record<ButtonName, number>>;
  /** BCM numbers of the LEDs, by name (e.g. `serving`, `rateNow`). */
  leds: Record<string, number>;
}

/** Rejects a pin used twice: two drivers on one pin fight silently on real hardware. */
export function checkPins(pins: PanelPins): void {
  const used = new Map<number, string>();
  const all = [...Object.entries(pins.buttons), ...Object.entries(pins.leds)];
  for (const [name, pin] of all) {
    if (pin === undefined) continue;
    const other = used.get(pin);
    if (other)
      throw gpioError(
        'bad_pin',
        `Chân GPIO ${pin} dùng cho cả ${other} và ${name}`,
        `GPIO ${pin} used by both ${other} and ${name}`,
      );
    used.set(pin, name);
  }
}

export function unknownLed(name: string) {
  return gpioError('unknown_led', `Không có đèn LED "${name}"`, `No LED named "${name}"`);
}

/** Listener bookkeeping shared by the driver and the simulator. */
export class PressListeners {
  private readonly listeners = new Set<(button: ButtonName) => void>();

  add(listener: (button: ButtonName) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(button: ButtonName): void {
    for (const listener of this.listeners) listener(button);
  }
}
