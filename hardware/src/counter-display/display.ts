import type { SerialPortStream } from '@serialport/stream';
import { ensurePortOpen } from '../printer/serial-port.ts';
import {
  type DisplayCommand,
  displayError,
  formatCommand,
  LineSplitter,
  parseCommand,
  parseReply,
} from './protocol.ts';

export interface CounterDisplay {
  show(number: string): Promise<void>;
  clear(): Promise<void>;
  setBrightness(level: number): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Each call is one protocol command: the serial driver and the simulator differ only in `send`. */
abstract class CommandDisplay implements CounterDisplay {
  show(number: string): Promise<void> {
    return this.send({ kind: 'number', number });
  }

  clear(): Promise<void> {
    return this.send({ kind: 'clear' });
  }

  setBrightness(level: number): Promise<void> {
    return this.send({ kind: 'brightness', level });
  }

  ping(): Promise<void> {
    return this.send({ kind: 'ping' });
  }

  abstract close(): Promise<void>;

  protected abstract send(command: DisplayCommand): Promise<void>;
}

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Drives a display on a serial port (real `SerialPort`, or `SerialPortMock` in tests). */
export class SerialCounterDisplay extends CommandDisplay {
  private readonly splitter = new LineSplitter();
  private queue: Promise<unknown> = Promise.resolve();
  private pending?: Pending;

  constructor(
    private readonly port: SerialPortStream,
    private readonly timeoutMs = 500,
  ) {
    super();
    port.on('data', (chunk: Buffer) => this.splitter.push(chunk, (line) => this.onLine(line)));
    port.on('error', (err: Error) =>
      this.fail(displayError('transport', 'Lỗi cổng nối tiếp', 'Serial port error', err)),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.port.isOpen ? this.port.close(() => resolve()) : resolve()));
  }

  /** One command in flight: replies carry no id, so order is what pairs them. */
  protected async send(command: DisplayCommand): Promise<void> {
    const line = formatCommand(command); // throws bad_number before anything is sent
    const run = this.queue.then(() => this.exchange(line));
    this.queue = run.catch(() => {});
    return run;
  }

  private async exchange(line: string): Promise<void> {
    await ensurePortOpen(this.port).catch((err: unknown) => {
      throw displayError('transport', 'Không mở được cổng của bảng số', 'Cannot open the display port', err);
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.fail(
            displayError('timeout', 'Bảng số quầy không trả lời', 'The counter display did not answer'),
          ),
        this.timeoutMs,
      );
      this.pending = { resolve, reject, timer };
      this.port.write(line, (err) => {
        if (err)
          this.fail(
            displayError('transport', 'Không gửi được lệnh tới bảng số', 'Cannot send to the display', err),
          );
      });
    });
  }

  private onLine(line: string | { overflow: true }): void {
    const reply = typeof line === 'string' ? parseReply(line) : undefined;
    if (reply && 'hello' in reply) return;
    if (!reply) {
      this.fail(
        displayError('bad_reply', 'Bảng số trả lời không hợp lệ', 'The display sent an invalid reply'),
      );
      return;
    }
    const pending = this.take();
    if (!pending) return; // a late reply to a command that already timed out
    if (reply.ok) pending.resolve();
    else
      pending.reject(
        displayError(
          'rejected',
          `Bảng số từ chối lệnh (${reply.code})`,
          `The display rejected the command (${reply.code})`,
        ),
      );
  }

  private fail(error: Error): void {
    this.take()?.reject(error);
  }

  private take(): Pending | undefined {
    const pending = this.pending;
    if (pending) clearTimeout(pending.timer);
    this.pending = undefined;
    return pending;
  }
}

/** The device end of the protocol: what a display's firmware does with each line. */
export class DisplayDeviceModel {
  number = '';
  brightness = 5;

  /** Returns the reply line (without terminator). */
  handle(line: string): string {
    const command = parseCommand(line);
    if (typeof command === 'string') return `ERR ${command}`;
    if (command.kind === 'number') this.number = command.number;
    else if (command.kind === 'clear') this.number = '';
    else if (command.kind === 'brightness') this.brightness = command.level;
    return 'OK';
  }
}

/** An in-memory display for tests and `--simulate`; commands go through the same protocol text. */
export class SimulatedCounterDisplay extends CommandDisplay {
  readonly device = new DisplayDeviceModel();

  protected async send(command: DisplayCommand): Promise<void> {
    const reply = this.device.handle(formatCommand(command).trimEnd());
    if (reply !== 'OK')
      throw displayError('rejected', `Bảng số từ chối lệnh (${reply})`, `Display rejected (${reply})`);
  }

  async close(): Promise<void> {}
}
