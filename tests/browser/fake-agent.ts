/**
 * A stand-in for the device agent (being built in parallel), enough to drive the kiosk app in agent
 * mode in a real browser: serves the built kiosk and `/agent.json`, proxies `/api/*` to the queue
 * server (as the real agent does), pushes the queue summary, and speaks `UiToAgent` / `AgentToUi` on `/ws`. Tickets are issued on the real server over
 * HTTP with the kiosk's enrolment; "printing" succeeds unless the test says the paper is out.
 */
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { AgentToUi, PrinterState, QueueSummary, Ticket, UiToAgent } from '@oss/protocol';
import { WebSocket, WebSocketServer } from 'ws';
import { APPS_DIST } from './harness.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

export interface FakeAgent {
  url: string;
  received: UiToAgent[];
  /** Sends a message to every connected app. */
  send(message: AgentToUi): void;
  setPrinter(state: PrinterState): void;
  /** The next ticket is answered as if issued offline from a leased block. */
  offlineNext: boolean;
  /** Which profile `/agent.json` and `hello` announce (a counter device answers its buttons). */
  kind: 'kiosk' | 'counter' | 'display';
  counterId: string | undefined;
  connected(): number;
  close(): Promise<void>;
}

export async function startFakeAgent(
  serverUrl: string,
  deviceId: string,
  password: string,
): Promise<FakeAgent> {
  const received: UiToAgent[] = [];
  let printer: PrinterState = { ok: true, paper: 'ok', coverOpen: false };
  let identity: { birthDate: string } | null = null;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/agent.json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ deviceId, kind: agent.kind, site: 'demo', serverUrl }));
      return;
    }
    if (path.startsWith('/api/')) {
      const target = new URL(req.url ?? '/', serverUrl);
      const proxied = request(
        target,
        { method: req.method, headers: { ...req.headers, host: target.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      req.pipe(proxied);
      return;
    }
    const page = /^\/(kiosk|display|counter)$/.exec(path)?.[1];
    const file = path === '/' ? 'kiosk.html' : page ? `${page}.html` : normalize(path).replace(/^\/+/, '');
    try {
      const body = readFileSync(join(APPS_DIST, file));
      res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  const sendAll = (m: AgentToUi) => {
    for (const c of wss.clients) if (c.readyState === WebSocket.OPEN) c.send(JSON.stringify(m));
  };
  // The real agent relays the retained MQTT queue summary; this one asks the server over HTTP.
  const broadcastQueue = async () => {
    const summary = (await (await fetch(`${serverUrl}/api/queue`)).json()) as QueueSummary;
    sendAll({ type: 'queue', summary });
  };
  wss.on('connection', (socket) => {
    const send = (m: AgentToUi) => socket.send(JSON.stringify(m));
    send({
      type: 'hello',
      deviceId,
      kind: agent.kind,
      site: 'demo',
      serverUrl,
      ...(agent.counterId ? { counterId: agent.counterId } : {}),
      hardware: { printer: true, scanner: true, cardReader: true },
    });
    send({ type: 'connection', online: true });
    send({ type: 'printer', state: printer });
    void broadcastQueue();
    socket.on('message', async (data) => {
      const m = JSON.parse(String(data)) as UiToAgent;
      received.push(m);
      if (m.type === 'session.clear') identity = null;
      if (m.type === 'counter.button' && m.button === 'next')
        send({
          type: 'counter.current',
          ticket: {
            id: 'tk_counter_device_test',
            number: 'C007',
            serviceId: 'land',
            priority: 'normal',
            status: 'called',
            issuedAt: '2026-11-24T09:00:00.000+07:00',
            ahead: 0,
            etaMinutes: 0,
            counterId: agent.counterId ?? 'counter-5',
            counterNumber: 5,
          },
        });
      if (m.type === 'counter.button' && m.button.startsWith('rate-'))
        send({
          type: 'counter.rated',
          requestId: null,
          counted: true,
          message: { vi: 'Cảm ơn quý khách đã đánh giá!', en: 'Thank you for your rating!' },
        });
      if (m.type !== 'ticket.issue') return;
      const birthDate = m.useIdentity ? identity?.birthDate : m.birthDate;
      const res = await fetch(`${serverUrl}/api/actions/ticket.issue`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${deviceId}:${password}`).toString('base64')}`,
        },
        body: JSON.stringify({
          id: m.requestId,
          serviceId: m.serviceId,
          lang: m.lang,
          ...(m.priority ? { priority: m.priority } : {}),
          ...(m.procedureId ? { procedureId: m.procedureId } : {}),
          ...(birthDate ? { citizen: { birthDate } } : {}),
        }),
      });
      const body = (await res.json()) as {
        ticket?: never;
        error?: { code: string; text: { vi: string; en: string } };
      };
      if (!res.ok || !body.ticket)
        send({
          type: 'error',
          requestId: m.requestId,
          code: body.error?.code ?? 'unavailable',
          message: body.error!.text,
        });
      else {
        void broadcastQueue();
        send({
          type: 'ticket',
          requestId: m.requestId,
          ticket: agent.offlineNext ? { ...(body.ticket as Ticket), offline: true } : body.ticket,
          printed: printer.ok && printer.paper !== 'out',
          url: `${serverUrl}/t/${(body.ticket as { id: string }).id}`,
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent: FakeAgent = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    send(message) {
      if (message.type === 'identity') identity = { birthDate: message.identity.birthDate };
      sendAll(message);
    },
    setPrinter(state) {
      printer = state;
      sendAll({ type: 'printer', state });
    },
    offlineNext: false,
    kind: 'kiosk',
    counterId: undefined,
    connected: () => wss.clients.size,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return agent;
}
