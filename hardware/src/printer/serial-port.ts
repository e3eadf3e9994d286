import type { SerialPortStream } from '@serialport/stream';

/**
 * Resolves once the port is open: waits for an open in progress, or reopens a port whose open
 * failed or that closed (a replugged USB device). Without this, a write to a port that never
 * opened waits forever for its callback.
 */
export function ensurePortOpen(port: SerialPortStream): Promise<void> {
  if (port.isOpen) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (!port.opening) {
      port.open((err) => (err ? reject(err) : resolve()));
      return;
    }
    const onOpen = () => {
      port.off('error', onError);
      resolve();
    };
    const onError = (err: Error) => {
      port.off('open', onOpen);
      reject(err);
    };
    port.once('open', onOpen);
    port.once('error', onError);
  });
}
