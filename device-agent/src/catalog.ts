/**
 * The site's public data from the server's HTTP API, with the last good answers of the four routes
 * the kiosk UI needs kept on disk so that it works offline. Also the `/api/*` proxy behind the
 * agent's own HTTP server.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LocalizedText } from '@oss/protocol';
import type { AgentLogger } from './log.ts';
import type { AgentStore } from './store.ts';

export const CACHED_API_PATHS = ['/api/services', '/api/procedures', '/api/site', '/api/counters'] as const;

export interface ServiceInfo {
  id: string;
  prefix: string;
  name: LocalizedText;
  counterIds?: string[];
}
export interface CounterInfo {
  id: string;
  number: number;
  name?: LocalizedText | string;
  serviceIds: string[];
}
export interface ProcedureInfo {
  id: string;
  name: LocalizedText;
  serviceId: string;
  requiredPapers?: LocalizedText[];
}
export interface SiteInfo {
  site?: { id?: string; name?: LocalizedText; timezone?: string };
  priorityClasses?: { id: string; name: LocalizedText; minAge?: number | null }[];
}

export interface ApiAnswer {
  status: number;
  body: string;
  contentType: string;
  /** Served from the disk cache because the server did not answer. */
  fromCache: boolean;
}

const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * One GET with node:http(s). Not `fetch`: Node's fetch (undici and its WebAssembly HTTP parser)
 * costs a kiosk ~10 MB of RSS for four small JSON answers (docs/device-agent.md, Benchmark).
 */
/** GET, or POST of a JSON body, to the server; the answer's status, text and type. */
function httpCall(
  url: URL,
  timeoutMs: number,
  json?: unknown,
): Promise<{ status: number; body: string; contentType: string }> {
  return new Promise((resolve, reject) => {
    const payload = json === undefined ? null : Buffer.from(JSON.stringify(json));
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: payload ? 'POST' : 'GET',
      headers: {
        accept: 'application/json',
        ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
      },
    });
    const timer = setTimeout(() => request.destroy(new Error('timeout')), timeoutMs);
    request.on('close', () => clearTimeout(timer));
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) request.destroy(new Error('answer too large'));
        else chunks.push(chunk);
      });
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 502,
          body: Buffer.concat(chunks).toString('utf8'),
          contentType: response.headers['content-type'] ?? 'application/json',
        }),
      );
    });
    request.end(payload ?? undefined);
  });
}

export class SiteCatalog {
  services: ServiceInfo[] = [];
  counters: CounterInfo[] = [];
  procedures: ProcedureInfo[] = [];
  site: SiteInfo = {};

  constructor(
    private readonly serverUrl: string,
    private readonly store: AgentStore,
    private readonly log: AgentLogger,
    private readonly timeoutMs = 3000,
  ) {
    for (const path of CACHED_API_PATHS) {
      const cached = store.cached(path);
      if (cached) this.absorb(path, cached.body);
    }
  }

  /** GET `path` (with its query) from the server; for the cached routes, the last good answer when it fails. */
  async get(pathAndQuery: string): Promise<ApiAnswer> {
    const path = pathAndQuery.split('?')[0]!;
    const cacheable = (CACHED_API_PATHS as readonly string[]).includes(path) && path === pathAndQuery;
    try {
      const { status, body, contentType } = await httpCall(
        new URL(pathAndQuery, this.serverUrl),
        this.timeoutMs,
      );
      if (cacheable && status >= 200 && status < 300) {
        this.store.cache(path, body, Date.now());
        this.absorb(path, body);
      }
      return { status, body, contentType, fromCache: false };
    } catch (e) {
      const cached = cacheable ? this.store.cached(path) : undefined;
      if (cached) return { status: 200, body: cached.body, contentType: 'application/json', fromCache: true };
      return this.unreachable(path, e);
    }
  }

  /** POST a JSON body to the server (never cached: a citizen's feedback from a counter device). */
  async post(path: string, json: unknown): Promise<ApiAnswer> {
    try {
      return { ...(await httpCall(new URL(path, this.serverUrl), this.timeoutMs, json)), fromCache: false };
    } catch (e) {
      return this.unreachable(path, e);
    }
  }

  private unreachable(path: string, e: unknown): ApiAnswer {
    const err = e as NodeJS.ErrnoException;
    this.log.warn({ path, err: err.code ?? err.message }, 'server HTTP request failed');
    return {
      status: 503,
      body: JSON.stringify({
        error: {
          code: 'unavailable',
          message: 'Không kết nối được máy chủ / The server is not reachable',
        },
      }),
      contentType: 'application/json',
      fromCache: false,
    };
  }

  /** Refreshes the four cached routes (in parallel). */
  async refresh(): Promise<void> {
    await Promise.all(CACHED_API_PATHS.map((p) => this.get(p)));
  }

  private absorb(path: string, body: string): void {
    try {
      const json = JSON.parse(body) as Record<string, unknown>;
      if (path === '/api/services' && Array.isArray(json.services))
        this.services = json.services as ServiceInfo[];
      if (path === '/api/counters' && Array.isArray(json.counters))
        this.counters = json.counters as CounterInfo[];
      if (path === '/api/procedures' && Array.isArray(json.procedures))
        this.procedures = json.procedures as ProcedureInfo[];
      if (path === '/api/site') this.site = json as SiteInfo;
    } catch {
      this.log.warn({ path }, 'server answer is not JSON');
    }
  }

  service(id: string): ServiceInfo | undefined {
    return this.services.find((s) => s.id === id);
  }

  /** Labels of the counters that serve a service (their numbers), in number order. */
  countersFor(serviceId: string): string[] {
    return this.counters
      .filter((c) => c.serviceIds.includes(serviceId))
      .sort((a, b) => a.number - b.number)
      .map((c) => String(c.number));
  }

  counterNumber(counterId: string): number | undefined {
    return this.counters.find((c) => c.id === counterId)?.number;
  }

  procedure(id: string): ProcedureInfo | undefined {
    return this.procedures.find((p) => p.id === id);
  }

  priorityName(id: string): LocalizedText | undefined {
    return this.site.priorityClasses?.find((p) => p.id === id)?.name;
  }
}
