/**
 * The apps' budgets, measured: `npm run bench -w kiosk-ui` (builds first when needed).
 * 1. JavaScript each page loads, gzipped (kiosk ≤ 60 KB).
 * 2. Kiosk first render in Chromium with the CPU throttled 4× (CDP Emulation.setCPUThrottlingRate):
 *    navigation start → the home screen rendered with the site's data (`[data-ready=true]`), ≤ 1.5 s.
 * 3. Display board memory over 2,000 calls driven through a real queue server (started as a child
 *    process, as `npm start` runs it): JS heap after GC before and after, and DOM nodes.
 * Options: --calls N (default 2000), --runs N (first-render runs, default 5).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type ServerProcess, spawnServer } from '@oss/queue-server/testing';
import { freePort } from '@oss/tests';
import { launchBrowser } from '@oss/tests/browser';

const KIOSK_UI = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(KIOSK_UI, 'dist');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLS = arg('calls', 2000);
const RUNS = arg('runs', 5);

function sizes(page: string): { js: number; jsGzip: number; css: number; cssGzip: number } {
  const html = readFileSync(join(DIST, `${page}.html`), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  const total = { js: 0, jsGzip: 0, css: 0, cssGzip: 0 };
  for (const ref of new Set(refs)) {
    const bytes = readFileSync(join(DIST, ref));
    const gz = gzipSync(bytes, { level: 9 }).length;
    if (ref.endsWith('.js')) {
      total.js += bytes.length;
      total.jsGzip += gz;
    } else if (ref.endsWith('.css')) {
      total.css += bytes.length;
      total.cssGzip += gz;
    }
  }
  return total;
}

/** The queue server as `npm start` runs it (the production bundle), in its own process. */
async function startQueueServer(): Promise<ServerProcess & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oss-bench-'));
  const server = await spawnServer({
    OSS_DATA_DIR: dataDir,
    OSS_HTTP_PORT: String(await freePort()),
    OSS_MQTT_PORT: String(await freePort()),
    OSS_LOG_LEVEL: 'warn',
  });
  return { ...server, dataDir };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (!existsSync(join(DIST, 'kiosk.html')) || process.argv.includes('--build'))
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: KIOSK_UI, stdio: 'inherit' });
  const report: string[] = [];
  const line = (s: string) => {
    report.push(s);
    process.stdout.write(`${s}\n`);
  };
  line(
    `machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
  );
  line('');
  line('| page | JS (raw) | JS (gzip) | CSS (gzip) |');
  line('|---|---:|---:|---:|');
  for (const page of ['kiosk', 'counter', 'display', 'dashboard', 'ticket']) {
    const s = sizes(page);
    line(
      `| ${page} | ${(s.js / 1024).toFixed(1)} KB | ${(s.jsGzip / 1024).toFixed(1)} KB | ${(s.cssGzip / 1024).toFixed(1)} KB |`,
    );
  }
  const kioskGzip = sizes('kiosk').jsGzip / 1024;
  line(`kiosk JS gzip ${kioskGzip.toFixed(1)} KB (budget 60 KB): ${kioskGzip <= 60 ? 'PASS' : 'FAIL'}`);

  const server = await startQueueServer();
  const browser = await launchBrowser();
  try {
    const version = browser.version();
    // First render, cold (a new context each run), CPU 4× slower.
    const times: number[] = [];
    const fcps: number[] = [];
    // Run 0 warms the server process up (its JIT and file cache) and is not counted.
    for (let i = -1; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await page.goto(`${server.baseUrl}/kiosk`, { waitUntil: 'commit' });
      await page.locator('[data-ready=true] [data-screen=home]').waitFor({ timeout: 30_000 });
      const t = await page.evaluate(() => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN;
        return { ready: performance.now(), fcp };
      });
      if (i >= 0) {
        times.push(t.ready);
        fcps.push(t.fcp);
      }
      await context.close();
    }
    line('');
    line(
      `Chromium ${version}, CPU throttled 4×, ${RUNS} cold loads of /kiosk (1080×1920, new browser context each, after one uncounted load that warms the server):`,
    );
    line(
      `  first contentful paint: median ${median(fcps).toFixed(0)} ms (runs: ${fcps.map((x) => x.toFixed(0)).join(', ')})`,
    );
    line(
      `  home screen with the site's data: median ${median(times).toFixed(0)} ms (runs: ${times.map((x) => x.toFixed(0)).join(', ')}) (budget 1500 ms): ${median(times) <= 1500 ? 'PASS' : 'FAIL'}`,
    );

    // Display board memory over many calls.
    const login = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'officer1', password: 'demo-officer' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${server.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    await post('/api/counters/counter-1/sign-in', {});
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${server.baseUrl}/display?speak=0`);
    await page.locator('.board[data-ready=true]').waitFor();
    const calls = async (n: number) => {
      const before = Number(await page.locator('.board').getAttribute('data-calls'));
      for (let i = 0; i < n; i++) {
        await post('/api/actions/ticket.issue', { serviceId: 'civil-status' });
        await post('/api/actions/counter.next', { counterId: 'counter-1' });
      }
      await page.locator(`.board[data-calls="${before + n}"]`).waitFor({ timeout: 120_000 });
    };
    const measure = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      const nodes = metrics.find((m) => m.name === 'Nodes')?.value ?? Number.NaN;
      const listeners = metrics.find((m) => m.name === 'JSEventListeners')?.value ?? Number.NaN;
      return { heap: usedSize, nodes, listeners };
    };
    const warmup = 100;
    const started = Date.now();
    await calls(warmup);
    const before = await measure();
    await calls(Math.floor(CALLS / 2));
    const middle = await measure();
    await calls(CALLS - Math.floor(CALLS / 2));
    const after = await measure();
    const seconds = (Date.now() - started) / 1000;
    const growth = (after.heap - before.heap) / before.heap;
    line('');
    line(
      `Display board, ${CALLS} calls through the server after ${warmup} warm-up calls (${seconds.toFixed(0)} s):`,
    );
    line(
      `  JS heap after GC: ${(before.heap / 1024).toFixed(0)} KB → ${(middle.heap / 1024).toFixed(0)} KB (half-way) → ${(after.heap / 1024).toFixed(0)} KB (${(growth * 100).toFixed(1)} %)`,
    );
    line(
      `  DOM nodes: ${before.nodes} → ${after.nodes}; JS event listeners: ${before.listeners} → ${after.listeners}`,
    );
    line(
      `  flat (heap growth ≤ 10 %, same DOM size ±5 %): ${growth <= 0.1 && Math.abs(after.nodes - before.nodes) <= before.nodes * 0.05 ? 'PASS' : 'FAIL'}`,
    );
    await context.close();
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
