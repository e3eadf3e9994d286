/**
 * The agent's local HTTP server on 127.0.0.1: the device's app (from kiosk-ui/dist, or a plain
 * fallback page), `/agent.json`, `/api/*` proxied to the server (with the offline cache), `/health`,
 * and the `UiToAgent`/`AgentToUi` WebSocket at `/ws`.
 *
 * Plain node:http with a route table rather than Fastify (which the site server uses): the kiosk
 * serves a handful of GET routes to one local browser, and Fastify with its static-file plugin was
 * ~1 MB of the agent's bundle and ~8 MB of its RSS (docs/device-agent.md, Benchmark). Routes keep
 * Fastify's contract where it matters: bodies are JSON checked against a schema, errors are the
 * server's `{error: {code, message, text: {vi, en}}}` (protocol's `ErrorBody`), unknown paths are 404.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import {
  AGENT_WS_PATH,
  type AgentToUi,
  acceptedCodings,
  bilingual,
  type DeviceKind,
  FeedbackBody,
  type LocalizedText,
  type UiToAgent,
  uiMessageSchema,
  validate,
} from '@oss/protocol';
import type { TSchema } from '@sinclair/typebox';
import { WebSocketServer } from 'ws';
import type { ApiAnswer, SiteCatalog } from './catalog.ts';
import type { AgentLogger } from './log.ts';
import { uiError } from './ui.ts';

export interface LocalRequest {
  /** Path and query as sent. */
  url: string;
  /** `:name` segments of the route's path. */
  params: Record<string, string>;
  /** The JSON body, already checked against the route's `body` schema (undefined without one). */
  body: unknown;
  /** The request's Accept-Encoding ('' without one): which precompressed file to send. */
  acceptEncoding: string;
}

export interface LocalReply {
  status?: number;
  /** Content type; objects are sent as JSON. */
  type?: string;
  headers?: Record<string, string>;
  body: string | Buffer | object;
}

export interface LocalRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** `/exact`, `/prefix/*` or `/with/:param` (one segment each). */
  path: string;
  /** JSON schema of the body: a body that is not JSON or does not match is refused with 400. */
  body?: TSchema;
  handler: (request: LocalRequest) => LocalReply | Promise<LocalReply>;
}

export interface HttpOptions {
  host: string;
  port: number;
  uiDist: string;
  kind: DeviceKind;
  agentInfo: () => Record<string, unknown>;
  catalog: SiteCatalog;
  log: AgentLogger;
  health: () => Record<string, unknown>;
  /** More routes (the `--simulate` hooks). */
  routes?: LocalRoute[];
  /** A new app connection: returns its message handler and a goodbye. */
  connect: (send: (m: AgentToUi) => void) => {
    onMessage: (m: UiToAgent) => void;
    close: () => void;
  };
}

export interface LocalHttp {
  port: number;
  server: Server;
  close: () => Promise<void>;
}

const MAX_MESSAGE_BYTES = 16 * 1024;
const MAX_BODY_BYTES = 64 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
};

function fallbackPage(kind: DeviceKind): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>OSS ${kind}</title></head>
<body style="font-family:sans-serif;text-align:center;padding-top:20vh">
<h1>Thiết bị đang hoạt động / Device agent running</h1>
<p>Ứng dụng ${kind} chưa được cài (kiosk-ui/dist). The ${kind} app is not built yet: <code>npm run build -w kiosk-ui</code>.</p>
</body></html>`;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * The `Host` values this agent answers to: its loopback names, and the address it listens on when
 * that is a specific one (`http.host`), each with its port. A listener on 0.0.0.0 still answers
 * only to loopback names: the agent cannot know which other names are its own.
 */
function servedHosts(host: string, port: number): Set<string> {
  const name = host.toLowerCase();
  const bracketed = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name; // IPv6 in a Host
  const names = new Set(LOOPBACK_NAMES);
  if (!WILDCARD_HOSTS.has(bracketed)) names.add(bracketed);
  return new Set([...names].flatMap((n) => (port === 80 ? [`${n}:80`, n] : [`${n}:${port}`])));
}

/**
 * Only the agent's own pages (or a client that is no browser: no `Origin`, no `Sec-Fetch-Site`) may
 * use it, so that a page from elsewhere on the kiosk's browser (even on localhost:3000) neither reads
 * the scanned citizen's data over the WebSocket nor prints, scans or taps a card through `/sim/*`.
 * `Host` must be one of its names: a DNS-rebound name (evil.example → 127.0.0.1) is refused too.
 * The refusal, or null for a request the agent answers.
 */
function refusal(request: IncomingMessage, hosts: Set<string>): LocalReply | null {
  const host = (request.headers.host ?? '').toLowerCase();
  if (!hosts.has(host))
    return errorReply(403, 'forbidden', {
      vi: `Thiết bị không phục vụ tên máy "${host.slice(0, 100)}"`,
      en: `This device does not serve the host name "${host.slice(0, 100)}"`,
    });
  const origin = request.headers.origin?.toLowerCase();
  const site = request.headers['sec-fetch-site'];
  const ownOrigin =
    origin === undefined || (origin.startsWith('http://') && hosts.has(origin.slice('http://'.length)));
  if (!ownOrigin || (site !== undefined && site !== 'same-origin' && site !== 'none'))
    return errorReply(403, 'forbidden', {
      vi: 'Chỉ các trang của chính thiết bị được dùng thiết bị này',
      en: "Only the device's own pages may use it",
    });
  return null;
}

