/** The connected local apps (WebSocket clients): broadcast and per-client replies, all `AgentToUi`. */
import type { AgentToUi, LocalizedText } from '@oss/protocol';

export interface UiClient {
  send(message: AgentToUi): void;
}

export class UiHub {
  private readonly clients = new Set<UiClient>();
  /** Every message broadcast, newest last (bounded): tests and the bench read it. */
  readonly history: AgentToUi[] = [];

  add(client: UiClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  get size(): number {
    return this.clients.size;
  }

  broadcast(message: AgentToUi): void {
    this.history.push(message);
    if (this.history.length > 200) this.history.splice(0, this.history.length - 200);
    for (const c of this.clients) c.send(message);
  }
}

export function uiError(requestId: string | null, code: string, message: LocalizedText): AgentToUi {
  return { type: 'error', requestId, code, message: { vi: message.vi, en: message.en } };
}
