/**
 * The agent's local HTTP server on 127.0.0.1: the device's app (from kiosk-ui/dist, or a plain
 * fallback page), `/agent.json`, `/api/*` proxied to the server (with the offline cache), `/health`,
 * and the `UiToAgent`/`AgentToUi` WebSocket at `/ws`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { AGENT_WS_PATH, type AgentToUi, type DeviceKind, UiToAgent, validate } from '@oss/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { WebSocketServer } from 'ws';
import type { SiteCatalog } from './catalog.ts';
import type { AgentLogger } from './log.ts';
import { uiError } from './ui.ts';

export interface HttpOptions {
  host: string;
  port: number;
  uiDist: string;
  kind: DeviceKind;
  agentInfo: () => Record<string, unknown>;
  catalog: SiteCatalog;
  log: AgentLogger;
  health: () => Record<string, unknown>;
  /** A new app connection: returns its message handler and a goodbye. */
  /** More routes (the `--simulate` hooks). */
  routes?: (app: FastifyInstance) => void;
  connect: (send: (m: AgentToUi) => void) => {
    onMessage: (m: UiToAgent) => void;
    close: () => void;
  };
}

const MAX_MESSAGE_BYTES = 16 * 1024;

function fallbackPage(kind: DeviceKind): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>OSS ${kind}</title></head>
<body style="font-family:sans-serif;text-align:center;padding-top:20vh">
<h1>Thiết bị đang hoạt động / Device agent running</h1>
<p>Ứng dụng ${kind} chưa được cài (kiosk-ui/dist). The ${kind} app is not built yet: <code>npm run build -w kiosk-ui</code>.</p>
</body></html>`;
}

/** Only pages served from this agent (or no browser at all) may open the WebSocket. */
function localOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    const host = new URL(origin).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}

export async function startHttp(o: HttpOptions): Promise<{ app: FastifyInstance; port: number }> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  const hasDist = existsSync(join(o.uiDist, 'kiosk.html'));
  const page = (name: string) => {
    const file = join(o.uiDist, `${name}.html`);
    return existsSync(file) ? readFileSync(file, 'utf8') : fallbackPage(o.kind);
  };
  if (existsSync(join(o.uiDist, 'assets')))
    await app.register(fastifyStatic, {
      root: join(o.uiDist, 'assets'),
      prefix: '/assets/',
      maxAge: '1d',
      immutable: true,
    });
  for (const name of ['kiosk', 'counter', 'display'] as const)
    app.get(`/${name}`, async (_req, reply) => reply.type('text/html; charset=utf-8').send(page(name)));
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(page(o.kind)));
  app.get('/agent.json', async () => o.agentInfo());
  app.get('/health', async () => ({ status: 'ok', ui: hasDist, ...o.health() }));
  app.get('/api/*', async (request, reply) => {
    const answer = await o.catalog.get(request.url);
    reply.status(answer.status).type(answer.contentType);
    if (answer.fromCache) reply.header('x-oss-cache', 'stale');
    return reply.send(answer.body);
  });

  o.routes?.(app);

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  app.server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== AGENT_WS_PATH || !localOrigin(request)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const send = (m: AgentToUi) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
      };
      const session = o.connect(send);
      ws.on('message', (data, isBinary) => {
        if (isBinary) return send(uiError(null, 'invalid_message', BINARY));
        let parsed: unknown;
        try {
          parsed = JSON.parse(data.toString());
        } catch {
          return send(uiError(null, 'invalid_message', NOT_JSON));
        }
        const checked = validate(UiToAgent, parsed);
        if (!checked.ok) {
          const rid = (parsed as { requestId?: unknown } | null)?.requestId;
          const requestId = typeof rid === 'string' && rid.length > 0 && rid.length <= 64 ? rid : null;
          return send(uiError(requestId, 'invalid_message', checked.text));
        }
        try {
          session.onMessage(checked.value);
        } catch (e) {
          o.log.error({ err: String(e) }, 'UI message handling failed');
          send(uiError(null, 'internal', { vi: 'Lỗi thiết bị', en: 'Device error' }));
        }
      });
      ws.on('error', () => ws.terminate());
      ws.on('close', () => session.close());
    });
  });
  app.addHook('onClose', async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  await app.listen({ host: o.host, port: o.port });
  const address = app.server.address();
  return { app, port: typeof address === 'object' && address ? address.port : o.port };
}

const BINARY = { vi: 'Tin nhắn phải là văn bản JSON', en: 'Messages must be JSON text' };
const NOT_JSON = { vi: 'Tin nhắn không phải JSON', en: 'The message is not JSON' };
