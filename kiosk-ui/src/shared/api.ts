/** The queue server's HTTP API as the apps use it: typed GETs, actions, sign-in, and one error type. */
import type { LocalizedText, QueueSummary, RecentCallsResponse, Ticket } from '@oss/protocol';

/** The server's responses: the HTTP contract's types (protocol/src/http.ts), under the apps' names. */
import type {
  CounterInfo,
  Procedure as ProcedureInfo,
  ServiceInfo,
  SiteResponse as SiteInfo,
  StaffIdentity as StaffInfo,
} from '@oss/protocol/http';

export type { CounterInfo, ProcedureInfo, ServiceInfo, SiteInfo, StaffInfo };

/** A refusal from the server (or the network), with a message in both languages. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: LocalizedText,
  ) {
    super(text.en);
    this.name = 'ApiError';
  }
}

const NETWORK: LocalizedText = { vi: 'Không kết nối được máy chủ', en: 'Cannot reach the server' };

export interface ApiOptions {
  /** Base URL of the server; '' for the same origin. */
  base?: string;
  /** Extra headers (a browser kiosk's HTTP Basic). */
  headers?: Record<string, string>;
}

export class Api {
  base: string;
  headers: Record<string, string>;

  constructor(options: ApiOptions = {}) {
    this.base = (options.base ?? '').replace(/\/$/, '');
    this.headers = options.headers ?? {};
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...this.headers,
        },
        credentials: this.base ? 'omit' : 'same-origin',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new ApiError(0, 'network', NETWORK);
    }
    const text = await res.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!res.ok) {
      const error = (data as { error?: { code?: string; message?: string; text?: LocalizedText } } | null)
        ?.error;
      const msg = error?.text ?? {
        vi: error?.message ?? `Lỗi ${res.status}`,
        en: error?.message ?? `Error ${res.status}`,
      };
      throw new ApiError(res.status, error?.code ?? 'http_' + res.status, msg);
    }
    return data as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  /** GET that answers null on 404 (routes the server may not have yet). */
  async optional<T>(path: string): Promise<T | null> {
    try {
      return await this.get<T>(path);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 501)) return null;
      throw e;
    }
  }

  site = () => this.get<SiteInfo>('/api/site');
  services = () => this.get<{ services: ServiceInfo[] }>('/api/services').then((r) => r.services);
  procedures = () => this.get<{ procedures: ProcedureInfo[] }>('/api/procedures').then((r) => r.procedures);
  counters = () => this.get<{ counters: CounterInfo[] }>('/api/counters').then((r) => r.counters);
  queue = () => this.get<QueueSummary>('/api/queue');
  recentCalls = () => this.get<RecentCallsResponse>('/api/calls').then((r) => r.calls);
  ticket = (id: string) => this.get<{ ticket: Ticket }>(`/api/tickets/${encodeURIComponent(id)}`);
  action = <T>(name: string, params: Record<string, unknown>) => this.post<T>(`/api/actions/${name}`, params);
  me = () => this.get<{ staff: StaffInfo }>('/api/auth/me').then((r) => r.staff);
  login = (username: string, password: string) =>
    this.post<{ staff: StaffInfo }>('/api/auth/login', { username, password }).then((r) => r.staff);
  logout = () => this.post('/api/auth/logout', {});
}

/** A request id unique per device: time + randomness. */
export function requestId(): string {
  const random = new Uint8Array(6);
  crypto.getRandomValues(random);
  return `${Date.now().toString(36)}-${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function errorText(e: unknown): LocalizedText {
  if (e instanceof ApiError) return e.text;
  const m = e instanceof Error ? e.message : String(e);
  return { vi: m, en: m };
}
