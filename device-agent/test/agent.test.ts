/**
 * The agent against a real site server (embedded broker, SQLite), with simulated hardware: tickets
 * from the local WebSocket printed as raster ESC/POS, CCCD QR and chip, bad input, counter buttons,
 * spoken calls, the retained status seen by the server.
 */
import { checkTicket, countDifferentDots, pngToMono, sampleCitizen } from '@oss/hardware';
import type { Ticket } from '@oss/protocol';
import type { RunningServer } from '@oss/queue-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentHandle, startAgent } from '../src/agent.ts';
import type { SatisfactionEstimator } from '../src/counter.ts';
import { silentLogger } from '../src/log.ts';
import { qrTextOf } from '../src/sim.ts';
import { callClips } from '../src/speech.ts';
import {
  agentConfig,
  connectUi,
  enrolDevice,
  signIn,
  startSite,
  tempDir,
  type UiConnection,
  waitFor,
} from './helpers.ts';

describe('device agent against the queue server', () => {
  const dir = tempDir();
  let server: RunningServer;
  let kiosk: AgentHandle;
  let counter: AgentHandle;
  let display: AgentHandle;
  let ui: UiConnection;
  const estimates: string[] = [];
  const estimator: SatisfactionEstimator = {
    onServiceStart: (id) => estimates.push(`start ${id}`),
    onServiceEnd: (id) => {
      estimates.push(`end ${id}`);
      return null;
    },
  };

  beforeAll(async () => {
    server = await startSite(`${dir.path}/server`);
    const start = (args: string[]) =>
      startAgent(agentConfig(server, enrolDevice(server, args)), {
        simulate: true,
        log: silentLogger,
        port: 0,
        dataDir: `${dir.path}/${args[0]}`,
        estimator,
      });
    [kiosk, counter, display] = await Promise.all([
      start(['kiosk-1', 'kiosk']),
      start(['counter-dev-1', 'counter', '--counter', server.config.counters[0]!.id]),
      start(['display-1', 'display']),
    ]);
    await waitFor(
      () => kiosk.link.connected && counter.link.connected && display.link.connected,
      'agents online',
    );
    await waitFor(() => kiosk.catalog.services.length > 0, 'site catalogue');
    ui = await connectUi(kiosk.port);
  });

  afterAll(async () => {
    ui?.close();
    await Promise.all([kiosk?.stop(), counter?.stop(), display?.stop()]);
    await server?.stop();
    dir.remove();
  });

  it('greets the app and serves /agent.json, the app pages and the API proxy', async () => {
    const hello = await ui.next('hello');
    expect(hello).toMatchObject({ deviceId: 'kiosk-1', kind: 'kiosk', site: 'demo' });
    expect(hello.hardware).toEqual({ printer: true, scanner: true, cardReader: true });
    const info = await (await fetch(`${kiosk.url}/agent.json`)).json();
    expect(info).toEqual({
      deviceId: 'kiosk-1',
      kind: 'kiosk',
      site: 'demo',
      serverUrl: kiosk.config.serverUrl,
    });
    const page = await fetch(`${kiosk.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const services = (await (await fetch(`${kiosk.url}/api/services`)).json()) as { services: unknown[] };
    expect(services.services.length).toBeGreaterThan(0);
    expect((await fetch(`${kiosk.url}/api/tickets/nope`)).status).toBe(404);
  });

  it('issues a ticket from the WebSocket and prints it as a raster image', async () => {
    const serviceId = kiosk.catalog.services[0]!.id;
    const printed = kiosk.sim.printer!.printed;
    ui.send({ type: 'ticket.issue', requestId: 'r-1', serviceId, lang: 'vi' });
    const answer = await ui.next('ticket', (m) => m.requestId === 'r-1');
    expect(answer.printed).toBe(true);
    expect(answer.ticket.serviceId).toBe(serviceId);
    expect(answer.ticket.offline).toBeUndefined();
    expect(answer.url).toBe(`${kiosk.config.serverUrl}/t/${answer.ticket.id}`);
    expect(kiosk.sim.printer!.printed).toBe(printed + 1);
    const job = kiosk.sim.printer!.lastJob()!;
    expect(job.image.width).toBe(576);
    expect(job.image.height).toBeGreaterThan(300);
    expect(job.cuts.length).toBe(1);
    const stored = await (await fetch(`${kiosk.config.serverUrl}/api/tickets/${answer.ticket.id}`)).json();
    expect((stored as { ticket: Ticket }).ticket.number).toBe(answer.ticket.number);
  });

  it('prints a ticket behind a day-long queue, without a wait estimate', () => {
    const ticket: Ticket = {
      id: 't-long',
      number: 'A999',
      serviceId: kiosk.catalog.services[0]!.id,
      priority: 'normal',
      status: 'waiting',
      issuedAt: '2026-11-23T08:00:00.000+07:00',
      ahead: 900,
      etaMinutes: 2000,
    };
    const long = kiosk.kiosk!.printable(ticket, 'https://x.example/t/t-long');
    expect(() => checkTicket(long)).not.toThrow();
    expect(long.wait).toBeUndefined();
    expect(long.ahead).toBe(900);
    const short = kiosk.kiosk!.printable({ ...ticket, etaMinutes: 15 }, 'https://x.example/t/t-long');
    expect(short.wait).toEqual({ minMinutes: 10, maxMinutes: 20 });
  });

  it('reads a CCCD QR, shows a masked identity, reads the chip and uses only the birth date', async () => {
    const citizen = sampleCitizen({
      idNumber: '001050007064',
      birthDate: '1950-01-02',
      expiryDate: '2099-12-31',
    });
    kiosk.scan(qrTextOf(citizen));
    const identity = await ui.next('identity');
    expect(identity.identity).toEqual({
      fullName: citizen.fullName,
      birthDate: '1950-01-02',
      maskedId: '0010****7064',
      source: 'qr',
    });
    kiosk.tapCard(citizen);
    ui.send({ type: 'cccd.read', requestId: 'chip-1', expiryDate: citizen.expiryDate });
    const steps: string[] = [];
    for (;;) {
      const p = await ui.next('cccd.progress', (m) => m.requestId === 'chip-1');
      steps.push(p.step);
      if (p.step === 'done') break;
    }
    expect(steps).toEqual(['waiting-card', 'authenticating', 'reading', 'verifying', 'done']);
    expect((await ui.next('identity')).identity.source).toBe('chip');
    kiosk.removeCard();
    ui.send({
      type: 'ticket.issue',
      requestId: 'r-id',
      serviceId: kiosk.catalog.services[0]!.id,
      lang: 'vi',
      useIdentity: true,
    });
    const answer = await ui.next('ticket', (m) => m.requestId === 'r-id');
    expect(answer.ticket.priority).not.toBe('normal'); // ≥ 60: elderly, from the birth date alone
    expect(kiosk.kiosk!.hasIdentity).toBe(false); // the ticket ended the session
    ui.send({
      type: 'ticket.issue',
      requestId: 'r-id2',
      serviceId: 'civil-status',
      lang: 'vi',
      useIdentity: true,
    });
    expect((await ui.next('error', (m) => m.requestId === 'r-id2')).code).toBe('no_identity');
  });

  it('answers bad QR codes, scanner garbage and bad messages with typed errors, and keeps working', async () => {
    kiosk.scan('https://example.com/not-a-card');
    expect((await ui.next('error')).code).toBe('scan_not_cccd');
    // A booking's QR or a dossier receipt goes to the app as a code (nothing else passes).
    kiosk.scan(' K7M2PQ ');
    expect((await ui.next('code.scanned')).text).toBe('K7M2PQ');
    kiosk.scan('000.00.12.H29-261201-0001');
    expect((await ui.next('code.scanned')).text).toBe('000.00.12.H29-261201-0001');
    kiosk.scan('001090007064||Nguyễn Văn An|99999999|Nam|Hà Nội|20042021');
    expect((await ui.next('error')).code).toMatch(/^cccd_qr_/);
    kiosk.scanRaw(Uint8Array.of(0x01, 0x02, 0xff, 0x0d));
    expect((await ui.next('error')).code).toMatch(/^scanner_/);
    kiosk.scanRaw(Uint8Array.of(0xc3, 0x28, 0x0d));
    expect((await ui.next('error')).code).toBe('scanner_invalid_utf8');
    ui.send('{not json');
    expect((await ui.next('error')).code).toBe('invalid_message');
    ui.send(Buffer.from([1, 2, 3]));
    expect((await ui.next('error')).code).toBe('invalid_message');
    ui.send(JSON.stringify({ type: 'ticket.issue', requestId: 'bad-1', lang: 'vi' }));
    const missing = await ui.next('error', (m) => m.requestId === 'bad-1');
    expect(missing.code).toBe('invalid_message');
    expect(missing.message.en).toContain('serviceId');
    ui.send(JSON.stringify({ type: 'self-destruct' }));
    expect((await ui.next('error')).code).toBe('invalid_message');
    ui.send({ type: 'counter.button', button: 'next' });
    expect((await ui.next('error')).code).toBe('unsupported');
    ui.send({ type: 'cccd.read', requestId: 'chip-2' });
    expect((await ui.next('error', (m) => m.requestId === 'chip-2')).code).toBe('no_identity');
    ui.send({ type: 'ticket.issue', requestId: 'r-unknown', serviceId: 'no-such-service', lang: 'en' });
    expect((await ui.next('error', (m) => m.requestId === 'r-unknown')).code).toBe('unknown_service');
    // A page from elsewhere may not open the agent's WebSocket.
    await expect(connectUi(kiosk.port, 'https://evil.example')).rejects.toThrow();
    // Still alive.
    ui.send({ type: 'ticket.issue', requestId: 'r-after', serviceId: 'civil-status', lang: 'vi' });
    expect((await ui.next('ticket', (m) => m.requestId === 'r-after')).printed).toBe(true);
  });

  it('exposes the simulation hooks on 127.0.0.1 with --simulate; session.clear forgets the identity', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${kiosk.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('/sim/scan', { text: qrTextOf() })).status).toBe(200);
    expect((await ui.next('identity')).identity.maskedId).toBe('0010****7064');
    expect(kiosk.kiosk!.hasIdentity).toBe(true);
    ui.send({ type: 'session.clear' });
    await waitFor(() => !kiosk.kiosk!.hasIdentity, 'the identity forgotten');
    expect((await post('/sim/scan', {})).status).toBe(400);
    expect((await post('/sim/button/self-destruct', {})).status).toBe(400);
    expect((await post('/sim/button/toString', {})).status).toBe(400); // not a prototype's key
    // The last printed ticket as a PNG: the print job decoded back, dot for dot.
    const png = await fetch(`${kiosk.url}/sim/printer/last.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    const image = pngToMono(Buffer.from(await png.arrayBuffer()));
    expect(countDifferentDots(image, kiosk.sim.printer!.lastJob()!.image)).toBe(0);
  });

  it('falls back to an on-screen ticket when the printer is out of paper, and reports it', async () => {
    // A dashboard opened later learns the printer's state from the retained status, not the live event.
    const baseUrl = `http://127.0.0.1:${server.httpPort}`;
    const cookie = await signIn(baseUrl, 'manager', 'demo-manager');
    const paperSeenByServer = async () => {
      const { devices } = (await (await fetch(`${baseUrl}/api/devices`, { headers: { cookie } })).json()) as {
        devices: { id: string; status: { printer?: { paper: string } } | null }[];
      };
      return devices.find((d) => d.id === 'kiosk-1')?.status?.printer?.paper;
    };
    const printer = kiosk.sim.printer!;
    printer.status = { ...printer.status, paperOut: true };
    ui.send({ type: 'ticket.issue', requestId: 'r-paper', serviceId: 'civil-status', lang: 'vi' });
    const answer = await ui.next('ticket', (m) => m.requestId === 'r-paper');
    expect(answer.printed).toBe(false);
    const state = await ui.next('printer', (m) => !m.state.ok);
    expect(state.state.paper).toBe('out');
    await waitFor(async () => (await paperSeenByServer()) === 'out', 'paper out in the retained status');
    printer.status = { ...printer.status, paperOut: false };
    ui.send({ type: 'ticket.issue', requestId: 'r-paper2', serviceId: 'civil-status', lang: 'vi' });
    expect((await ui.next('ticket', (m) => m.requestId === 'r-paper2')).printed).toBe(true);
    await ui.next('printer', (m) => m.state.ok);
    await waitFor(async () => (await paperSeenByServer()) === 'ok', 'paper ok in the retained status');
  });

  it('calls with the counter buttons, shows and says the number, and takes the rating', async () => {
    const counterId = counter.config.device.counterId!;
    const counterNumber = server.config.counters.find((c) => c.id === counterId)!.number;
    const counterUi = await connectUi(counter.port);
    await counterUi.next('counter.current');
    await counter.press('next');
    const current = await counterUi.next('counter.current', (m) => m.ticket !== null);
    const ticket = current.ticket!;
    expect(ticket.counterId).toBe(counterId);
    expect(counter.sim.display!.device.number).toBe(ticket.number);
    expect(counter.sim.panel!.led('serving')).toBe(true);
    // The display agent says it, in order and never overlapping.
    await waitFor(
      () => display.announcer!.announced.some((a) => a.number === ticket.number),
      'the announcement',
    );
    expect(display.sim.player!.played.slice(-7).map((p) => p.clip)).toEqual(
      callClips(ticket.number, counterNumber),
    );
    // Recall from the app's button; rating from the GPIO panel.
    counterUi.send({ type: 'counter.button', button: 'recall' });
    await waitFor(
      () => display.announcer!.announced.filter((a) => a.number === ticket.number).length === 2,
      'recall',
    );
    expect(display.sim.player!.overlapped).toBe(false);
    const thanked = counterUi.next('counter.rated');
    counter.sim.panel!.press('rating5');
    expect(await thanked).toMatchObject({ counted: true, message: { vi: 'Cảm ơn quý khách đã đánh giá!' } });
    const ratingOf = () =>
      server.service.store.db.prepare('SELECT score FROM ratings WHERE ticket_id = ?').get(ticket.id) as
        | { score: number }
        | undefined;
    expect((await waitFor(ratingOf, 'the rating stored')).score).toBe(5);
    // A second press is refused by the server, and the device says why instead of thanking.
    counterUi.send({ type: 'counter.button', button: 'rate-1' });
    const refused = await counterUi.next('error');
    expect(refused).toMatchObject({
      code: 'conflict',
      message: { en: 'This service has already been rated' },
    });
    // No-show on the next one.
    await counter.press('next');
    const second = await counterUi.next(
      'counter.current',
      (m) => m.ticket !== null && m.ticket.id !== ticket.id,
    );
    await counter.press('noShow');
    await counterUi.next('counter.current', (m) => m.ticket === null);
    const stored = (await (
      await fetch(`${counter.config.serverUrl}/api/tickets/${second.ticket!.id}`)
    ).json()) as {
      ticket: Ticket;
    };
    expect(stored.ticket.status).toBe('no_show');
    const first = (await (await fetch(`${counter.config.serverUrl}/api/tickets/${ticket.id}`)).json()) as {
      ticket: Ticket;
    };
    expect(first.ticket.status).toBe('done');
    // The emotion hook saw each service start and end.
    const secondId = second.ticket!.id;
    expect(estimates).toEqual([
      `start ${ticket.id}`,
      `end ${ticket.id}`,
      `start ${secondId}`,
      `end ${secondId}`,
    ]);
    counterUi.close();
  });

  it('a restarted counter agent remembers the ticket at its counter', async () => {
    await counter.press('next');
    const ticket = await waitFor(() => counter.counter!.current, 'a ticket called');
    const config = counter.config;
    const dataDir = `${dir.path}/counter-dev-1`;
    await counter.stop();
    counter = await startAgent(config, { simulate: true, log: silentLogger, port: 0, dataDir, estimator });
    expect(counter.counter!.current?.id).toBe(ticket.id);
    await waitFor(() => counter.link.connected, 'counter back online');
    await waitFor(() => counter.sim.display!.device.number === ticket.number, 'the number shown again');
    expect(counter.counter!.current?.id).toBe(ticket.id);
  });

  it('publishes a retained online status and its last will is offline', async () => {
    const baseUrl = `http://127.0.0.1:${server.httpPort}`;
    const cookie = await signIn(baseUrl, 'manager', 'demo-manager');
    const devices = async () =>
      (
        (await (await fetch(`${baseUrl}/api/devices`, { headers: { cookie } })).json()) as {
          devices: { id: string; online: boolean; status: { kind?: string } | null }[];
        }
      ).devices;
    const kioskStatus = await waitFor(
      async () => (await devices()).find((d) => d.id === 'kiosk-1' && d.online),
      'kiosk online',
    );
    expect(kioskStatus.status?.kind).toBe('kiosk');
    // A crash (the connection drops without DISCONNECT): the broker publishes the last will, then the
    // agent reconnects and says online again.
    const seen: string[] = [];
    server.service.bus.on('device', (id: string, online: boolean) => {
      if (id === 'counter-dev-1') seen.push(online ? 'online' : 'offline');
    });
    (counter.link as unknown as { client: { stream: { destroy(): void } } }).client.stream.destroy();
    await waitFor(
      () => seen.includes('offline') && seen.lastIndexOf('online') > seen.indexOf('offline'),
      'will, then online',
    );
    await waitFor(() => counter.link.connected, 'counter reconnected');
    await display.stop();
    await waitFor(
      async () => (await devices()).find((d) => d.id === 'display-1' && !d.online),
      'display offline',
    );
  });
});
