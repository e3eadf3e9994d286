import type { ScannerError } from './errors.ts';
import { LineAssembler, type ScanResult } from './lines.ts';

/** A barcode/QR reader: emits each scan as NFC-normalised text, and typed errors; never throws at you. */
export interface Scanner {
  onScan(listener: (text: string) => void): () => void;
  onError(listener: (error: ScannerError) => void): () => void;
  close(): Promise<void>;
}

/** Listener bookkeeping and the byte-to-scan path shared by every driver. */
export abstract class ScannerBase implements Scanner {
  private readonly scanListeners = new Set<(text: string) => void>();
  private readonly errorListeners = new Set<(error: ScannerError) => void>();
  protected readonly lines: LineAssembler;

  constructor(maxScanBytes?: number) {
    this.lines = new LineAssembler(maxScanBytes);
  }

  onScan(listener: (text: string) => void): () => void {
    this.scanListeners.add(listener);
    return () => this.scanListeners.delete(listener);
  }

  onError(listener: (error: ScannerError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  abstract close(): Promise<void>;

  protected pushBytes(chunk: Uint8Array): void {
    for (const result of this.lines.push(chunk)) this.emit(result);
  }

  protected emit(result: ScanResult): void {
    if ('text' in result) for (const listener of this.scanListeners) listener(result.text);
    else this.emitError(result.error);
  }

  protected emitError(error: ScannerError): void {
    for (const listener of this.errorListeners) listener(error);
  }
}
