import type { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import { type CounterDisplay, SerialCounterDisplay, SimulatedCounterDisplay } from './display.ts';

export {
  type CounterDisplay,
  DisplayDeviceModel,
  SerialCounterDisplay,
  SimulatedCounterDisplay,
} from './display.ts';
export {
  CounterDisplayError,
  type DisplayCommand,
  type DisplayErrorCode,
  formatCommand,
  parseCommand,
  parseReply,
} from './protocol.ts';

export type CounterDisplayConfig =
  | { kind: 'serial'; path: string; baudRate?: number; timeoutMs?: number }
  | { kind: 'simulator' };

export function createCounterDisplay(config: CounterDisplayConfig): CounterDisplay {
  if (config.kind === 'simulator') return new SimulatedCounterDisplay();
  const port = new SerialPort({ path: config.path, baudRate: config.baudRate ?? 9600 }) as SerialPortStream;
  return new SerialCounterDisplay(port, config.timeoutMs);
}
