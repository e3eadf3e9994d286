/** Runs the site server as a real child process (as `npm start` does), for crash and signal tests. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { QUEUE_SERVER_ROOT, REPO_ROOT } from '../src/paths.ts';

/** The same bundle `npm start` runs, built once per test process. */
let bundle: string | null = null;
function serverBundle(): string {
  if (!bundle) {
    const outdir = join(QUEUE_SERVER_ROOT, 'dist', `test-${process.pid}`);
    execFileSync(process.execPath, [join(QUEUE_SERVER_ROOT, 'build.mjs'), outdir], { cwd: REPO_ROOT });
    process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
    bundle = join(outdir, 'main.mjs');
  }
  return bundle;
}

/** The Node options `npm start` uses. */
export const NODE_OPTIONS = ['--enable-source-maps', '--max-semi-space-size=4'];

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/** The start command as a child process, its output collected. */
function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [...NODE_OPTIONS, serverBundle()], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const { child, exited, output } = startProcess(env);
  const baseUrl = `http://127.0.0.1:${env.OSS_HTTP_PORT}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output()}`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become healthy:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, baseUrl, exited, output };
}

/** Runs the start command until it exits by itself (a start that must fail); kills it after 30 s. */
export async function runServerToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const { child, exited, output } = startProcess(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const { code } = await exited;
  clearTimeout(timer);
  return { code, output: output() };
}
