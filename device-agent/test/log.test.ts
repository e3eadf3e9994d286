/**
 * The agent's process logs through the shared redacting logger: spawned as on a Pi (the CLI, its
 * default logger on stderr, OSS_LOG_LEVEL=debug), with no server reachable, its records of failed
 * proxy requests never show the ID numbers in the paths; a citizen record logged by the same logger in
 * its own process shows neither name nor number; a wrong OSS_LOG_LEVEL stops it with a bilingual error.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, tempDir, waitFor } from './helpers.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** Made-up citizen (no real person). */
const CCCD = '001050007064';
const CMND = '125478963';
const NAME = 'Phạm Thị Hoà Bình';

interface Child {
  process: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

const children: ChildProcess[] = [];
const dir = tempDir('oss-agent-log-');
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  dir.remove();
});

function run(args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { process: child, output: () => output, exit };
}

/** An agent config whose server and broker are closed ports: it runs offline. */
async function offlineConfig(): Promise<string> {
  const [http, mqtt] = await Promise.all([freePort(), freePort()]);
  const file = join(dir.path, 'kiosk.json');
  writeFileSync(
    file,
    JSON.stringify({
      device: { id: 'kiosk-log', kind: 'kiosk', site: 'demo' },
      credentials: {
        site: 'demo',
        deviceId: 'kiosk-log',
        kind: 'kiosk',
        username: 'kiosk-log',
        password: 'not-used',
        mqttUrl: `mqtt://127.0.0.1:${mqtt}`,
      },
      serverUrl: `http://127.0.0.1:${http}`,
      dataDir: join(dir.path, 'data'),
    }),
  );
  return file;
}

describe("the agent process's log", () => {
  it('never shows an ID number from a request path', async () => {
    const port = await freePort();
    const agent = run(
      ['device-agent/src/main.ts', '--config', await offlineConfig(), '--simulate', '--port', String(port)],
      {
        OSS_LOG_LEVEL: 'debug',
      },
    );
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      () =>
        fetch(`${base}/health`).then(
          (r) => r.ok,
          () => false,
        ),
      `agent up\n${agent.output()}`,
      60_000,
    );
    for (const path of [`/api/citizens/${CCCD}`, `/api/lookup/${CMND}/tickets`])
      expect((await fetch(`${base}${path}`)).status).toBe(503);
    const failures = () =>
      agent
        .output()
        .split('\n')
        .filter((l) => l.includes('server HTTP request failed'));
    await waitFor(() => failures().some((l) => l.includes('/api/lookup/')), 'the failed requests logged');
    agent.process.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
    const output = agent.output();
    expect(output).not.toContain(CCCD);
    expect(output).not.toContain(CMND);
    const paths = failures().map((l) => (JSON.parse(l) as { path: string }).path);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/citizens/[redacted]', '/api/lookup/[redacted]/tickets']),
    );
  }, 90_000);

  it("redacts a citizen's name and numbers in a record written by the agent's logger in its own process", async () => {
    const script = `
      import { createLogger } from '@oss/device-agent';
      const log = createLogger('agent:kiosk-log');
      log.info({ identity: { fullName: ${JSON.stringify(NAME)}, idNumber: '${CCCD}' } }, 'scan ${CCCD}');
      log.warn({ citizen: { name: ${JSON.stringify(NAME)} }, err: new Error('card ${CMND}') }, 'chip');
      log.debug({ holderName: ${JSON.stringify(NAME)} }, 'below the level: not written');
    `;
    const child = run(['--input-type=module', '-e', script], { OSS_LOG_LEVEL: 'info' });
    expect(await child.exit).toBe(0);
    const lines = child.output().trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const secret of [NAME, CCCD, CMND]) expect(child.output()).not.toContain(secret);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      name: 'agent:kiosk-log',
      msg: 'scan [redacted]',
      identity: '[redacted]',
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({
      citizen: '[redacted]',
      err: { message: 'card [redacted]' },
    });
  }, 60_000);

  it('refuses a wrong OSS_LOG_LEVEL in both languages and does not start', async () => {
    const port = await freePort();
    const agent = run(
      ['device-agent/src/main.ts', '--config', await offlineConfig(), '--simulate', '--port', String(port)],
      {
        OSS_LOG_LEVEL: 'loud',
      },
    );
    const code = await Promise.race([
      agent.exit,
      new Promise((r) => setTimeout(() => r('still running'), 45_000)),
    ]);
    expect(code).toBe(1);
    expect(agent.output()).toContain('Biến OSS_LOG_LEVEL="loud" không hợp lệ');
    expect(agent.output()).toContain('OSS_LOG_LEVEL="loud" is not a log level');
    expect(await fetch(`http://127.0.0.1:${port}/health`).catch(() => null)).toBeNull();
  }, 60_000);
});
