/**
 * The hub's production broker for tests: a real Mosquitto set up by `npm run hub:enroll` itself
 * (its password file, its printed ACL and configuration), the enroll command as a process, and the
 * teardown these tests share.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startPostgres, type TestPostgres } from '@oss/hub/testing';
import { REPO_ROOT } from '@oss/queue-server';
import { waitForPort } from '@oss/tests';

const execFileAsync = promisify(execFile);

/** `npm run -s hub:enroll -- …args` with `env`: its stdout; a failure rejects with its stderr. */
export async function hubEnroll(args: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'hub/src/cli/enroll.ts'), ...args],
    { env: { ...process.env, ...env, OSS_LOG_LEVEL: 'warn' }, cwd: REPO_ROOT },
  );
  return stdout;
}

export interface HubMosquitto {
  url: string;
  start(): Promise<void>;
  /** Mosquitto rereads its password file and ACL (what `systemctl reload mosquitto` does). */
  reload(): void;
  stop(): Promise<void>;
}

/**
 * Writes the ACL and configuration that `hub:enroll` prints (plain listener on `port`, `extra` flags
 * such as a TLS listener) into `dir`, next to the password file `passwd` there.
 */
export async function hubMosquitto(
  dir: string,
  env: Record<string, string>,
  port: number,
  extra: string[] = [],
): Promise<HubMosquitto> {
  const [acl, conf, store] = ['acl', 'mosquitto.conf', 'store'].map((f) => join(dir, f)) as [
    string,
    string,
    string,
  ];
  mkdirSync(store, { recursive: true });
  writeFileSync(acl, await hubEnroll(['--mosquitto-acl'], env));
  const confArgs = ['--port', String(port), '--acl', acl, '--store', store, ...extra];
  writeFileSync(conf, await hubEnroll(['--mosquitto-conf', ...confArgs], env));
  let child: ChildProcess | null = null;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async start() {
      // Run as root, Mosquitto drops to its own user: it must read these files and write its store.
      for (const f of [dir, acl, conf, env.OSS_HUB_MOSQUITTO_PASSWD!])
        chmodSync(f, f === dir ? 0o755 : 0o644);
      chmodSync(store, 0o777);
      child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
      await waitForPort(port);
    },
    reload: () => void child?.kill('SIGHUP'),
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      await waitForPort(port, false);
    },
  };
}

export interface Creds {
  username: string;
  password: string;
}

export type Teardown = ReturnType<typeof teardown>;

/** What a test started, undone newest first by `run` (its afterAll), then its folder removed. */
export function teardown(dir: { remove(): void }) {
  const steps: (() => unknown)[] = [];
  return {
    add<T>(part: T, undo: (part: T) => unknown): T {
      steps.unshift(() => undo(part));
      return part;
    },
    async run() {
      for (const step of steps) await step();
      dir.remove();
    },
  };
}

/** A real PostgreSQL for the test, stopped and removed at its teardown. */
export async function testPostgres(cleanup: Teardown): Promise<TestPostgres> {
  return cleanup.add(await startPostgres(), async (pg) => {
    await pg.stop();
    pg.remove();
  });
}
