import { ScannerBase } from './scanner.ts';

/** A scanner that tests and the agent's `--simulate` mode push scans into, through the real decoding path. */
export class SimulatedScanner extends ScannerBase {
  /** As if the scanner read `text` and sent it with a CR suffix. */
  scan(text: string): void {
    this.pushBytes(new TextEncoder().encode(`${text}\r`));
  }

  /** Raw bytes, for noise and framing tests. */
  pushRaw(bytes: Uint8Array): void {
    this.pushBytes(bytes);
  }

  async close(): Promise<void> {}
}
