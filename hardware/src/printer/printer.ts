import type { SerialPortStream } from '@serialport/stream';
import { SerialPort } from 'serialport';
import { ScratchBuffer } from './canvas.ts';
import { PrinterError } from './errors.ts';
import { type EncodeOptions, encodeRasterJob, statusRequest } from './escpos.ts';
import { type PaperWidth, ticketLayout } from './layout.ts';
import { SimulatedPrinterTransport } from './simulator.ts';
import { type PrinterStatus, parseStatus, refusal, type StatusBytes } from './status.ts';
import type { PrintableTicket } from './ticket.ts';
import {
  FilePrinterTransport,
  type PrinterTransport,
  SerialPrinterTransport,
  TcpPrinterTransport,
} from './transports.ts';

export interface TicketPrinter {
  /** Prints one ticket; rejects with PrinterError (paper_out, cover_open, invalid_ticket…) and prints nothing. */
  print(ticket: PrintableTicket): Promise<void>;
  status(): Promise<PrinterStatus>;
  close(): Promise<void>;
}

export type PrinterTransportConfig =
  | { kind: 'file'; path: string }
  | { kind: 'serial'; path: string; baudRate?: number }
  | { kind: 'tcp'; host: string; port?: number }
  | { kind: 'simulator' };

export interface PrinterConfig {
  paper: PaperWidth;
  transport: PrinterTransportConfig;
  escpos?: EncodeOptions;
  statusTimeoutMs?: number;
}

/** The dots of the ticket being encoded: drawn and encoded synchronously, so one buffer serves all. */
const dots = new ScratchBuffer();

/** The ticket as the exact bytes sent to the printer. Pure: same ticket, same bytes. */
export function ticketToEscPos(
  ticket: PrintableTicket,
  paper: PaperWidth,
  options?: EncodeOptions,
): Uint8Array {
  return encodeRasterJob(ticketLayout(ticket, paper, dots).image, options);
}

export class EscPosPrinter implements TicketPrinter {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly transport: PrinterTransport,
    private readonly paper: PaperWidth,
    private readonly escpos: EncodeOptions = {},
    private readonly statusTimeoutMs = 500,
  ) {}

  async print(ticket: PrintableTicket): Promise<void> {
    const bytes = ticketToEscPos(ticket, this.paper, this.escpos);
    return this.exclusive(async () => {
      const status = await this.readStatus().catch((err: unknown) => {
        // A printer that does not answer status requests may still print: try.
        if (err instanceof PrinterError && err.code === 'timeout') return undefined;
        throw err;
      });
      const refused = status && refusal(status);
      if (refused) throw refused;
      await this.transport.write(bytes);
    });
  }

  status(): Promise<PrinterStatus> {
    return this.exclusive(() => this.readStatus());
  }

  close(): Promise<void> {
    return this.exclusive(() => this.transport.close());
  }

  private async readStatus(): Promise<PrinterStatus> {
    const answers: number[] = [];
    for (const n of [1, 2, 3, 4] as const) {
      const [byte] = await this.transport.query(statusRequest(n), 1, this.statusTimeoutMs);
      answers.push(byte!);
    }
    return parseStatus(answers as unknown as StatusBytes);
  }

  /** One job or status exchange at a time: interleaved bytes would corrupt both. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }
}

/** Picks the driver from config; `simulator` records bytes in memory (see `transport.jobs`). */
export function createPrinter(config: PrinterConfig): EscPosPrinter {
  return new EscPosPrinter(
    openTransport(config.transport),
    config.paper,
    config.escpos,
    config.statusTimeoutMs,
  );
}

function openTransport(config: PrinterTransportConfig): PrinterTransport {
  switch (config.kind) {
    case 'file':
      return new FilePrinterTransport(config.path);
    case 'serial':
      return new SerialPrinterTransport(
        new SerialPort({ path: config.path, baudRate: config.baudRate ?? 115200 }) as SerialPortStream,
      );
    case 'tcp':
      return new TcpPrinterTransport(config.host, config.port);
    case 'simulator':
      return new SimulatedPrinterTransport();
  }
}
