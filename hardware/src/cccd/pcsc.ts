import { setTimeout as sleep } from 'node:timers/promises';
import type { CardTransport } from './apdu.ts';
import { CccdError } from './errors.ts';

/** A card on a reader, connected: APDUs go through `transmit`. */
export interface ChipCardSession extends CardTransport {
  readonly readerName: string;
  readonly atr: Buffer;
  close(): void;
}

/** Where chip cards come from: a PC/SC reader on the kiosk, or the simulator in development. */
export interface ChipCardReader {
  /** Resolves with the first card present on a reader; rejects with a CccdError on abort or failure. */
  waitForCard(options?: { signal?: AbortSignal }): Promise<ChipCardSession>;
  close(): void;
}

// The few parts of the `smartcard` package (N-API PC/SC bindings) used here, typed locally because
// it is an optional dependency: it builds only where libpcsclite-dev is installed.
export interface PcscCard {
  readonly atr: Buffer | null;
  transmit(command: Buffer, options?: { maxRecvLength?: number }): Promise<Buffer>;
  disconnect(disposition?: number): void;
}
export interface PcscReader {
  readonly name: string;
  readonly state: number;
  connect(shareMode?: number, protocol?: number): Promise<PcscCard>;
}
export interface PcscContext {
  listReaders(): PcscReader[];
  close(): void;
}
export interface PcscModule {
  Context: new () => PcscContext;
}

const SCARD_SHARE_SHARED = 2;
const SCARD_PROTOCOL_T0_T1 = 0x1 | 0x2;
const SCARD_LEAVE_CARD = 0;
const SCARD_STATE_PRESENT = 0x20;
const SCARD_STATE_MUTE = 0x200;

function transportError(vi: string, en: string, cause?: unknown): CccdError {
  return new CccdError('transport', vi, en, { cause });
}

/** PC/SC failures as typed errors; the library's messages are English and carry no personal data. */
export function pcscError(err: unknown): CccdError {
  if (err instanceof CccdError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/service not running|no service|SCARD_E_NO_SERVICE/i.test(message)) {
    return transportError(
      'Dịch vụ đọc thẻ (pcscd) chưa chạy',
      'The smart card service (pcscd) is not running',
      err,
    );
  }
  if (/removed|SCARD_W_REMOVED_CARD|reset/i.test(message)) {
    return transportError('Thẻ đã bị rút ra khỏi đầu đọc', 'The card was removed from the reader', err);
  }
  if (/sharing violation/i.test(message)) {
    return transportError(
      'Đầu đọc thẻ đang bị chương trình khác dùng',
      'Another program is using the reader',
      err,
    );
  }
  return transportError('Lỗi đầu đọc thẻ', `Card reader error: ${message}`, err);
}

async function loadSmartcard(): Promise<PcscModule> {
  try {
    const name = 'smartcard';
    return (await import(name)) as PcscModule;
  } catch (err) {
    throw transportError(
      'Chưa cài thư viện đọc thẻ PC/SC (gói smartcard)',
      'The PC/SC library (package smartcard) is not installed',
      err,
    );
  }
}

/**
 * Which reader to use: one with a card, never a SAM slot (dual readers such as the ACR1252 list one,
 * often holding a card of its own) unless `prefer` names it; contactless (PICC) interfaces first,
 * since the CCCD chip is read over NFC.
 */
export function pickReader(readers: readonly PcscReader[], prefer?: RegExp): PcscReader | undefined {
  const usable = readers.filter(
    (r) =>
      (r.state & SCARD_STATE_PRESENT) !== 0 &&
      (r.state & SCARD_STATE_MUTE) === 0 &&
      (!/\bSAM\b/i.test(r.name) || prefer?.test(r.name)),
  );
  const score = (r: PcscReader) =>
    (prefer?.test(r.name) ? 2 : 0) + (/PICC|contactless|NFC/i.test(r.name) ? 1 : 0);
  return [...usable].sort((a, b) => score(b) - score(a))[0];
}

export interface PcscReaderOptions {
  /** Prefer readers whose name matches. */
  prefer?: RegExp;
  /** How often to look for a card while waiting (ms). */
  pollMs?: number;
  /** For tests: supplies the PC/SC module instead of loading `smartcard`. */
  load?: () => Promise<PcscModule>;
}

/** The real driver: PC/SC through the `smartcard` package (pcscd on Linux). */
export class PcscCardReader implements ChipCardReader {
  private context: PcscContext | undefined;

  constructor(private readonly options: PcscReaderOptions = {}) {}

  private async open(): Promise<PcscContext> {
    if (this.context) return this.context;
    const pcsc = await (this.options.load ?? loadSmartcard)();
    try {
      this.context = new pcsc.Context();
    } catch (err) {
      throw pcscError(err);
    }
    return this.context;
  }

  async waitForCard(options: { signal?: AbortSignal } = {}): Promise<ChipCardSession> {
    const context = await this.open();
    for (;;) {
      if (options.signal?.aborted) {
        throw new CccdError('transport', 'Đã huỷ chờ thẻ', 'Stopped waiting for a card');
      }
      let readers: PcscReader[];
      try {
        readers = context.listReaders();
      } catch (err) {
        throw pcscError(err);
      }
      const reader = pickReader(readers, this.options.prefer);
      if (reader) return connect(reader);
      await sleep(this.options.pollMs ?? 300, undefined, { signal: options.signal }).catch(() => undefined);
    }
  }

  close(): void {
    this.context?.close();
    this.context = undefined;
  }
}

async function connect(reader: PcscReader): Promise<ChipCardSession> {
  let card: PcscCard;
  try {
    card = await reader.connect(SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0_T1);
  } catch (err) {
    throw pcscError(err);
  }
  let open = true;
  return {
    readerName: reader.name,
    atr: card.atr ?? Buffer.alloc(0),
    async transmit(command: Uint8Array): Promise<Uint8Array> {
      if (!open) throw transportError('Phiên đọc thẻ đã đóng', 'The card session is closed');
      try {
        return await card.transmit(Buffer.from(command), { maxRecvLength: 258 });
      } catch (err) {
        throw pcscError(err);
      }
    },
    close() {
      if (!open) return;
      open = false;
      try {
        card.disconnect(SCARD_LEAVE_CARD);
      } catch {
        // Already gone (card pulled out): nothing left to release.
      }
    },
  };
}
