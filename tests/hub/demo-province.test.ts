/**
 * `npm run demo:province` as a newcomer runs it: a hub and three sites with simulated citizens. The
 * test reads the printed addresses and sign-in, and sees the three sites at the hub with their events.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@oss/queue-server';
import { signIn } from '@oss/queue-server/testing';
import { freePort, tempDir, waitFor } from '@oss/tests';
import { afterAll, describe, expect, it } from 'vitest';
import { getJson } from './harness.ts';

const dir = tempDir('oss-demo-province-');
let child: ChildProcess | null = null;

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  dir.remove();
});

describe('npm run demo:province', () => {
  it('starts a hub and three sites whose events reach the hub', async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'hub/src/cli/demo-province.ts'), '--ports', '0'],
      {
        env: {
          ...process.env,
          OSS_DEMO_DIR: dir.path,
          OSS_HUB_HTTP_PORT: String(await freePort()),
          OSS_HUB_MQTT_PORT: String(await freePort()),
          OSS_HUB_HTTP_HOST: '127.0.0.1',
          OSS_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await waitFor(() => out.includes('Ctrl+C'), 'the printed addresses', 300_000);
    const province = /http:\/\/localhost:(\d+)\/province/.exec(out);
    const login = /sign in: (\S+) \/ (\S+)/.exec(out);
    const siteUrls = out.match(/http:\/\/localhost:\d+\/ {2}\((phuong|xa)-[a-z-]+\)/g) ?? [];
    expect(province && login).toBeTruthy();
    expect(siteUrls).toHaveLength(3);
    const base = `http://127.0.0.1:${province![1]}`;
    const cookie = await signIn(base, login![1]!, login![2]!);
    type Sites = { sites: { id: string; online: boolean; feedSeq: number }[] };
    const fed = async () => {
      const { body } = await getJson<Sites>(`${base}/api/sites`, cookie);
      return body.sites.filter((s) => s.online && s.feedSeq > 0).map((s) => s.id);
    };
    await waitFor(async () => (await fed()).length === 3, 'three sites feeding the hub', 180_000);
    expect((await fed()).sort()).toEqual(['phuong-ben-thanh', 'phuong-sai-gon', 'xa-binh-chanh']);
    // Each site's own status page answers too.
    for (const url of siteUrls) {
      const port = /localhost:(\d+)/.exec(url)![1];
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    }
  }, 600_000);
});
