/** A real Mosquitto for tests: generated configuration and ACL, users added with mosquitto_passwd. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForPort } from '@oss/tests';
import { mosquittoAcl, mosquittoConf } from '../src/mqtt/mosquitto.ts';

export const run = promisify(execFile);

export const hasMosquitto = await run('which', [
  'mosquitto',
  'mosquitto_pub',
  'mosquitto_sub',
  'mosquitto_passwd',
]).then(
  () => true,
  () => false,
);
if (!hasMosquitto && process.env.CI) throw new Error('CI must install mosquitto and mosquitto-clients');

export interface TestMosquitto {
  port: number;
  url: string;
  /** Adds (or replaces) a user; call before `start`, or `start` again to reload. */
  addUser(username: string, password: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export { waitForPort };

export async function testMosquitto(dir: string, site = 'demo'): Promise<TestMosquitto> {
  const port = await freePort();
  const [passwords, acl, conf] = ['passwd', 'acl', 'mosquitto.conf'].map((f) => join(dir, f)) as [
    string,
    string,
    string,
  ];
  writeFileSync(passwords, '');
  writeFileSync(acl, mosquittoAcl(site));
  writeFileSync(conf, mosquittoConf({ port, passwordFile: passwords, aclFile: acl }));
  let child: ChildProcess | null = null;
  const stop = async () => {
    if (!child) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    child = null;
    await waitForPort(port, false);
  };
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    addUser: async (username, password) => {
      await run('mosquitto_passwd', ['-b', passwords, username, password]);
    },
    async start() {
      await stop();
      // Run as root, Mosquitto drops to its own user: it must be able to read these files.
      for (const f of [dir, passwords, acl, conf]) chmodSync(f, f === dir ? 0o755 : 0o644);
      child = spawn('mosquitto', ['-c', conf]);
      await waitForPort(port);
    },
    stop,
  };
}
