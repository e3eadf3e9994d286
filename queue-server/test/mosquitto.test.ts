/**
 * Tools nobody here wrote: mosquitto_pub / mosquitto_sub against the embedded broker, and a real
 * Mosquitto as the site's broker with the generated ACL.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SERVER_USERNAME, topics } from '@oss/protocol';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { enroll } from '../src/cli/enroll.ts';
import type { RunningServer } from '../src/server.ts';
import {
  connectDevice,
  enrolDevice,
  nextMessage,
  okResult,
  startTestServer,
  tempDir,
  testEnv,
} from './helpers.ts';
import { hasMosquitto, run, testMosquitto } from './mosquitto.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

function brokerArgs(url: string, creds: { username: string; password: string }): string[] {
  const u = new URL(url);
  return ['-h', u.hostname, '-p', u.port, '-u', creds.username, '-P', creds.password, '-V', 'mqttv311'];
}

/** Publishes one message with mosquitto_pub. */
function publish(
  url: string,
  creds: { username: string; password: string },
  topic: string,
  message: string,
  extra: string[] = [],
) {
  return run('mosquitto_pub', [...brokerArgs(url, creds), ...extra, '-t', topic, '-m', message]);
}

/**
 * Subscribes with mosquitto_sub and resolves with the first `count` messages; `ready` once the
 * broker acknowledged the subscription (from mosquitto_sub's debug lines, which `done` leaves out).
 */
function subscribe(
  url: string,
  creds: { username: string; password: string },
  topic: string,
  count = 1,
  waitSeconds = 20,
) {
  // Line-buffered: otherwise the debug lines arrive only when it exits.
  const child = spawn('stdbuf', [
    '-oL',
    'mosquitto_sub',
    ...brokerArgs(url, creds),
    '-d',
    '-t',
    topic,
    '-q',
    '1',
    '-C',
    String(count),
    '-W',
    String(waitSeconds),
  ]);
  let out = '';
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Subscribed (mid')) resolve();
    });
    child.once('exit', () => resolve());
  });
  const done = new Promise<string[]>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve(out.split('\n').filter((l) => l.startsWith('{')))
        : reject(new Error(`mosquitto_sub exited ${code}`)),
    ),
  );
  return { done, ready };
}

describe.skipIf(!hasMosquitto)('with the Mosquitto tools', () => {
  it('enrol, then mosquitto_pub/mosquitto_sub alone issue a ticket, call it and see the call', async () => {
    const dir = tempDir();
    const server: RunningServer = await startTestServer(dir.path);
    cleanup.push(
      () => dir.remove(),
      () => server.stop(),
    );
    const kiosk = enrolDevice(server, ['kiosk-7', 'kiosk']);
    const counter = enrolDevice(server, ['counter-3', 'counter']);
    expect(counter.counterId).toBe('counter-3');

    const issued = subscribe(kiosk.mqttUrl, kiosk, topics.response('demo', 'kiosk-7', 'ticket.issue'));
    await issued.ready;
    await run('mosquitto_pub', [
      ...brokerArgs(kiosk.mqttUrl, kiosk),
      '-i',
      'kiosk-7-own-tool', // any client id nobody else holds
      '-t',
      topics.request('demo', 'kiosk-7', 'ticket.issue'),
      '-q',
      '1',
      '-m',
      '{"id":"cli-1","serviceId":"certification"}',
    ]);
    const response = JSON.parse((await issued.done)[0]!);
    expect(response).toMatchObject({
      id: 'cli-1',
      ok: true,
      result: { ticket: { serviceId: 'certification', status: 'waiting' } },
    });

    const calls = subscribe(counter.mqttUrl, counter, topics.calls('demo'));
    await calls.ready;
    await run('mosquitto_pub', [
      ...brokerArgs(counter.mqttUrl, counter),
      '-t',
      topics.request('demo', 'counter-3', 'counter.next'),
      '-q',
      '1',
      '-m',
      '{"id":"cli-2","counterId":"counter-3"}',
    ]);
    const call = JSON.parse((await calls.done)[0]!);
    expect(call).toMatchObject({
      ticketId: response.result.ticket.id,
      number: response.result.ticket.number,
      counterId: 'counter-3',
      recall: false,
    });

    // The retained status and the last will reach the server.
    await run('mosquitto_pub', [
      ...brokerArgs(kiosk.mqttUrl, kiosk),
      '-t',
      topics.deviceStatus('demo', 'kiosk-7'),
      '-q',
      '1',
      '-r',
      '-m',
      '{"online":true,"kind":"kiosk"}',
    ]);
    await expect
      .poll(() => server.service.store.listDevices().find((d) => d.id === 'kiosk-7')?.online, {
        timeout: 5000,
      })
      .toBe(1);
  }, 60_000);
});

