/**
 * How the kiosk issues tickets. Two implementations behind one interface:
 * - `AgentTransport`: served by the Pi's device agent (`/agent.json` answers); talks `UiToAgent` /
 *   `AgentToUi` over the local WebSocket; the agent prints, scans and reads the chip.
 * - `HttpTransport`: a plain browser; calls the server's HTTP API with the kiosk's enrolment as HTTP
 *   Basic (set on the technician screen) or a staff session; the ticket is shown on screen only.
 */
import type {
  AgentToUi,
  IdentityView,
  Lang,
  LocalizedText,
  PrinterState,
  QueueSummary,
  Ticket,
  UiToAgent,
} from '@oss/protocol';
import { type AgentJson, probeAgent } from '../shared/agent-feed.ts';
import { Api, ApiError, requestId } from '../shared/api.ts';

export interface IssueRequest {
  serviceId: string;
  lang: Lang;
  priority?: string;
  procedureId?: string;
  birthDate?: string;
  /** Agent mode: use the identity the agent read in this session. */
  useIdentity?: boolean;
  /** A booking's code (PROTOCOL.md §6): the server issues for the booking's service. */
  appointmentCode?: string;
  /** Check in today's booking made with the identified card (agent kiosks only). */
  appointmentByCard?: boolean;
}

export interface IssueResult {
  ticket: Ticket;
  printed: boolean;
  /** The public page of the ticket (for the QR). */
  url: string;
}

export type Identity = typeof IdentityView.static;

export type KioskEvent =
  | { type: 'identity'; identity: Identity }
  | { type: 'printer'; state: PrinterState }
  | { type: 'connection'; online: boolean }
  | { type: 'agent'; connected: boolean }
  | { type: 'cccd.progress'; step: 'waiting-card' | 'authenticating' | 'reading' | 'verifying' | 'done' }
  | { type: 'queue'; summary: QueueSummary }
  /** A booking's QR or a dossier receipt read by the kiosk's scanner. */
  | { type: 'code'; text: string }
  | { type: 'error'; code: string; message: LocalizedText };

export interface Hardware {
  printer: boolean;
  scanner: boolean;
  cardReader: boolean;
}

export interface KioskTransport {
  readonly mode: 'agent' | 'browser';
  /** Base URL of the queue server ('' = same origin). */
  readonly serverUrl: string;
  hardware(): Hardware;
  issue(request: IssueRequest): Promise<IssueResult>;
  /** Agent mode only: read the CCCD chip (after its QR was scanned). */
  readChip(): Promise<void>;
  /** End of a citizen's session: the agent forgets the identity. */
  clearSession(): void;
  subscribe(listener: (event: KioskEvent) => void): () => void;
  close(): void;
}

class Emitter {
  private listeners = new Set<(event: KioskEvent) => void>();
  subscribe(listener: (event: KioskEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: KioskEvent): void {
    for (const l of this.listeners) l(event);
  }
}

const NOT_CONNECTED: LocalizedText = {
  vi: 'Chưa kết nối được phần mềm thiết bị',
  en: 'The device agent is not connected',
};
const TIMEOUT: LocalizedText = { vi: 'Quá thời gian chờ phản hồi', en: 'No answer in time' };
const NO_HARDWARE: LocalizedText = { vi: 'Ki-ốt không có đầu đọc thẻ', en: 'This kiosk has no card reader' };

/** Plain-browser mode: HTTP to the queue server. */
export class HttpTransport implements KioskTransport {
  readonly mode = 'browser' as const;
  private emitter = new Emitter();

  constructor(
    private readonly api: Api,
    readonly serverUrl: string = '',
  ) {}

  hardware(): Hardware {
    return { printer: false, scanner: false, cardReader: false };
  }

