import type { SerialPortStream } from '@serialport/stream';
import { deviceError } from './errors.ts';
import { ScannerBase } from './scanner.ts';

/**
 * A scanner in USB-COM (CDC-ACM) mode with a CR or CRLF suffix. The caller opens the port: a real
 * `SerialPort` on `/dev/serial/by-id/…`, or `SerialPortMock` in tests.
 */
export class SerialScanner extends ScannerBase {
  constructor(
    private readonly port: SerialPortStream,
    maxScanBytes?: number,
  ) {
    super(maxScanBytes);
    port.on('data', (chunk: Buffer) => this.pushBytes(chunk));
    port.on('error', (err: Error) => this.emitError(deviceError(err)));
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.port.isOpen ? this.port.close(() => resolve()) : resolve()));
  }
}