describe.skipIf(!hasMosquitto)('a real Mosquitto as the site broker', () => {
  it('carries requests, responses and calls, and enforces the generated ACL', async () => {
    const dir = tempDir('oss-mosq-');
    cleanup.push(() => dir.remove());
    const broker = await testMosquitto(dir.path);
    cleanup.push(() => broker.stop());
    const serverPassword = 'server-secret-for-test';
    const brokerEnv = {
      OSS_MQTT_URL: broker.url,
      OSS_MQTT_USERNAME: SERVER_USERNAME,
      OSS_MQTT_PASSWORD: serverPassword,
    };
    const data = join(dir.path, 'data');
    const kiosk = enroll(['kiosk-1', 'kiosk'], testEnv(data, { OSS_MQTT_URL: broker.url }));
    const counter = enroll(['counter-4', 'counter'], testEnv(data, { OSS_MQTT_URL: broker.url }));
    await broker.addUser(SERVER_USERNAME, serverPassword);
    for (const d of [kiosk, counter]) await broker.addUser(d.username, d.password);

    // The broker is not up yet: the server starts anyway, says so in its health, and keeps trying.
    const site = await startTestServer(data, brokerEnv);
    cleanup.push(() => site.stop());
    expect(site.gateway.connected).toBe(false);
    expect((await fetch(`http://127.0.0.1:${site.httpPort}/api/health`)).status).toBe(503);
    await broker.start();
    await expect.poll(() => site.gateway.connected, { timeout: 15_000 }).toBe(true);
    const k = await connectDevice(broker.url, 'demo', kiosk);
    const c = await connectDevice(broker.url, 'demo', counter);
    cleanup.push(
      () => k.close(),
      () => c.close(),
    );
    expect((await k.request('ticket.issue', { serviceId: 'land' })).ok).toBe(true);
    const next = await c.request('counter.next', { counterId: 'counter-4' });
    expect(next).toMatchObject({
      ok: true,
      result: { ticket: { status: 'called', counterId: 'counter-4' } },
    });

    // Mosquitto refuses a device's publish under another device's topic: the server never sees it.
    const before = site.service.core.state.tickets.size;
    await k.client
      .publishAsync(
        topics.request('demo', 'counter-4', 'counter.next'),
        '{"id":"spoof","counterId":"counter-4"}',
        { qos: 1 },
      )
      .catch(() => {});
    await new Promise((r) => setTimeout(r, 500));
    expect(site.service.core.state.counters.get('counter-4')!.currentTicketId).toBe(
      okResult<{ ticket: { id: string } }>(next).ticket.id,
    );
    expect(site.service.core.state.tickets.size).toBe(before);
    // And a wrong password is refused.
    await expect(
      run('mosquitto_pub', [
        '-h',
        '127.0.0.1',
        '-p',
        String(broker.port),
        '-u',
        'kiosk-1',
        '-P',
        'wrong',
        '-t',
        'x',
        '-m',
        'x',
      ]),
    ).rejects.toThrow();
  }, 60_000);
});

