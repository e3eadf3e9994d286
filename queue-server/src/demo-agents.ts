/**
 * The demo's real device agents: a kiosk and a display running `device-agent` with `--simulate`
 * (simulated printer, scanner, card reader and voice), each as its own process exactly as on a Pi.
 * They are started, not imported: nothing imports device-agent (ARCHITECTURE.md).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceKind, Enrolment } from '@oss/protocol';
import type { Logger } from './log.ts';
import { REPO_ROOT } from './paths.ts';

export interface DemoAgent {
  id: string;
  kind: DeviceKind;
  url: string;
  child: ChildProcess;
}

export interface DemoAgentOptions {
  /** Where each agent keeps its config file and data. */
  dataDir: string;
  serverUrl: string;
  log: Logger;
}

/** Starts one agent; its warnings and errors (JSON lines on stderr) go to the demo's log. */
export function startDemoAgent(
  credentials: Enrolment,
  port: number,
  { dataDir, serverUrl, log }: DemoAgentOptions,
): DemoAgent {
  const home = join(dataDir, credentials.deviceId);
  mkdirSync(home, { recursive: true });
  const configFile = join(home, 'agent.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      device: { id: credentials.deviceId, kind: credentials.kind, site: credentials.site },
      credentials,
      serverUrl,
      dataDir: join(home, 'data'),
      http: { host: '127.0.0.1', port },
    }),
    { mode: 0o600 },
  );
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join('device-agent', 'src', 'main.ts'), '--config', configFile, '--simulate'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let pending = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines)
      if (/"level":"(warn|error)"/.test(line) || !line.startsWith('{'))
        log.warn({ agent: credentials.deviceId, line: line.slice(0, 500) }, 'device agent says');
  });
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM')
      log.warn({ agent: credentials.deviceId, code, signal }, 'device agent stopped');
  });
  return { id: credentials.deviceId, kind: credentials.kind, url: `http://127.0.0.1:${port}`, child };
}

/** SIGTERM (the agent publishes its offline status and closes its files), then waits for the exit. */
export async function stopDemoAgents(agents: DemoAgent[], timeoutMs = 5000): Promise<void> {
  await Promise.all(
    agents.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}
