/**
 * Lighthouse on the kiosk and the display board, as `npm run bench:lighthouse` runs it: its default
 * mobile settings (simulated slow 4G, CPU slowed 4×), performance only, the system's Chromium
 * (`CHROME_PATH`, default /usr/bin/chromium; nothing is downloaded), against the server as `npm start`
 * runs it (built apps, precompressed). Goal: performance ≥ 90 and first contentful paint ≤ 1.5 s.
 * Options: --runs N (default 5; the median is reported); LH_PAGES=/kiosk,/display; LH_SAVE=prefix
 * writes each report as JSON. Exits 1 when a page misses the goal.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer } from '@oss/queue-server/testing';
import { freePort } from '@oss/tests';
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';

const KIOSK_UI = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const PAGES = (process.env.LH_PAGES ?? '/kiosk,/display').split(',');
const GOAL = { score: 90, fcpMs: 1500 };

interface Run {
  score: number;
  fcpMs: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
}

async function measure(url: string, port: number): Promise<Run> {
  const result = await lighthouse(url, {
    port,
    onlyCategories: ['performance'],
    logLevel: 'error',
    output: 'json',
  });
  if (!result) throw new Error(`Lighthouse gave no result for ${url}`);
  const { lhr } = result;
  if (process.env.LH_SAVE)
    writeFileSync(
      `${process.env.LH_SAVE}${new URL(url).pathname.replace(/\W/g, '-')}.json`,
      result.report as string,
    );
  if (lhr.runtimeError)
    throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const ms = (audit: string) => Math.round(lhr.audits[audit]?.numericValue ?? Number.NaN);
  return {
    score: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    fcpMs: ms('first-contentful-paint'),
    lcpMs: ms('largest-contentful-paint'),
    tbtMs: ms('total-blocking-time'),
    cls: Math.round((lhr.audits['cumulative-layout-shift']?.numericValue ?? Number.NaN) * 1000) / 1000,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: KIOSK_UI, stdio: 'inherit' });
  const dataDir = mkdtempSync(join(tmpdir(), 'oss-lighthouse-'));
  const server = await spawnServer({
    OSS_DATA_DIR: dataDir,
    OSS_HTTP_PORT: String(await freePort()),
    OSS_MQTT_PORT: String(await freePort()),
    OSS_LOG_LEVEL: 'warn',
  });
  const chrome = await launch({
    chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  });
  let missed = false;
  try {
    console.log(
      `machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} (quiet: < 1); ${RUNS} runs per page, median`,
    );
    for (const path of PAGES) {
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(`${server.baseUrl}${path}`, chrome.port));
      const m = (k: keyof Run) => median(runs.map((r) => r[k]));
      const ok = m('score') >= GOAL.score && m('fcpMs') <= GOAL.fcpMs;
      missed ||= !ok;
      console.log(
        `${path}: performance ${m('score')} (runs ${runs.map((r) => r.score).join(', ')}), FCP ${m('fcpMs')} ms, LCP ${m('lcpMs')} ms, TBT ${m('tbtMs')} ms, CLS ${m('cls')}: ${ok ? 'meets' : 'MISSES'} the goal`,
      );
    }
  } finally {
    chrome.kill();
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exitCode = missed ? 1 : 0;
}

await main();
