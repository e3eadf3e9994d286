/**
 * `npm run demo` runs real device agents with `--simulate`: a kiosk whose app prints to the simulated
 * printer (and shows the last ticket as a PNG), and a display that receives the demo's calls. Ctrl+C
 * stops the agents with the demo.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pngToMono } from '@oss/hardware';
import { REPO_ROOT } from '@oss/queue-server';
import { afterAll, describe, expect, it } from 'vitest';
import { connectUi, freePort, tempDir, waitFor } from './helpers.ts';

describe('npm run demo', () => {
  const dir = tempDir('oss-demo-');
  let demo: ChildProcess | null = null;
  let output = '';
  afterAll(() => {
    if (demo && demo.exitCode === null) demo.kill('SIGKILL');
    dir.remove();
  });

  it('starts a kiosk agent and a display agent with simulated hardware, and stops them on Ctrl+C', async () => {
    const [http, mqtt, agentPort] = [await freePort(), await freePort(), await freePort()];
    // The display agent takes the next port; freePort gave a free one, this one is very likely free too.
    demo = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join('queue-server', 'src', 'demo.ts'),
        '--agent-port',
        String(agentPort),
        '--rate',
        '30',
      ],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          OSS_DATA_DIR: dir.path,
          OSS_HTTP_PORT: String(http),
          OSS_MQTT_PORT: String(mqtt),
          OSS_HTTP_HOST: '127.0.0.1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    demo.stdout!.on('data', (d) => (output += d));
    demo.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => demo!.once('exit', (code) => resolve(code)));
    const health = async (port: number) => {
      try {
        return ((await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { online: boolean })
          .online;
      } catch {
        return false;
      }
    };
    await waitFor(() => health(agentPort), `the kiosk agent online\n${output}`, 60_000);
    await waitFor(() => health(agentPort + 1), `the display agent online\n${output}`, 60_000);
    expect(output).toContain(`http://127.0.0.1:${agentPort}/kiosk`);

    const kiosk = await connectUi(agentPort);
    const display = await connectUi(agentPort + 1);
    await kiosk.next('connection', (m) => m.online);
    kiosk.send({ type: 'ticket.issue', requestId: 'demo-1', serviceId: 'civil-status', lang: 'vi' });
    const answer = await kiosk.next('ticket', (m) => m.requestId === 'demo-1', 10_000);
    expect(answer.printed).toBe(true);
    const png = await fetch(`http://127.0.0.1:${agentPort}/sim/printer/last.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(pngToMono(Buffer.from(await png.arrayBuffer())).width).toBe(576);
    // The demo's counters call tickets all the time; the display agent passes the calls to its board.
    const call = await display.next('call', undefined, 30_000);
    expect(call.call.number).toMatch(/^[A-Z]\d{3}$/);
    kiosk.close();
    display.close();

    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await health(agentPort)).toBe(false);
    expect(await health(agentPort + 1)).toBe(false);
  }, 120_000);
});