  async issue(request: IssueRequest): Promise<IssueResult> {
    const params = {
      id: requestId(),
      serviceId: request.serviceId,
      lang: request.lang,
      ...(request.priority ? { priority: request.priority } : {}),
      ...(request.procedureId ? { procedureId: request.procedureId } : {}),
      ...(request.birthDate ? { citizen: { birthDate: request.birthDate } } : {}),
      ...(request.appointmentCode ? { appointmentCode: request.appointmentCode } : {}),
    };
    let result: { ticket: Ticket };
    try {
      result = await this.api.action<{ ticket: Ticket }>('ticket.issue', params);
    } catch (e) {
      // A lost answer: the same id is answered again without a second ticket.
      if (e instanceof ApiError && e.status === 0)
        result = await this.api.action<{ ticket: Ticket }>('ticket.issue', params);
      else throw e;
    }
    const base = this.serverUrl || (typeof location !== 'undefined' ? location.origin : '');
    return { ticket: result.ticket, printed: false, url: `${base}/t/${result.ticket.id}` };
  }

  readChip(): Promise<void> {
    return Promise.reject(new ApiError(0, 'unavailable', NO_HARDWARE));
  }

  clearSession(): void {}

  subscribe(listener: (event: KioskEvent) => void): () => void {
    return this.emitter.subscribe(listener);
  }

  close(): void {}
}

interface Pending {
  resolve: (message: AgentToUi) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

type WebSocketLike = Pick<WebSocket, 'send' | 'close' | 'readyState'> & {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
};

/** Agent mode: the local WebSocket of the device agent. */
export class AgentTransport implements KioskTransport {
  readonly mode = 'agent' as const;
  private emitter = new Emitter();
  private socket: WebSocketLike | null = null;
  private pending = new Map<string, Pending>();
  private closed = false;
  private retryMs = 500;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private hw: Hardware = { printer: false, scanner: false, cardReader: false };
  serverUrl: string;

  constructor(
    private readonly url: string,
    info: AgentJson,
    private readonly options: {
      WebSocket?: new (url: string) => WebSocketLike;
      timeoutMs?: number;
    } = {},
  ) {
    this.serverUrl = info.serverUrl.replace(/\/$/, '');
    this.connect();
  }

  hardware(): Hardware {
    return this.hw;
  }

  get connected(): boolean {
    return this.socket?.readyState === 1;
  }

