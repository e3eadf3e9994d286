import { OnoffPanel, type OnoffPanelOptions } from './onoff.ts';
import type { CounterPanel } from './panel.ts';
import { SimulatedPanel } from './simulator.ts';

export { findHeaderChip, type GpioChip, HEADER_CHIP_LABELS, sysfsNumber } from './chip.ts';
export { Debouncer } from './debounce.ts';
export { GpioError, type GpioErrorCode } from './errors.ts';
export { type GpioClass, type GpioPin, loadOnoff, OnoffPanel, type OnoffPanelOptions } from './onoff.ts';
export {
  BUTTON_LABELS,
  BUTTONS,
  type ButtonName,
  type CounterPanel,
  checkPins,
  type PanelPins,
  ratingScore,
} from './panel.ts';
export { SimulatedPanel } from './simulator.ts';

export type CounterPanelConfig =
  | ({ kind: 'gpio' } & OnoffPanelOptions)
  | { kind: 'simulator'; leds: string[] };

export function createCounterPanel(config: CounterPanelConfig): Promise<CounterPanel> {
  return config.kind === 'gpio' ? OnoffPanel.open(config) : Promise.resolve(new SimulatedPanel(config.leds));
}
