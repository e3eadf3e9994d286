import type { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import { EvdevScanner } from './evdev.ts';
import { type HidPosLayout, HidPosScanner } from './hid.ts';
import type { Scanner } from './scanner.ts';
import { SerialScanner } from './serial.ts';
import { SimulatedScanner } from './simulator.ts';

export { ScannerError, type ScannerErrorCode } from './errors.ts';
export {
  defaultEventSize,
  EvdevKeyDecoder,
  EvdevScanner,
  findKeyboardDevices,
  type KeyEvent,
} from './evdev.ts';
export {
  DEFAULT_HID_POS_LAYOUT,
  type HidDevice,
  type HidPosLayout,
  HidPosScanner,
  loadNodeHid,
} from './hid.ts';
export { decodeScan, LineAssembler, type ScanResult } from './lines.ts';
export { type Scanner, ScannerBase } from './scanner.ts';
export { SerialScanner } from './serial.ts';
export { SimulatedScanner } from './simulator.ts';

export type ScannerConfig =
  | { kind: 'serial'; path: string; baudRate?: number }
  | { kind: 'evdev'; path: string; eventSize?: 16 | 24 }
  | { kind: 'hid'; path: string; layout?: HidPosLayout }
  | { kind: 'hid'; vendorId: number; productId: number; layout?: HidPosLayout }
  | { kind: 'simulator' };

/** Opens the configured scanner. Rejects with ScannerError `hid_unavailable` when node-hid cannot load. */
export async function createScanner(config: ScannerConfig): Promise<Scanner> {
  switch (config.kind) {
    case 'serial':
      return new SerialScanner(
        new SerialPort({ path: config.path, baudRate: config.baudRate ?? 9600 }) as SerialPortStream,
      );
    case 'evdev':
      return new EvdevScanner({ eventSize: config.eventSize }).open(config.path);
    case 'hid':
      return HidPosScanner.open(
        'path' in config ? { path: config.path } : { vendorId: config.vendorId, productId: config.productId },
        config.layout,
      );
    case 'simulator':
      return new SimulatedScanner();
  }
}
