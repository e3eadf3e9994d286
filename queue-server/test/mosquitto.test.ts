/**
 * Tools nobody here wrote: mosquitto_pub / mosquitto_sub against the embedded broker, and a real
 * Mosquitto as the site's broker with the generated ACL.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SERVER_USERNAME, topics } from '@oss/protocol';
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

/** Subscribes with mosquitto_sub and resolves with the first `count` messages. */
function subscribe(url: string, creds: { username: string; password: string }, topic: string, count = 1) {
  const child = spawn('mosquitto_sub', [
    ...brokerArgs(url, creds),
    '-t',
    topic,
    '-q',
    '1',
    '-C',
    String(count),
    '-W',
    '20',
  ]);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const done = new Promise<string[]>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`mosquitto_sub exited ${code}`)),
    ),
  );
  return { done, ready: new Promise((r) => setTimeout(r, 500)) };
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
    // The server cannot start without its broker.
    expect(await startTestServer(join(dir.path, 'data0'), brokerEnv).catch((e) => e as Error)).toBeInstanceOf(
      Error,
    );

    const data = join(dir.path, 'data');
    const kiosk = enroll(['kiosk-1', 'kiosk'], testEnv(data, { OSS_MQTT_URL: broker.url }));
    const counter = enroll(['counter-4', 'counter'], testEnv(data, { OSS_MQTT_URL: broker.url }));
    await broker.addUser(SERVER_USERNAME, serverPassword);
    for (const d of [kiosk, counter]) await broker.addUser(d.username, d.password);
    await broker.start();

    const site = await startTestServer(data, brokerEnv);
    cleanup.push(() => site.stop());
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