  private connect(): void {
    if (this.closed) return;
    const Impl =
      this.options.WebSocket ?? (globalThis.WebSocket as unknown as new (url: string) => WebSocketLike);
    const socket = new Impl(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 500;
      this.emitter.emit({ type: 'agent', connected: true });
    };
    socket.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let message: AgentToUi;
      try {
        message = JSON.parse(ev.data) as AgentToUi;
      } catch {
        return;
      }
      this.receive(message);
    };
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.emitter.emit({ type: 'agent', connected: false });
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new ApiError(0, 'unavailable', NOT_CONNECTED));
        this.pending.delete(id);
      }
      if (!this.closed) {
        this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 5000);
      }
    };
  }

  private receive(message: AgentToUi): void {
    switch (message.type) {
      case 'hello':
        this.hw = message.hardware;
        this.serverUrl = message.serverUrl.replace(/\/$/, '') || this.serverUrl;
        return;
      case 'connection':
        return this.emitter.emit({ type: 'connection', online: message.online });
      case 'identity':
        return this.emitter.emit({ type: 'identity', identity: message.identity });
      case 'printer':
        return this.emitter.emit({ type: 'printer', state: message.state });
      case 'queue':
        return this.emitter.emit({ type: 'queue', summary: message.summary });
      case 'code.scanned':
        return this.emitter.emit({ type: 'code', text: message.text });
      case 'cccd.progress':
        this.emitter.emit({ type: 'cccd.progress', step: message.step });
        if (message.step === 'done') this.settle(message.requestId, message);
        return;
      case 'ticket':
        return this.settle(message.requestId, message);
      case 'error':
        if (message.requestId && this.pending.has(message.requestId)) {
          const p = this.pending.get(message.requestId)!;
          this.pending.delete(message.requestId);
          clearTimeout(p.timer);
          p.reject(new ApiError(0, message.code, message.message));
        } else this.emitter.emit({ type: 'error', code: message.code, message: message.message });
        return;
      default:
        return;
    }
  }

  private settle(id: string, message: AgentToUi): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(message);
  }

  private send(message: UiToAgent): boolean {
    if (this.socket?.readyState !== 1) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private ask(message: UiToAgent & { requestId: string }): Promise<AgentToUi> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(message.requestId);
        reject(new ApiError(0, 'timeout', TIMEOUT));
      }, this.options.timeoutMs ?? 20_000);
      this.pending.set(message.requestId, { resolve, reject, timer });
      if (!this.send(message)) {
        clearTimeout(timer);
        this.pending.delete(message.requestId);
        reject(new ApiError(0, 'unavailable', NOT_CONNECTED));
      }
    });
  }

  async issue(request: IssueRequest): Promise<IssueResult> {
    const answer = await this.ask({
      type: 'ticket.issue',
      requestId: requestId(),
      serviceId: request.serviceId,
      lang: request.lang,
      ...(request.priority ? { priority: request.priority } : {}),
      ...(request.procedureId ? { procedureId: request.procedureId } : {}),
      ...(request.useIdentity ? { useIdentity: true } : {}),
      ...(request.birthDate && !request.useIdentity ? { birthDate: request.birthDate } : {}),
      ...(request.appointmentCode ? { appointmentCode: request.appointmentCode } : {}),
      ...(request.appointmentByCard ? { appointmentByCard: true } : {}),
    });
    if (answer.type !== 'ticket') throw new ApiError(0, 'invalid_request', TIMEOUT);
    return { ticket: answer.ticket, printed: answer.printed, url: answer.url };
  }

  async readChip(): Promise<void> {
    await this.ask({ type: 'cccd.read', requestId: requestId() });
  }

  clearSession(): void {
    this.send({ type: 'session.clear' });
  }

  subscribe(listener: (event: KioskEvent) => void): () => void {
    return this.emitter.subscribe(listener);
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close();
  }
}

const DEVICE_KEY = 'oss.kiosk.device';

/** The browser kiosk's device configuration (id + password from `npm run enroll`). Not personal data. */
export function loadDeviceConfig(): { deviceId: string; password: string } | null {
  try {
    const raw = localStorage.getItem(DEVICE_KEY);
    const v = raw ? (JSON.parse(raw) as { deviceId?: unknown; password?: unknown }) : null;
    return v && typeof v.deviceId === 'string' && typeof v.password === 'string'
      ? { deviceId: v.deviceId, password: v.password }
      : null;
  } catch {
    return null;
  }
}

export function saveDeviceConfig(config: { deviceId: string; password: string } | null): void {
  if (config) localStorage.setItem(DEVICE_KEY, JSON.stringify(config));
  else localStorage.removeItem(DEVICE_KEY);
}

export function basicAuth(config: { deviceId: string; password: string }): string {
  const bytes = new TextEncoder().encode(`${config.deviceId}:${config.password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

/** Agent mode when the page's origin answers `/agent.json`, plain-browser mode otherwise. */
export async function detectTransport(): Promise<{ transport: KioskTransport; api: Api }> {
  const info = await probeAgent();
  if (info) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const transport = new AgentTransport(`${scheme}://${location.host}/ws`, info);
    // The agent proxies GET /api/* on its own origin (keeping the last answers for offline use)
    // and pushes the queue summary over the WebSocket.
    return { transport, api: new Api() };
  }
  // Reads go without credentials (the server checks a device password on every request that has one).
  const config = loadDeviceConfig();
  const actions = new Api(config ? { headers: { authorization: basicAuth(config) } } : {});
  return { transport: new HttpTransport(actions), api: new Api() };
}
