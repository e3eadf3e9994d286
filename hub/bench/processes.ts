/**
 * The benchmark's other processes: hub processes (`hub-process.ts`, each with its own RSS) and, for
 * the production shape, a real Mosquitto with the hub's own configuration and ACL
 * (`hubMosquittoConf`, `hubMosquittoAcl`) and every simulated site's user.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort, waitForPort } from '@oss/tests';
import { hubMosquittoAcl, hubMosquittoConf } from '../src/index.ts';
import { sleep } from './measure.ts';

export interface HubProcess {
  child: ChildProcess;
  mqttUrl: string;
  stop(): Promise<void>;
}

/** `nodeArgs`: e.g. `--cpu-prof`, to profile the hub where the benchmark runs it. */
export async function startHubProcess(
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<HubProcess> {
  const script = join(import.meta.dirname, 'hub-process.ts');
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    env: { ...process.env, ...env, OSS_HUB_HTTP_PORT: '0', OSS_HUB_HTTP_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { mqtt } = JSON.parse(await firstLine(child)) as { mqtt: string };
  return { child, mqttUrl: mqtt, stop: () => stopChild(child) };
}

/** SIGTERM (the hub finishes its batches), SIGKILL after 10 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const i = buf.indexOf('\n');
      if (i >= 0) resolve(buf.slice(0, i));
    });
    child.once('exit', (code) => reject(new Error(`the hub exited (${code})`)));
  });
}

export interface BenchMosquitto {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Mosquitto for `users` (all with `password`, the benchmark's one secret) and the hub's workers.
 * One `mosquitto_passwd` call hashes the secret; its line is reused for every site (the hash is salted
 * but does not depend on the username), so 3,300 users cost one hash, not 3,300 processes.
 */
export async function startMosquitto(
  dir: string,
  users: string[],
  password: string,
  hub: { username: string; password: string },
): Promise<BenchMosquitto> {
  mkdirSync(dir, { recursive: true });
  const [passwd, acl, conf, persist] = ['passwd', 'acl', 'mosquitto.conf', 'persist'].map((f) =>
    join(dir, f),
  ) as [string, string, string, string];
  writeFileSync(passwd, '');
  execFileSync('mosquitto_passwd', ['-b', passwd, hub.username, hub.password]);
  execFileSync('mosquitto_passwd', ['-b', passwd, 'template', password]);
  const lines = readFileSync(passwd, 'utf8').trim().split('\n');
  const hash = lines.find((l) => l.startsWith('template:'))!.slice('template:'.length);
  const hubLine = lines.find((l) => l.startsWith(`${hub.username}:`))!;
  writeFileSync(passwd, `${[hubLine, ...users.map((u) => `${u}:${hash}`)].join('\n')}\n`);
  writeFileSync(acl, hubMosquittoAcl());
  mkdirSync(persist, { recursive: true });
  const port = await freePort();
  writeFileSync(
    conf,
    hubMosquittoConf({ port, passwordFile: passwd, aclFile: acl, persistenceDir: persist }),
  );
  // Run as root, Mosquitto drops to its own user: it must read these files and write its folder.
  for (const folder of [dirname(dir), dir]) chmodSync(folder, 0o755);
  for (const file of [passwd, acl, conf]) chmodSync(file, 0o644);
  chmodSync(persist, 0o777);
  const child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  await waitForPort(port);
  return { url: `mqtt://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopChild(child) };
}
