import { constants, promises as fs, type promises as fsp } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SerialPortStream } from '@serialport/stream';
import { PrinterError, printerError } from './errors.ts';
import { ensurePortOpen } from './serial-port.ts';

/** How bytes reach a printer and how its real-time status answers come back. */
export interface PrinterTransport {
  write(bytes: Uint8Array): Promise<void>;
  /** Sends `request` and resolves with exactly `length` answer bytes; PrinterError `timeout` if none come. */
  query(request: Uint8Array, length: number, timeoutMs: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

function timeoutError() {
  return printerError('timeout', 'Máy in không trả lời', 'The printer did not answer');
}

function transportError(cause: unknown) {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return printerError(
    'transport',
    `Không gửi được dữ liệu tới máy in (${detail})`,
    `Could not reach the printer (${detail})`,
    cause,
  );
}

/** Collects bytes a printer sends back and hands out answers of a requested length. */
class AnswerBuffer {
  private bytes = new Uint8Array();
  private waiter?: () => void;

  push(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.bytes.length + chunk.length);
    joined.set(this.bytes);
    joined.set(chunk, this.bytes.length);
    this.bytes = joined;
    this.waiter?.();
  }

  /** Drops stale bytes (e.g. automatic status) before a new request. */
  clear(): void {
    this.bytes = new Uint8Array();
  }

  async take(length: number, timeoutMs: number): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    while (this.bytes.length < length) {
      const left = deadline - Date.now();
      if (left <= 0) throw timeoutError();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    const answer = this.bytes.slice(0, length);
    this.bytes = this.bytes.slice(length);
    return answer;
  }
}

/** A serial printer (RS-232 or USB-CDC); the caller opens the port (real or `SerialPortMock`). */
export class SerialPrinterTransport implements PrinterTransport {
  private readonly answers = new AnswerBuffer();

  constructor(
    private readonly port: SerialPortStream,
    /** Added to the time the bytes need at the port's baud rate before a write counts as stalled. */
    private readonly slackMs = 5000,
  ) {
    port.on('data', (chunk: Buffer) => this.answers.push(chunk));
    // Errors surface through write(); an unhandled 'error' event would crash the process.
    port.on('error', () => {});
  }

  async write(bytes: Uint8Array): Promise<void> {
    await ensurePortOpen(this.port).catch((err: unknown) => {
      throw transportError(err);
    });
    // Hardware flow control holds output while the printer is busy or out of paper: allow twice
    // the wire time (10 bits a byte), then give up and drop what is still queued.
    const budgetMs = this.slackMs + (2 * bytes.length * 10 * 1000) / this.port.baudRate;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.port.flush(() => reject(timeoutError()));
      }, budgetMs);
      const done = (err?: Error | null) => {
        clearTimeout(timer);
        if (err) reject(transportError(err));
        else resolve();
      };
      this.port.write(Buffer.from(bytes), (err) => {
        if (err) done(err);
        else this.port.drain(done);
      });
    });
  }

  async query(request: Uint8Array, length: number, timeoutMs: number): Promise<Uint8Array> {
    this.answers.clear();
    await this.write(request);
    return this.answers.take(length, timeoutMs);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.port.isOpen ? this.port.close(() => resolve()) : resolve()));
  }
}

/** A network printer on raw TCP (port 9100). The connection is reopened after any failure. */
export class TcpPrinterTransport implements PrinterTransport {
  private socket?: Socket;
  private readonly answers = new AnswerBuffer();

  constructor(
    private readonly host: string,
    private readonly port = 9100,
    /** For connecting, and for a write that makes no progress (a printer that stopped reading). */
    private readonly timeoutMs = 5000,
  ) {}

  private open(): Promise<Socket> {
    const current = this.socket;
    if (current && !current.destroyed) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      socket.setTimeout(this.timeoutMs, () => socket.destroy(timeoutError()));
      socket.once('error', (err) => reject(err instanceof PrinterError ? err : transportError(err)));
      socket.once('connect', () => {
        socket.setTimeout(0);
        socket.removeAllListeners('error');
        socket.on('error', () => socket.destroy());
        socket.on('data', (chunk) => this.answers.push(chunk));
        this.socket = socket;
        resolve(socket);
      });
    });
  }

  async write(bytes: Uint8Array): Promise<void> {
    const socket = await this.open();
    await new Promise<void>((resolve, reject) => {
      let stalled = false;
      socket.setTimeout(this.timeoutMs, () => {
        stalled = true;
        socket.destroy();
      });
      socket.write(bytes, (err) => {
        socket.setTimeout(0);
        if (stalled) reject(timeoutError());
        else if (err) reject(transportError(err));
        else resolve();
      });
    });
  }

  async query(request: Uint8Array, length: number, timeoutMs: number): Promise<Uint8Array> {
    this.answers.clear();
    await this.write(request);
    return this.answers.take(length, timeoutMs);
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, this.timeoutMs);
      socket.end(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * A USB printer through the kernel's usblp device (`/dev/usb/lp0`). Opened per operation and
 * non-blocking, so a printer that never answers a status request cannot hang a libuv thread.
 */
export class FilePrinterTransport implements PrinterTransport {
  constructor(
    private readonly path: string,
    /** A write that makes no progress this long (printer stopped taking data) fails with `timeout`. */
    private readonly stallTimeoutMs = 10_000,
  ) {}

  private async withFile<T>(use: (file: fsp.FileHandle) => Promise<T>): Promise<T> {
    let file: fsp.FileHandle;
    try {
      file = await fs.open(this.path, constants.O_RDWR | constants.O_NONBLOCK);
    } catch (err) {
      throw transportError(err);
    }
    try {
      return await use(file);
    } finally {
      await file.close();
    }
  }

  private async writeAll(file: fsp.FileHandle, bytes: Uint8Array): Promise<void> {
    let at = 0;
    let lastProgress = Date.now();
    while (at < bytes.length) {
      try {
        at += (await file.write(bytes, at, bytes.length - at)).bytesWritten;
        lastProgress = Date.now();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw transportError(err);
        if (Date.now() - lastProgress > this.stallTimeoutMs) throw timeoutError();
        await sleep(5);
      }
    }
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.withFile((file) => this.writeAll(file, bytes));
  }

  query(request: Uint8Array, length: number, timeoutMs: number): Promise<Uint8Array> {
    return this.withFile(async (file) => {
      await this.writeAll(file, request);
      const answer = new Uint8Array(length);
      let got = 0;
      const deadline = Date.now() + timeoutMs;
      while (got < length) {
        try {
          got += (await file.read(answer, got, length - got, null)).bytesRead;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw transportError(err);
        }
        if (got < length) {
          if (Date.now() >= deadline) throw timeoutError();
          await sleep(10);
        }
      }
      return answer;
    });
  }

  async close(): Promise<void> {}
}
