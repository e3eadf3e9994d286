import type { AddressInfo } from 'node:net';
import type { AgentToUi, Ticket, UiToAgent } from '@oss/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Api, ApiError } from '../shared/api.ts';
import { AgentTransport, HttpTransport, type KioskEvent } from './transport.ts';

const ticket: Ticket = {
  id: 'tk_0123456789abcdef',
  number: 'A012',
  serviceId: 'civil-status',
  priority: 'normal',
  status: 'waiting',
  issuedAt: '2026-11-22T08:01:02.345+07:00',
  ahead: 4,
  etaMinutes: 11,
  etaRange: { low: 8, high: 15 },
};

describe('HttpTransport (plain browser)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('posts ticket.issue with an id, Basic auth, the birth date as citizen, and builds the phone URL', async () => {
    const fetch = vi.fn(
      async (_url: string, _init: RequestInit) => new Response(JSON.stringify({ ticket }), { status: 200 }),
    );
    vi.stubGlobal('fetch', fetch);
    const api = new Api({ headers: { authorization: 'Basic a2lvc2stNzpzZWNyZXQ=' } });
    const transport = new HttpTransport(api, 'http://site.example');
    const result = await transport.issue({
      serviceId: 'civil-status',
      lang: 'vi',
      birthDate: '1950-01-02',
      priority: 'disabled',
    });
    expect(result).toEqual({ ticket, printed: false, url: 'http://site.example/t/tk_0123456789abcdef' });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/actions/ticket.issue');
    expect((init.headers as Record<string, string>).authorization).toBe('Basic a2lvc2stNzpzZWNyZXQ=');
    const body = JSON.parse(init.body as string);
    expect(body).toMatchObject({
      serviceId: 'civil-status',
      lang: 'vi',
      priority: 'disabled',
      citizen: { birthDate: '1950-01-02' },
    });
    expect(body.id).toMatch(/^[a-z0-9-]{8,64}$/);
    expect(transport.hardware()).toEqual({ printer: false, scanner: false, cardReader: false });
  });

  it('retries a lost answer with the same id, and passes refusals through with both languages', async () => {
    const fetch = vi
      .fn()
      .mockRejectedValueOnce(new TypeError('network down'))
      .mockResolvedValueOnce(new Response(JSON.stringify({ ticket }), { status: 200 }))
      .mockResolvedValueOnce(
        new Response(
          JSON.stringify({
            error: {
              code: 'unauthorized',
              message: 'x',
              text: { vi: 'Sai thông tin thiết bị', en: 'Wrong device credentials' },
            },
          }),
          {
            status: 401,
          },
        ),
      );
    vi.stubGlobal('fetch', fetch);
    const transport = new HttpTransport(new Api(), 'http://s');
    await transport.issue({ serviceId: 'civil-status', lang: 'en' });
    const ids = fetch.mock.calls.map((c) => JSON.parse((c[1] as RequestInit).body as string).id);
    expect(ids[0]).toBe(ids[1]);
    const error = await transport.issue({ serviceId: 'civil-status', lang: 'en' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).text.vi).toBe('Sai thông tin thiết bị');
  });
});

function closeServer(server: WebSocketServer): Promise<void> {
  for (const client of server.clients) client.terminate();
  return new Promise<void>((r) => server.close(() => r()));
}

/** A fake device agent: a real WebSocket server speaking UiToAgent / AgentToUi. */
async function fakeAgent(handle: (message: UiToAgent, send: (m: AgentToUi) => void) => void) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const received: UiToAgent[] = [];
  server.on('connection', (socket) => {
    const send = (m: AgentToUi) => socket.send(JSON.stringify(m));
    send({
      type: 'hello',
      deviceId: 'kiosk-1',
      kind: 'kiosk',
      site: 'demo',
      serverUrl: 'http://server.example:8080/',
      hardware: { printer: true, scanner: true, cardReader: true },
    });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as UiToAgent;
      received.push(message);
      handle(message, send);
    });
  });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  return { server, url, received, close: () => closeServer(server) };
}

