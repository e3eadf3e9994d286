/**
 * Tools nobody here wrote: mosquitto_pub / mosquitto_sub against the embedded broker, and a real
 * Mosquitto as the site's broker with the generated ACL.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SERVER_USERNAME, topics } from '@oss/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { mosquittoAcl, mosquittoConf } from '../src/mqtt/mosquitto.ts';
import type { RunningServer } from '../src/server.ts';
import {
  connectDevice,
  enrolDevice,
  freePort,
  nextMessage,
  okResult,
  startTestServer,
  tempDir,
} from './helpers.ts';

const run = promisify(execFile);
const hasMosquitto = await run('which', [
  'mosquitto',
  'mosquitto_pub',
  'mosquitto_sub',
  'mosquitto_passwd',
]).then(
  () => true,
  () => false,
);
if (!hasMosquitto && process.env.CI) throw new Error('CI must install mosquitto and mosquitto-clients');

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

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve(true)).once('error', () => resolve(false));
      socket.setTimeout(500, () => resolve(false));
      setTimeout(() => socket.destroy(), 600);
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
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
    const port = await freePort();
    const url = `mqtt://127.0.0.1:${port}`;
    const serverPassword = 'server-secret-for-test';
    const server = await startTestServer(join(dir.path, 'data'), {
      OSS_MQTT_URL: url,
      OSS_MQTT_USERNAME: SERVER_USERNAME,
      OSS_MQTT_PASSWORD: serverPassword,
    }).catch((e) => e as Error);
    // The server cannot start without its broker: start Mosquitto first, with the devices' secrets.
    expect(server).toBeInstanceOf(Error);

    const passwords = join(dir.path, 'passwd');
    const acl = join(dir.path, 'acl');
    const conf = join(dir.path, 'mosquitto.conf');
    writeFileSync(passwords, '');
    writeFileSync(acl, mosquittoAcl('demo'));
    writeFileSync(conf, mosquittoConf({ port, passwordFile: passwords, aclFile: acl }));
    await run('mosquitto_passwd', ['-b', passwords, SERVER_USERNAME, serverPassword]);

    const data = join(dir.path, 'data2');
    const enrolEnv = { OSS_MQTT_URL: url };
    const { enroll } = await import('../src/cli/enroll.ts');
    const { testEnv } = await import('./helpers.ts');
    const kiosk = enroll(['kiosk-1', 'kiosk'], testEnv(data, enrolEnv));
    const counter = enroll(['counter-4', 'counter'], testEnv(data, enrolEnv));
    for (const d of [kiosk, counter])
      await run('mosquitto_passwd', ['-b', passwords, d.username, d.password]);

    // Run as root, Mosquitto drops to its own user: it must be able to read these files.
    for (const f of [dir.path, passwords, acl, conf]) chmodSync(f, f === dir.path ? 0o755 : 0o644);
    const broker: ChildProcess = spawn('mosquitto', ['-c', conf]);
    cleanup.push(() => void broker.kill('SIGTERM'));
    await waitForPort(port);

    const site = await startTestServer(data, {
      OSS_MQTT_URL: url,
      OSS_MQTT_USERNAME: SERVER_USERNAME,
      OSS_MQTT_PASSWORD: serverPassword,
    });
    cleanup.push(() => site.stop());
    const k = await connectDevice(url, 'demo', kiosk);
    const c = await connectDevice(url, 'demo', counter);
    cleanup.push(
      () => k.close(),
      () => c.close(),
    );
    const issued = await k.request('ticket.issue', { serviceId: 'land' });
    expect(issued.ok).toBe(true);
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
    const after = site.service.core.state.counters.get('counter-4')!;
    expect(after.currentTicketId).toBe(okResult<{ ticket: { id: string } }>(next).ticket.id);
    expect(site.service.core.state.tickets.size).toBe(before);
    // And a wrong password is refused.
    await expect(
      run('mosquitto_pub', [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
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
    const port = await freePort();
    const url = `mqtt://127.0.0.1:${port}`;
    const passwords = join(dir.path, 'passwd');
    const acl = join(dir.path, 'acl');
    const conf = join(dir.path, 'mosquitto.conf');
    writeFileSync(passwords, '');
    writeFileSync(acl, mosquittoAcl('demo'));
    writeFileSync(conf, mosquittoConf({ port, passwordFile: passwords, aclFile: acl }));
    const data = join(dir.path, 'data');
    const { enroll } = await import('../src/cli/enroll.ts');
    const { testEnv } = await import('./helpers.ts');
    const kiosk = enroll(['kiosk-1', 'kiosk'], testEnv(data, { OSS_MQTT_URL: url }));
    await run('mosquitto_passwd', ['-b', passwords, SERVER_USERNAME, 'server-secret']);
    await run('mosquitto_passwd', ['-b', passwords, kiosk.username, kiosk.password]);
    for (const f of [dir.path, passwords, acl, conf]) chmodSync(f, f === dir.path ? 0o755 : 0o644);
    const startBroker = async () => {
      const broker = spawn('mosquitto', ['-c', conf]);
      await waitForPort(port);
      return broker;
    };
    let broker = await startBroker();
    cleanup.push(() => void broker.kill('SIGTERM'));
    const site = await startTestServer(data, { OSS_MQTT_URL: url, OSS_MQTT_PASSWORD: 'server-secret' });
    cleanup.push(() => site.stop());
    const before = await connectDevice(url, 'demo', kiosk);
    expect((await before.request('ticket.issue', { serviceId: 'land' })).ok).toBe(true);
    await before.close();

    const stopped = new Promise((r) => broker.once('exit', r));
    broker.kill('SIGTERM');
    await stopped;
    await expect.poll(() => site.gateway.connected, { timeout: 5000 }).toBe(false);
    broker = await startBroker();
    await expect.poll(() => site.gateway.connected, { timeout: 15_000 }).toBe(true);

    const after = await connectDevice(url, 'demo', kiosk);
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
