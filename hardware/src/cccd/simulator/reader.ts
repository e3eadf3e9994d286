import { CccdError } from '../errors.ts';
import type { ChipCardReader, ChipCardSession } from '../pcsc.ts';
import type { CccdChipSimulator } from './chip.ts';

/** A reader whose cards are simulators: `insert` one, `remove` it; for development and tests. */
export class SimulatedCardReader implements ChipCardReader {
  private card: CccdChipSimulator | undefined;
  private waiters: Array<() => void> = [];

  insert(card: CccdChipSimulator): void {
    this.card = card;
    card.removed = false;
    for (const wake of this.waiters.splice(0)) wake();
  }

  remove(): void {
    if (this.card) this.card.removed = true;
    this.card = undefined;
  }

  async waitForCard(options: { signal?: AbortSignal } = {}): Promise<ChipCardSession> {
    while (!this.card) {
      if (options.signal?.aborted)
        throw new CccdError('transport', 'Đã huỷ chờ thẻ', 'Stopped waiting for a card');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        options.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    const card = this.card;
    return {
      readerName: 'Simulated CCCD reader',
      atr: Buffer.from('3B8880010000000000000000', 'hex'),
      transmit: (command) => card.transmit(command),
      close: () => undefined,
    };
  }

  close(): void {
    this.remove();
    for (const wake of this.waiters.splice(0)) wake();
  }
}