const info = { deviceId: 'kiosk-1', kind: 'kiosk', site: 'demo', serverUrl: 'http://fallback' };
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('AgentTransport (device agent over the local WebSocket)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('issues through the agent, learns the hardware, and forwards identity and printer events', async () => {
    const agent = await fakeAgent((m, send) => {
      if (m.type === 'ticket.issue') {
        send({
          type: 'identity',
          identity: {
            fullName: 'Nguyễn Văn A',
            birthDate: '1950-03-04',
            maskedId: '0010****7064',
            source: 'qr',
          },
        });
        send({ type: 'printer', state: { ok: false, paper: 'out', coverOpen: false } });
        send({ type: 'queue', summary: { at: '2026-11-22T08:01:03.000+07:00', services: [], counters: [] } });
        send({
          type: 'ticket',
          requestId: m.requestId,
          ticket,
          printed: false,
          url: 'http://server.example:8080/t/tk',
        });
      }
    });
    cleanups.push(agent.close);
    const transport = new AgentTransport(agent.url, info, { WebSocket: WebSocket as never });
    cleanups.push(() => transport.close());
    const events: KioskEvent[] = [];
    transport.subscribe((e) => events.push(e));
    await until(() => transport.hardware().printer);
    expect(transport.serverUrl).toBe('http://server.example:8080');
    const result = await transport.issue({
      serviceId: 'civil-status',
      lang: 'vi',
      useIdentity: true,
      birthDate: '1950-03-04',
    });
    expect(result).toEqual({ ticket, printed: false, url: 'http://server.example:8080/t/tk' });
    const sent = agent.received.find((m) => m.type === 'ticket.issue');
    expect(sent).toMatchObject({
      type: 'ticket.issue',
      serviceId: 'civil-status',
      lang: 'vi',
      useIdentity: true,
    });
    // With the agent's identity, the birth date stays in the agent: it is not sent back to it.
    expect(sent && 'birthDate' in sent).toBe(false);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['agent', 'identity', 'printer', 'queue']),
    );
    transport.clearSession();
    await until(() => agent.received.some((m) => m.type === 'session.clear'));
  });

  it('rejects on the agent error for the request, and on a timeout', async () => {
    const agent = await fakeAgent((m, send) => {
      if (m.type === 'ticket.issue' && m.serviceId === 'land')
        send({
          type: 'error',
          requestId: m.requestId,
          code: 'unavailable',
          message: { vi: 'Ngoài giờ làm việc', en: 'Closed' },
        });
      if (m.type === 'cccd.read') send({ type: 'cccd.progress', requestId: m.requestId, step: 'reading' });
    });
    cleanups.push(agent.close);
    const transport = new AgentTransport(agent.url, info, { WebSocket: WebSocket as never, timeoutMs: 300 });
    cleanups.push(() => transport.close());
    await until(() => transport.connected);
    const refused = await transport.issue({ serviceId: 'land', lang: 'vi' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('unavailable');
    expect((refused as ApiError).text.vi).toBe('Ngoài giờ làm việc');
    const steps: string[] = [];
    transport.subscribe((e) => e.type === 'cccd.progress' && steps.push(e.step));
    const late = await transport.readChip().catch((e: unknown) => e);
    expect((late as ApiError).code).toBe('timeout');
    expect(steps).toEqual(['reading']);
  });

  it('fails fast when the agent is down and reconnects when it is back', async () => {
    const agent = await fakeAgent((m, send) => {
      if (m.type === 'ticket.issue')
        send({ type: 'ticket', requestId: m.requestId, ticket, printed: true, url: 'u' });
    });
    const port = Number(new URL(agent.url).port);
    const transport = new AgentTransport(agent.url, info, { WebSocket: WebSocket as never });
    cleanups.push(() => transport.close());
    await until(() => transport.connected);
    await agent.close();
    await until(() => !transport.connected);
    const down = await transport.issue({ serviceId: 'civil-status', lang: 'vi' }).catch((e: unknown) => e);
    expect((down as ApiError).code).toBe('unavailable');
    // The agent restarts on the same port.
    const again = new WebSocketServer({ port, host: '127.0.0.1' });
    cleanups.push(() => closeServer(again));
    again.on('connection', (socket) =>
      socket.on('message', (data) => {
        const m = JSON.parse(String(data)) as UiToAgent;
        if (m.type === 'ticket.issue')
          socket.send(
            JSON.stringify({ type: 'ticket', requestId: m.requestId, ticket, printed: true, url: 'u' }),
          );
      }),
    );
    await until(() => transport.connected);
    await expect(transport.issue({ serviceId: 'civil-status', lang: 'vi' })).resolves.toMatchObject({
      printed: true,
    });
  });
});
