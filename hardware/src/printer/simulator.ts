import { printerError } from './errors.ts';
import { type DecodedJob, decodeEscPos } from './escpos.ts';
import { encodeStatus, type PrinterStatus } from './status.ts';
import type { PrinterTransport } from './transports.ts';

/**
 * A printer in memory: records every job and answers `DLE EOT n` from a status that tests (or the
 * agent's `--simulate` mode) can change: out of paper, cover open, offline.
 */
export class SimulatedPrinterTransport implements PrinterTransport {
  /** The most recent jobs, at most `keep` of them: a simulated kiosk may run all day. */
  readonly jobs: Uint8Array[] = [];
  /** Jobs written since the start. */
  printed = 0;
  status: PrinterStatus = {
    online: true,
    coverOpen: false,
    paperNearEnd: false,
    paperOut: false,
    error: false,
  };
  /** When false the printer ignores status requests, like many USB printers. */
  answersStatus = true;

  constructor(private readonly keep = 5) {}

  /** Keeps `bytes` as given (the driver never reuses a job's bytes). */
  async write(bytes: Uint8Array): Promise<void> {
    this.printed++;
    this.jobs.push(bytes);
    if (this.jobs.length > this.keep) this.jobs.shift();
  }

  async query(request: Uint8Array, length: number, timeoutMs: number): Promise<Uint8Array> {
    const { statusRequests } = decodeEscPos(request);
    const n = statusRequests[0];
    if (!this.answersStatus || n === undefined || n < 1 || n > 4 || length !== 1) {
      throw printerError(
        'timeout',
        `Máy in không trả lời sau ${timeoutMs} ms`,
        `No answer after ${timeoutMs} ms`,
      );
    }
    return Uint8Array.of(encodeStatus(this.status)[n - 1]!);
  }

  /** The last printed job, decoded back from its bytes. */
  lastJob(): DecodedJob | undefined {
    const last = this.jobs.at(-1);
    return last ? decodeEscPos(last) : undefined;
  }

  async close(): Promise<void> {}
}
