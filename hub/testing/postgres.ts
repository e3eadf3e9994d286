/**
 * A real PostgreSQL for tests: Debian's server binaries, a fresh cluster in a temp folder owned by
 * the `postgres` user (initdb and postgres refuse root), on a free port, trust auth on localhost only.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from '@oss/tests';

const BIN = process.env.OSS_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export const hasPostgres = existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'postgres'));
if (!hasPostgres) {
  const message = `PostgreSQL binaries not found in ${BIN}: install the postgresql package (see .ci/run)`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n!!! ${message}; the real-PostgreSQL tests are SKIPPED\n`);
}

export interface TestPostgres {
  url: string;
  /** The cluster's files (readable by root). */
  dataDir: string;
  stop(): Promise<void>;
  remove(): void;
}

function asPostgres(args: string[]): string[] {
  return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...args] : args;
}

/** `settings`: extra server settings (`-c name=value`), e.g. a benchmark's `pg_stat_statements`. */
export async function startPostgres(settings: Record<string, string> = {}): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'oss-pg-'));
  chmodSync(dir, 0o700);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const [cmd, ...args] = asPostgres([
    join(BIN, 'initdb'),
    '-D',
    data,
    '-U',
    'hub',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  execFileSync(cmd!, args, { stdio: 'ignore' });
  const port = await freePort();
  const [pcmd, ...pargs] = asPostgres([
    join(BIN, 'postgres'),
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=on',
    ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ]);
  const child: ChildProcess = spawn(pcmd!, pargs, { stdio: 'ignore' });
  await waitForPort(port);
  await untilReady(port);
  const url = `postgres://hub@127.0.0.1:${port}/postgres`;
  return {
    url,
    dataDir: data,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM'); // runuser passes it on: a fast shutdown
      await exited;
      await waitForPort(port, false);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The port opens before the server accepts queries ("the database system is starting up"). */
async function untilReady(port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      execFileSync(join(BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`PostgreSQL on port ${port} did not become ready`);
}