describe.skipIf(!hasMosquitto)('a Mosquitto restart', () => {
  it('the server reconnects, resubscribes and republishes the queue by itself; devices carry on', async () => {
    const dir = tempDir('oss-mosq-restart-');
    cleanup.push(() => dir.remove());
    const broker = await testMosquitto(dir.path);
    cleanup.push(() => broker.stop());
    const data = join(dir.path, 'data');
    const kiosk = enroll(['kiosk-1', 'kiosk'], testEnv(data, { OSS_MQTT_URL: broker.url }));
    await broker.addUser(SERVER_USERNAME, 'server-secret');
    await broker.addUser(kiosk.username, kiosk.password);
    await broker.start();
    const site = await startTestServer(data, {
      OSS_MQTT_URL: broker.url,
      OSS_MQTT_PASSWORD: 'server-secret',
    });
    cleanup.push(() => site.stop());
    const before = await connectDevice(broker.url, 'demo', kiosk);
    expect((await before.request('ticket.issue', { serviceId: 'land' })).ok).toBe(true);
    await before.close();

    await broker.stop();
    await expect.poll(() => site.gateway.connected, { timeout: 5000 }).toBe(false);
    await broker.start();
    await expect.poll(() => site.gateway.connected, { timeout: 15_000 }).toBe(true);

    const after = await connectDevice(broker.url, 'demo', kiosk);
    cleanup.push(() => after.close());
    // The retained summary is back (Mosquitto kept nothing across the restart: persistence is off).
    const summary = nextMessage<{ services: { serviceId: string; waiting: number }[] }>(
      after.client,
      topics.queue('demo'),
    );
    await after.client.subscribeAsync(topics.queue('demo'), { qos: 1 });
    expect((await summary).services.find((s) => s.serviceId === 'land')?.waiting).toBe(1);
    // And requests are answered again: the server's subscriptions came back.
    const r = okResult<{ ticket: { number: string } }>(
      await after.request('ticket.issue', { serviceId: 'land' }),
    );
    expect(r.ticket.number).toBe('C002');
  }, 60_000);
});

describe.skipIf(!hasMosquitto)(
  'a real Mosquitto from the generated configuration: ids, sizes, retained requests',
  () => {
    it('binds client ids to usernames, drops oversized packets, and the server clears a retained request', async () => {
      const dir = tempDir('oss-mosq-sec-');
      cleanup.push(() => dir.remove());
      const broker = await testMosquitto(dir.path);
      cleanup.push(() => broker.stop());
      const data = join(dir.path, 'data');
      const env = testEnv(data, { OSS_MQTT_URL: broker.url });
      const kiosk = enroll(['kiosk-1', 'kiosk'], env);
      const display = enroll(['display-1', 'display'], env);
      await broker.addUser(SERVER_USERNAME, 'server-secret');
      for (const d of [kiosk, display]) await broker.addUser(d.username, d.password);
      await broker.start();
      const brokerEnv = { OSS_MQTT_URL: broker.url, OSS_MQTT_PASSWORD: 'server-secret' };
      let site = await startTestServer(data, brokerEnv);
      cleanup.push(() => site.stop());
      const k = await connectDevice(broker.url, 'demo', kiosk);
      cleanup.push(() => k.close());

      // A display using the server's client id gets its own username as id instead: nobody is kicked.
      for (const clientId of [site.gateway.clientId, SERVER_USERNAME, 'oss-agent-kiosk-1']) {
        const attacker = await mqtt.connectAsync(broker.url, { ...display, clientId, reconnectPeriod: 0 });
        let kickedBack = false; // what a taken-over gateway does when it reconnects a second later
        attacker.on('close', () => (kickedBack = true));
        await new Promise((r) => setTimeout(r, 1500));
        expect((await k.request('ticket.issue', { serviceId: 'land' })).ok).toBe(true);
        expect(site.gateway.connected).toBe(true);
        expect(kickedBack).toBe(false);
        await attacker.endAsync();
      }

      // Over max_packet_size: the kiosk is disconnected and the server never sees the request.
      const closed = new Promise<void>((r) => k.client.once('close', () => r()));
      k.client.publish(
        topics.request('demo', 'kiosk-1', 'ticket.issue'),
        JSON.stringify({ id: 'big-1', serviceId: 'land', pad: 'x'.repeat(100_000) }),
        { qos: 1 },
      );
      await closed;

      // Mosquitto stores a retained request; the server, at its next subscription, clears it unexecuted.
      const tickets = () => site.service.core.state.tickets.size;
      await publish(
        broker.url,
        kiosk,
        topics.request('demo', 'kiosk-1', 'ticket.issue'),
        '{"id":"retained-1","serviceId":"land","citizen":{"idNumber":"001050012345"}}',
        ['-q', '1', '-r'],
      );
      await expect.poll(tickets, { timeout: 5000 }).toBe(4);
      await site.stop();
      site = await startTestServer(data, brokerEnv);
      await new Promise((r) => setTimeout(r, 1000));
      const server = { username: SERVER_USERNAME, password: 'server-secret' };
      const retained = subscribe(broker.url, server, topics.request('demo', 'kiosk-1', 'ticket.issue'), 1, 3);
      // mosquitto_sub exits non-zero after -W seconds with nothing: no retained copy is left.
      await expect(retained.done).rejects.toThrow(/exited/);
      expect(tickets()).toBe(4);
    }, 90_000);
  },
);
