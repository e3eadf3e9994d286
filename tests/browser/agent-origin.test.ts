/**
 * A malicious page on the kiosk's own browser (served from localhost, another port) against a real
 * kiosk agent, in Chromium: it opens the agent's WebSocket and fires no-cors requests at `/sim/*`.
 * It must get no citizen data, print nothing, tap no card; the agent's own page still works
 * (tests/browser/real-agent.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentHandle, qrTextOf, startAgent } from '@oss/device-agent';
import { agentConfig, enrolDevice } from '@oss/device-agent/testing';
import { silentLogger } from '@oss/protocol/log';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, launchBrowser, type Site, startSite } from './harness.ts';

/** What the attacker's page does; it reports in `window.seen`. */
function attackerPage(agentPort: number): string {
  return `<!doctype html><meta charset="utf-8"><title>evil</title><script>
const agent = 'http://127.0.0.1:${agentPort}';
const seen = (window.seen = { ws: 'pending', messages: [], requests: 0 });
const ws = new WebSocket('ws://127.0.0.1:${agentPort}/ws');
ws.onopen = () => {
  seen.ws = 'open';
  ws.send(JSON.stringify({ type: 'ticket.issue', requestId: 'evil', serviceId: 'civil-status', lang: 'vi', useIdentity: true }));
};
ws.onmessage = (e) => seen.messages.push(JSON.parse(e.data));
ws.onerror = () => { if (seen.ws === 'pending') seen.ws = 'refused'; };
const hit = (method, path, body) =>
  fetch(agent + path, { method, mode: 'no-cors', body }).finally(() => seen.requests++);
hit('POST', '/sim/card');
hit('POST', '/sim/button/next');
hit('POST', '/sim/scan', JSON.stringify({ text: 'x' }));
const img = new Image();
img.onload = img.onerror = () => seen.requests++;
img.src = agent + '/sim/printer/last.png';
</script>`;
}

describe.skipIf(!HAVE_CHROMIUM)('a page from another origin against the kiosk agent', () => {
  let site: Site;
  let kiosk: AgentHandle;
  let browser: Browser;
  let evil: Server;
  const dataDir = mkdtempSync(join(tmpdir(), 'oss-agent-origin-'));

  beforeAll(async () => {
    site = await startSite();
    kiosk = await startAgent(agentConfig(site.server, enrolDevice(site.server, ['kiosk-evil', 'kiosk'])), {
      simulate: true,
      log: silentLogger,
      port: 0,
      dataDir,
    });
    evil = createServer((_req, res) => res.end(attackerPage(kiosk.port)));
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    evil?.close();
    await kiosk?.stop();
    await site?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gets neither the scanned citizen nor a printed ticket, and cannot reach /sim/*', async () => {
    const printed = kiosk.sim.printer!.printed;
    const page = await browser.newPage();
    // Each request either gets the agent's 403 or, when the browser drops it for the reply's
    // Cross-Origin-Resource-Policy, fails; it never gets a 2xx.
    const outcomes: string[] = [];
    const sim = (url: string) => new URL(url).pathname.startsWith('/sim/');
    page.on('response', (r) => {
      if (sim(r.url())) outcomes.push(`${new URL(r.url()).pathname} ${r.status()}`);
    });
    page.on('requestfailed', (r) => {
      if (sim(r.url())) outcomes.push(`${new URL(r.url()).pathname} blocked`);
    });
    await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
    kiosk.scan(qrTextOf()); // a citizen at the kiosk while the page is open
    await page.waitForFunction(() => {
      const s = (window as unknown as { seen: { ws: string; requests: number } }).seen;
      return s.ws !== 'pending' && s.requests === 4;
    });
    const seen = await page.evaluate(() => (window as unknown as { seen: unknown }).seen);
    expect(seen).toEqual({ ws: 'refused', messages: [], requests: 4 });
    expect(outcomes).toHaveLength(4);
    for (const outcome of outcomes) expect(outcome).toMatch(/ (403|blocked)$/);
    // No card was tapped on the simulated reader (it answers at once only when one is there).
    await expect(kiosk.sim.cardReader!.waitForCard({ signal: AbortSignal.abort() })).rejects.toThrow();
    expect(kiosk.sim.printer!.printed).toBe(printed);
    expect(kiosk.kiosk!.hasIdentity).toBe(true); // the citizen's session is untouched, and unread
  });
});
