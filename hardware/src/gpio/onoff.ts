import { findHeaderChip, sysfsNumber } from './chip.ts';
import { Debouncer } from './debounce.ts';
import { GpioError, gpioError } from './errors.ts';
import {
  type ButtonName,
  type CounterPanel,
  checkPins,
  type PanelPins,
  PressListeners,
  unknownLed,
} from './panel.ts';

/** The part of onoff's `Gpio` used here, typed locally: onoff is optional and may be absent. */
export interface GpioPin {
  watch(callback: (err: Error | null | undefined, value: 0 | 1) => void): void;
  write(value: 0 | 1): Promise<void>;
  unexport(): void;
}
export type GpioClass = new (
  gpio: number,
  direction: 'in' | 'out' | 'high' | 'low',
  edge?: 'none' | 'rising' | 'falling' | 'both',
  options?: { activeLow?: boolean },
) => GpioPin;

const ONOFF = 'onoff';

export interface OnoffPanelOptions extends PanelPins {
  /** Default 30 ms. */
  debounceMs?: number;
  /** Buttons close to ground against a pull-up (`gpio=17=ip,pu` in config.txt): the default. */
  activeLow?: boolean;
  sysfsRoot?: string;
}

/** onoff compiles a native addon (epoll): load it only on a device that has buttons. */
export async function loadOnoff(importer: () => Promise<unknown> = () => import(ONOFF)): Promise<GpioClass> {
  try {
    const module = (await importer()) as { Gpio: GpioClass };
    return module.Gpio;
  } catch (err) {
    throw gpioError(
      'onoff_unavailable',
      'Không nạp được thư viện onoff (GPIO); hãy cài lại gói onoff',
      'Cannot load the onoff GPIO library; reinstall the onoff package',
      err,
    );
  }
}

/** Buttons and LEDs on the Pi header through sysfs, with the chip base found at run time. */
export class OnoffPanel implements CounterPanel {
  private readonly listeners = new PressListeners();
  private readonly inputs: { gpio: GpioPin; debouncer: Debouncer }[] = [];
  private readonly outputs = new Map<string, GpioPin>();

  private constructor() {}

  static async open(options: OnoffPanelOptions, GpioImpl?: GpioClass): Promise<OnoffPanel> {
    checkPins(options);
    const chip = await findHeaderChip(options.sysfsRoot);
    const Impl = GpioImpl ?? (await loadOnoff());
    const panel = new OnoffPanel();
    try {
      for (const [name, bcm] of Object.entries(options.buttons)) {
        if (bcm === undefined) continue;
        panel.watchButton(Impl, sysfsNumber(chip, bcm), name as ButtonName, options);
      }
      for (const [name, bcm] of Object.entries(options.leds))
        panel.outputs.set(name, new Impl(sysfsNumber(chip, bcm), 'low'));
    } catch (err) {
      await panel.close();
      throw err instanceof GpioError
        ? err
        : gpioError('io_error', 'Không mở được chân GPIO', 'Cannot open a GPIO pin', err);
    }
    return panel;
  }

  private watchButton(Impl: GpioClass, number: number, name: ButtonName, options: OnoffPanelOptions): void {
    const gpio = new Impl(number, 'in', 'both', { activeLow: options.activeLow ?? true });
    const debouncer = new Debouncer(options.debounceMs ?? 30, () => this.listeners.emit(name));
    // A read error on one edge is transient; the next edge reads again.
    gpio.watch((err, value) => {
      if (!err) debouncer.input(value === 1);
    });
    this.inputs.push({ gpio, debouncer });
  }

  onPress(listener: (button: ButtonName) => void): () => void {
    return this.listeners.add(listener);
  }

  async setLed(name: string, on: boolean): Promise<void> {
    const gpio = this.outputs.get(name);
    if (!gpio) throw unknownLed(name);
    try {
      await gpio.write(on ? 1 : 0);
    } catch (err) {
      throw gpioError('io_error', `Không bật/tắt được đèn ${name}`, `Cannot switch LED ${name}`, err);
    }
  }

  async close(): Promise<void> {
    for (const { gpio, debouncer } of this.inputs) {
      debouncer.dispose();
      gpio.unexport();
    }
    for (const gpio of this.outputs.values()) gpio.unexport();
    this.inputs.length = 0;
    this.outputs.clear();
  }
}
