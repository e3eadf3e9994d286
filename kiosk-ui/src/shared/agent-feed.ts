/**
 * For apps served by a device agent (kiosk, display board, counter): `/agent.json` on the page's origin tells that
 * an agent is there; its WebSocket then pushes the queue summary and the calls (the agent relays MQTT),
 * since its `/api` proxy does not stream server-sent events. Reconnects by itself.
 */
import type { AgentToUi, UiToAgent } from '@oss/protocol';
import { type Signal, signal } from '@preact/signals';

export interface AgentJson {
  deviceId: string;
  kind: string;
  site: string;
  serverUrl: string;
}

/**
 * Whether a device agent serves this page, and which. The kiosk's and board's loader asks already,
 * beside their scripts (one round trip less before the first draw: vite.config.ts); the first call
 * takes that answer, later calls ask again.
 */
export async function probeAgent(): Promise<AgentJson | null> {
  const w = window as { ossAgentAnswer?: Promise<Response> };
  const early = w.ossAgentAnswer;
  delete w.ossAgentAnswer;
  try {
    const res = await (early ?? fetch('/agent.json', { cache: 'no-store' }));
    // The site server answers 204 (no agent there); only an agent answers 200 with its identity.
    if (res.status !== 200) return null;
    const info = (await res.json()) as AgentJson;
    return info && typeof info.deviceId === 'string' && typeof info.serverUrl === 'string' ? info : null;
  } catch {
    return null;
  }
}

export function agentFeed(
  onMessage: (message: AgentToUi) => void,
  onOpen: () => void,
): { connected: Signal<boolean>; send(message: UiToAgent): boolean; close(): void } {
  const connected = signal<boolean>(false);
  let socket: WebSocket | null = null;
  let closed = false;
  let retry = 500;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const open = () => {
    if (closed) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws`);
    socket = ws;
    ws.onopen = () => {
      retry = 500;
      connected.value = true;
      onOpen();
    };
    ws.onmessage = (ev) => {
      try {
        onMessage(JSON.parse(String(ev.data)) as AgentToUi);
      } catch {
        // not JSON: ignored
      }
    };
    ws.onclose = () => {
      connected.value = false;
      if (socket !== ws || closed) return;
      timer = setTimeout(open, retry);
      retry = Math.min(retry * 2, 5000);
    };
  };
  open();
  return {
    connected,
    send(message) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    },
  };
}
