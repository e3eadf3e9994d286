/**
 * A server-sent-events feed that survives server restarts: EventSource reconnects by itself; when it
 * gives up (the server answered with an error while restarting) a new one is opened after a delay.
 * Every (re)connection calls `onOpen`, where the app re-fetches its state.
 */
import { type Signal, signal } from '@preact/signals';

export interface LiveFeed {
  connected: Signal<boolean>;
  close(): void;
}

export function liveFeed(
  url: string,
  handlers: Record<string, (data: unknown) => void>,
  onOpen: () => void = () => {},
  options: { retryMs?: number; withCredentials?: boolean } = {},
): LiveFeed {
  const connected = signal<boolean>(false);
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  const retry = options.retryMs ?? 3000;

  const open = () => {
    if (closed) return;
    source = new EventSource(url, { withCredentials: options.withCredentials ?? false });
    source.onopen = () => {
      connected.value = true;
      onOpen();
    };
    source.onerror = () => {
      connected.value = false;
      if (source && source.readyState === EventSource.CLOSED) {
        source = null;
        timer = setTimeout(open, retry);
      }
    };
    for (const [event, handler] of Object.entries(handlers))
      source.addEventListener(event, (e) => {
        try {
          handler(JSON.parse((e as MessageEvent<string>).data));
        } catch {
          // a malformed event is ignored; the next snapshot corrects the state
        }
      });
  };
  open();
  return {
    connected,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      source?.close();
    },
  };
}