/** The site server's error body (`ErrorBody`): `text` in both languages when the reason has them. */
export function errorReply(status: number, code: string, message: LocalizedText | string): LocalReply {
  if (typeof message === 'string') return { status, body: { error: { code, message } } };
  return { status, body: { error: { code, message: bilingual(message), text: message } } };
}

/** The route's `:name` values when `path` matches its pattern. */
function matchPath(pattern: string, path: string): Record<string, string> | null {
  if (pattern.endsWith('/*')) return path.startsWith(pattern.slice(0, -1)) ? {} : null;
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i]!.startsWith(':')) {
      if (!got[i]) return null;
      params[want[i]!.slice(1)] = decodeURIComponent(got[i]!);
    } else if (want[i] !== got[i]) return null;
  }
  return params;
}

/** The request body as JSON checked against `schema`, or the 4xx reply saying what is wrong. */
async function readBody(
  request: IncomingMessage,
  schema: TSchema,
): Promise<{ ok: true; body: unknown } | { ok: false; reply: LocalReply }> {
  const refuse = (status: number, code: string, message: LocalizedText) => ({
    ok: false as const,
    reply: errorReply(status, code, message),
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      return refuse(413, 'payload_too_large', {
        vi: `Nội dung quá ${MAX_BODY_BYTES} byte`,
        en: `Body over ${MAX_BODY_BYTES} bytes`,
      });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '')
    return refuse(400, 'invalid_request', { vi: 'Thiếu nội dung JSON', en: 'JSON body required' });
  if (!(request.headers['content-type'] ?? '').startsWith('application/json'))
    return refuse(415, 'unsupported_media_type', {
      vi: 'Nội dung phải là application/json',
      en: 'The body must be application/json',
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return refuse(400, 'invalid_json', { vi: 'Nội dung không phải JSON', en: 'The body is not JSON' });
  }
  const checked = validate(schema, parsed);
  return checked.ok ? { ok: true, body: checked.value } : refuse(400, 'invalid_request', checked.text);
}

function send(response: ServerResponse, reply: LocalReply): void {
  const json = typeof reply.body === 'object' && !Buffer.isBuffer(reply.body);
  const body = json ? JSON.stringify(reply.body) : (reply.body as string | Buffer);
  response.writeHead(reply.status ?? 200, {
    'content-type': reply.type ?? (json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8'),
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    // Never framed nor embedded by another site's page (clickjacking the kiosk, reading /sim images).
    'x-frame-options': 'DENY',
    'content-security-policy': "frame-ancestors 'none'",
    'cross-origin-resource-policy': 'same-origin',
    ...reply.headers,
  });
  response.end(body);
}

/** Vite names assets by content hash (a new build is a new name); pages and the icon are checked again. */
const HASHED_CACHE = 'public, max-age=31536000, immutable';
const UNHASHED_CACHE = 'no-cache';

/** `file`, or the `.br`/`.gz` built beside it when the browser takes that encoding. */
async function builtFile(file: string, acceptEncoding: string, cache: string): Promise<LocalReply> {
  const accepted = acceptedCodings(acceptEncoding);
  const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  const headers: Record<string, string> = { 'cache-control': cache, vary: 'accept-encoding' };
  for (const [coding, suffix] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const) {
    if (!accepted.has(coding)) continue;
    const body = await readFile(`${file}${suffix}`).catch(() => null);
    if (body) return { type, headers: { ...headers, 'content-encoding': coding }, body };
  }
  return { type, headers, body: await readFile(file) };
}

/** A file under `root` (no way out of it with `..` or encoded slashes), or null. */
async function staticFile(
  root: string,
  relative: string,
  acceptEncoding: string,
): Promise<LocalReply | null> {
  let name: string;
  try {
    name = decodeURIComponent(relative);
  } catch {
    return null;
  }
  const file = resolve(root, `.${sep}${name}`);
  if (!file.startsWith(root + sep) || name.includes('\0')) return null;
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return null;
  return builtFile(file, acceptEncoding, HASHED_CACHE);
}

/** The server's answer as the local app gets it (marked when it is the offline cache's). */
function apiReply(answer: ApiAnswer): LocalReply {
  return {
    status: answer.status,
    type: answer.contentType,
    headers: answer.fromCache ? { 'x-oss-cache': 'stale' } : {},
    body: answer.body,
  };
}

function appRoutes(o: HttpOptions): LocalRoute[] {
  const hasDist = existsSync(join(o.uiDist, 'kiosk.html'));
  const page = async (name: string, acceptEncoding: string): Promise<LocalReply> => {
    const file = join(o.uiDist, `${name}.html`);
    if (existsSync(file)) return builtFile(file, acceptEncoding, UNHASHED_CACHE);
    return { type: 'text/html; charset=utf-8', body: fallbackPage(o.kind) };
  };
  const assets = resolve(o.uiDist, 'assets');
  return [
    ...(['kiosk', 'counter', 'display'] as const).map(
      (name): LocalRoute => ({
        method: 'GET',
        path: `/${name}`,
        handler: ({ acceptEncoding }) => page(name, acceptEncoding),
      }),
    ),
    { method: 'GET', path: '/', handler: ({ acceptEncoding }) => page(o.kind, acceptEncoding) },
    {
      method: 'GET',
      path: '/favicon.svg',
      handler: async ({ acceptEncoding }) =>
        existsSync(join(o.uiDist, 'favicon.svg'))
          ? builtFile(join(o.uiDist, 'favicon.svg'), acceptEncoding, UNHASHED_CACHE)
          : errorReply(404, 'not_found', { vi: 'Không có tệp này', en: 'No such file' }),
    },
    { method: 'GET', path: '/agent.json', handler: () => ({ body: o.agentInfo() }) },
    {
      method: 'GET',
      path: '/health',
      handler: () => ({ body: { status: 'ok', ui: hasDist, ...o.health() } }),
    },
    {
      method: 'GET',
      path: '/assets/*',
      handler: async ({ url, acceptEncoding }) =>
        (await staticFile(assets, url.split('?')[0]!.slice('/assets/'.length), acceptEncoding)) ??
        errorReply(404, 'not_found', { vi: 'Không có tệp này', en: 'No such file' }),
    },
    {
      method: 'GET',
      path: '/api/*',
      handler: async ({ url }): Promise<LocalReply> => apiReply(await o.catalog.get(url)),
    },
    // A counter device's screen asks why after a low rating (PROTOCOL.md §6): the one change it sends.
    ...(o.kind === 'counter'
      ? [
          {
            method: 'POST' as const,
            path: '/api/tickets/:id/feedback',
            body: FeedbackBody,
            handler: async ({ params, body }: { params: Record<string, string>; body: unknown }) =>
              apiReply(await o.catalog.post(`/api/tickets/${encodeURIComponent(params.id!)}/feedback`, body)),
          },
        ]
      : []),
  ];
}

async function route(routes: LocalRoute[], request: IncomingMessage): Promise<LocalReply> {
  const url = request.url ?? '/';
  const path = url.split('?')[0]!;
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  for (const r of routes) {
    if (r.method !== method) continue;
    const params = matchPath(r.path, path);
    if (!params) continue;
    let body: unknown;
    if (r.body) {
      const read = await readBody(request, r.body);
      if (!read.ok) return read.reply;
      body = read.body;
    }
    return r.handler({ url, params, body, acceptEncoding: String(request.headers['accept-encoding'] ?? '') });
  }
  return errorReply(404, 'not_found', { vi: `Không có ${method} ${path}`, en: `No route ${method} ${path}` });
}

export async function startHttp(o: HttpOptions): Promise<LocalHttp> {
  const routes = [...appRoutes(o), ...(o.routes ?? [])];
  let hosts = new Set<string>(); // known once listening (port 0 = any free port)
  const server = createServer((request, response) => {
    const refused = refusal(request, hosts);
    const answer = refused
      ? Promise.resolve(refused)
      : route(routes, request).catch((e: unknown) => {
          o.log.error({ err: String(e), path: request.url?.split('?')[0] }, 'local HTTP request failed');
          return errorReply(500, 'internal', { vi: 'Lỗi thiết bị', en: 'Device error' });
        });
    void answer.then((reply) => send(response, reply));
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== AGENT_WS_PATH || refusal(request, hosts)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const sendUi = (m: AgentToUi) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
      };
      const session = o.connect(sendUi);
      ws.on('message', (data, isBinary) => {
        if (isBinary) return sendUi(uiError(null, 'invalid_message', BINARY));
        let parsed: unknown;
        try {
          parsed = JSON.parse(data.toString());
        } catch {
          return sendUi(uiError(null, 'invalid_message', NOT_JSON));
        }
        const checked = validate(uiMessageSchema(parsed), parsed);
        if (!checked.ok) {
          const rid = (parsed as { requestId?: unknown } | null)?.requestId;
          const requestId = typeof rid === 'string' && rid.length > 0 && rid.length <= 64 ? rid : null;
          return sendUi(uiError(requestId, 'invalid_message', checked.text));
        }
        try {
          session.onMessage(checked.value);
        } catch (e) {
          o.log.error({ err: String(e) }, 'UI message handling failed');
          sendUi(uiError(null, 'internal', { vi: 'Lỗi thiết bị', en: 'Device error' }));
        }
      });
      ws.on('error', () => ws.terminate());
      ws.on('close', () => session.close());
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  hosts = servedHosts(o.host, port);
  return {
    server,
    port,
    close: () =>
      new Promise<void>((done) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

const BINARY = { vi: 'Tin nhắn phải là văn bản JSON', en: 'Messages must be JSON text' };
const NOT_JSON = { vi: 'Tin nhắn không phải JSON', en: 'The message is not JSON' };
