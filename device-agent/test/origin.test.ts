/**
 * The agent's local server answers only its own pages: a page from another origin (even
 * localhost:3000 on the kiosk's own browser) or a DNS-rebound host name gets neither the scanned
 * citizen over the WebSocket nor the `/sim/*` hooks (print, scan, card). Real agent, real server,
 * raw HTTP and WebSocket requests with the headers a browser sends.
 */
import { request } from 'node:http';
import type { RunningServer } from '@oss/queue-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type AgentHandle, startAgent } from '../src/agent.ts';
import { silentLogger } from '../src/log.ts';
import { qrTextOf } from '../src/sim.ts';
import { agentConfig, connectUi, enrolDevice, startSite, tempDir, waitFor } from './helpers.ts';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with exactly these headers (fetch would not let a test set `Host`). */
function raw(port: number, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<RawAnswer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens the WebSocket as a browser page would; the handshake's HTTP status (101 = opened). */
function handshake(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const { origin, ...rest } = headers;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: rest, ...(origin ? { origin } : {}) });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('the agent answers only its own pages', () => {
  const dir = tempDir();
  let server: RunningServer;
  let kiosk: AgentHandle;
  let own: string;

  beforeAll(async () => {
    server = await startSite(`${dir.path}/server`);
    kiosk = await startAgent(agentConfig(server, enrolDevice(server, ['kiosk-o', 'kiosk'])), {
      simulate: true,
      log: silentLogger,
      port: 0,
      dataDir: `${dir.path}/kiosk`,
    });
    own = `127.0.0.1:${kiosk.port}`;
    await waitFor(() => kiosk.link.connected && kiosk.catalog.services.length > 0, 'kiosk online');
  });

  afterAll(async () => {
    await kiosk?.stop();
    await server?.stop();
    dir.remove();
  });

  it('opens the WebSocket only for its own origin and host names', async () => {
    const p = kiosk.port;
    const refused: Record<string, string>[] = [
      { origin: 'http://localhost:3000' },
      { origin: 'http://127.0.0.1:3000' },
      { origin: `http://127.0.0.1:${p + 1}` },
      { origin: `https://127.0.0.1:${p}` },
      { origin: `http://127.0.0.1:${p}.evil.example` },
      { origin: 'null' },
      { origin: '::not a url::' },
      { origin: `http://evil.example:${p}`, host: `evil.example:${p}` }, // DNS rebinding
      { host: `evil.example:${p}` },
      { host: `127.0.0.1:${p + 1}` },
    ];
    for (const headers of refused) expect([headers, await handshake(p, headers)]).toEqual([headers, 403]);
    const accepted: Record<string, string>[] = [
      {},
      { origin: `http://127.0.0.1:${p}` },
      { origin: `http://localhost:${p}`, host: `localhost:${p}` },
      { origin: `http://LOCALHOST:${p}`, host: `LocalHost:${p}` },
    ];
    for (const headers of accepted) expect([headers, await handshake(p, headers)]).toEqual([headers, 101]);
  });

  it('a foreign page gets no citizen data and prints nothing; the own page does', async () => {
    const mine = await connectUi(kiosk.port, `http://${own}`);
    kiosk.scan(qrTextOf());
    await mine.next('identity');
    const printed = kiosk.sim.printer!.printed;
    await expect(connectUi(kiosk.port, 'http://localhost:3000')).rejects.toThrow(/403/);
    expect(kiosk.sim.printer!.printed).toBe(printed);
    mine.send({
      type: 'ticket.issue',
      requestId: 'own',
      serviceId: 'civil-status',
      lang: 'vi',
      useIdentity: true,
    });
    expect((await mine.next('ticket', (m) => m.requestId === 'own')).printed).toBe(true);
    expect(kiosk.sim.printer!.printed).toBe(printed + 1);
    mine.close();
  });

  it('refuses /sim/* and every route to other origins, other sites and other host names, in both languages', async () => {
    const p = kiosk.port;
    const json = { 'content-type': 'application/json' };
    const scan = JSON.stringify({ text: qrTextOf() });
    const attacks: [string, string, Record<string, string>, string?][] = [
      ['POST', '/sim/scan', { ...json, host: own, origin: 'http://localhost:3000' }, scan],
      ['POST', '/sim/card', { host: own, origin: 'http://localhost:3000' }],
      ['POST', '/sim/card', { host: own, 'sec-fetch-site': 'same-site' }], // localhost:3000 → localhost:p
      ['POST', '/sim/button/next', { host: own, 'sec-fetch-site': 'cross-site' }],
      ['DELETE', '/sim/card', { host: own, origin: 'null' }],
      [
        'GET',
        '/sim/printer/last.png',
        { host: own, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' },
      ],
      ['POST', '/sim/scan', { ...json, host: `evil.example:${p}` }, scan],
      ['GET', '/agent.json', { host: `evil.example:${p}` }],
      ['GET', '/api/services', { host: `evil.example:${p}` }],
      ['GET', '/health', { host: `127.0.0.1.nip.io:${p}` }],
      ['GET', '/kiosk', { host: own, origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site' }],
    ];
    let identities = 0;
    const watcher = await connectUi(p);
    for (const [method, path, headers, body] of attacks) {
      const answer = await raw(p, method, path, headers, body);
      expect([method, path, headers, answer.status]).toEqual([method, path, headers, 403]);
      const error = (
        JSON.parse(answer.body) as {
          error: { code: string; message: string; text: { vi: string; en: string } };
        }
      ).error;
      expect(error.code).toBe('forbidden');
      expect(error.message).toMatch(/^(Thiết bị|Chỉ) .+ \/ (This|Only) /);
      // The server's error body: the reason in each language too.
      expect(error.text.vi).toMatch(/^(Thiết bị|Chỉ) /);
      expect(error.text.en).toMatch(/^(This|Only) /);
    }
    identities = watcher.messages.filter((m) => m.type === 'identity').length;
    expect(identities).toBe(0); // no scan, no card went through
    expect(kiosk.kiosk!.hasIdentity).toBe(false);

    // The same requests from the agent's own page, or from no browser at all, are answered.
    const ownPage = { host: own, origin: `http://${own}`, 'sec-fetch-site': 'same-origin' };
    expect((await raw(p, 'POST', '/sim/scan', { ...json, ...ownPage }, scan)).status).toBe(200);
    await watcher.next('identity');
    expect((await raw(p, 'GET', '/agent.json', { host: own, 'sec-fetch-site': 'none' })).status).toBe(200);
    const page = await raw(p, 'GET', '/kiosk', { host: `localhost:${p}`, 'sec-fetch-site': 'none' });
    expect(page.status).toBe(200);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['cross-origin-resource-policy']).toBe('same-origin');
    watcher.close();
  });
});
