/**
 * Real drivers pointed at devices that do not exist (a Pi with a cable unplugged): the agent starts,
 * says what it lacks, and keeps serving its app. No server either: the link stays offline. A start
 * that fails stops what it had started.
 */
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startAgent } from '../src/agent.ts';
import { checkConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { connectUi, freePort, tempDir, waitFor } from './helpers.ts';

const base = (id: string, kind: 'kiosk' | 'counter' | 'display', port: number) => ({
  device: { id, kind, site: 'demo', ...(kind === 'counter' ? { counterId: 'counter-1' } : {}) },
  credentials: {
    site: 'demo',
    deviceId: id,
    kind,
    username: id,
    password: 'not-enrolled',
    mqttUrl: `mqtt://127.0.0.1:${port}`,
  },
  serverUrl: `http://127.0.0.1:${port}`,
  mqtt: { reconnectMs: 100 },
});

describe('missing devices and no server', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('a kiosk with absent printer, scanner and reader still serves its app', async () => {
    const closed = await freePort();
    const config = checkConfig({
      ...base('kiosk-x', 'kiosk', closed),
      hardware: {
        printer: { driver: 'file', path: `${dir.path}/no-such-dir/lp0`, paper: '58mm' },
        scanner: { driver: 'serial', path: `${dir.path}/ttyNOPE` },
      },
    });
    const agent = await startAgent(config, { log: silentLogger, port: 0, dataDir: `${dir.path}/k` });
    try {
      const ui = await connectUi(agent.port);
      const hello = await ui.next('hello');
      expect(hello.hardware.cardReader).toBe(false);
      expect((await ui.next('connection')).online).toBe(false);
      // The scanner port cannot open: a typed error for the apps (sent before this one connected).
      await waitFor(
        () => agent.ui.history.some((m) => m.type === 'error' && m.code === 'scanner_device_error'),
        'the scanner error',
      );
      ui.send({ type: 'ticket.issue', requestId: 'r1', serviceId: 'civil-status', lang: 'vi' });
      expect((await ui.next('error', (m) => m.requestId === 'r1')).code).toBe('unavailable'); // no lease yet
      const health = (await (await fetch(`${agent.url}/health`)).json()) as {
        status: string;
        online: boolean;
      };
      expect(health).toMatchObject({ status: 'ok', online: false });
      const api = await fetch(`${agent.url}/api/services`);
      expect(api.status).toBe(503);
      ui.close();
    } finally {
      await agent.stop();
    }
  });

  it('a counter without onoff and with an absent display answers its buttons with errors', async () => {
    const closed = await freePort();
    const config = checkConfig({
      ...base('counter-x', 'counter', closed),
      hardware: {
        gpio: { driver: 'gpio', buttons: { next: 17 }, leds: { serving: 23 } },
        counterDisplay: { driver: 'serial', path: `${dir.path}/ttyNOPE2` },
      },
    });
    const agent = await startAgent(config, { log: silentLogger, port: 0, dataDir: `${dir.path}/c` });
    try {
      const ui = await connectUi(agent.port);
      await ui.next('counter.current');
      ui.send({ type: 'counter.button', button: 'next' });
      expect((await ui.next('error')).code).toBe('offline');
      ui.send({ type: 'counter.button', button: 'rate-5' });
      expect((await ui.next('error')).code).toBe('no_ticket');
      ui.close();
    } finally {
      await agent.stop();
    }
  });

  it('a port already taken fails the start, and what had started is stopped', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const closes: string[] = [];
    const player = { play: async () => {}, close: () => void closes.push('player') };
    try {
      const config = checkConfig(base('display-x', 'display', await freePort()));
      const start = startAgent(config, {
        log: silentLogger,
        port: (taken.address() as AddressInfo).port,
        dataDir: `${dir.path}/d`,
        player,
      });
      await expect(start).rejects.toThrow(/EADDRINUSE/);
      expect(closes).toEqual(['player']);
    } finally {
      taken.close();
    }
  });
});
