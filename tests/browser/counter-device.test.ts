/**
 * The counter device (a real counter agent, `--simulate` hardware, against a real site over MQTT)
 * beside the officer's console in Chromium: the device's screen is the citizen's (the number and the
 * ratings, no officer button or key), and every change made at the console reaches it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentHandle, silentLogger, startAgent } from '@oss/device-agent';
import { agentConfig, enrolDevice } from '@oss/device-agent/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.ts';
import { openConsole } from './counter-pages.ts';
import {
  ensureBuilt,
  HAVE_CHROMIUM,
  LANDSCAPE,
  launchBrowser,
  type Site,
  screenshotPath,
  startSite,
} from './harness.ts';

/** Generous for a loaded machine; the change itself arrives within ~0.3 s (the summary's interval). */
const REACHES_DEVICE_MS = 5_000;

describe.skipIf(!HAVE_CHROMIUM)('the counter device beside the console', () => {
  let site: Site;
  let agent: AgentHandle;
  let browser: Browser;
  let device: Page;
  let console_: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'oss-counter-device-'));

  const issue = async (serviceId: string) => {
    const res = await console_.request.post(`${site.url}/api/actions/ticket.issue`, { data: { serviceId } });
    return ((await res.json()) as { ticket: { id: string; number: string } }).ticket;
  };
  const statusOf = async (id: string) =>
    ((await (await fetch(`${site.url}/api/tickets/${id}`)).json()) as { ticket: { status: string } }).ticket
      .status;
  const deviceShows = (number: string, status: string) =>
    device
      .locator(`section.current[data-current="${number}"][data-status="${status}"]`)
      .waitFor({ timeout: REACHES_DEVICE_MS });

  beforeAll(async () => {
    await ensureBuilt();
    site = await startSite();
    agent = await startAgent(
      agentConfig(
        site.server,
        enrolDevice(site.server, ['counter-dev-6', 'counter', '--counter', 'counter-6']),
      ),
      { simulate: true, log: silentLogger, port: 0, dataDir: join(dataDir, 'agent') },
    );
    browser = await launchBrowser();
    device = await browser.newPage({ viewport: LANDSCAPE });
    device.setDefaultTimeout(15_000);
    await device.goto(`${agent.url}/counter`);
    await device.locator('.app-header h1', { hasText: 'Thiết bị quầy · Quầy 6' }).waitFor();
    console_ = await openConsole(browser, site, 6);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await site?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the citizen only the number and the ratings: no officer button, and the keys do nothing', async () => {
    const ticket = await issue('business');
    await console_.locator('[data-action=next]:not([disabled])').click();
    await deviceShows(ticket.number, 'called');
    expect(
      await device.locator('[data-button=next], [data-button=recall], [data-button=no-show]').count(),
    ).toBe(0);
    await expect(device.locator('main').textContent()).resolves.not.toMatch(/Vắng mặt|Gọi số tiếp|Gọi lại/);
    // A citizen pressing the old shortcut keys on a keyboard left at the device: nothing happens.
    for (const key of ['x', 'n', 'r']) await device.keyboard.press(key);
    await new Promise((r) => setTimeout(r, 800));
    expect(await statusOf(ticket.id)).toBe('called');
    expect(await device.locator('[data-button^=rate-]').count()).toBe(5);
    expect(await axeViolations(device)).toEqual([]);
    await device.screenshot({ path: screenshotPath('counter-device-citizen-landscape') });
  });

  it('start, finish and no-show made at the console reach the device', async () => {
    const current = await device.locator('section.current').getAttribute('data-current');
    await console_.locator('[data-action=start]:not([disabled])').click();
    await deviceShows(current!, 'serving');
    await console_.locator('[data-action=finish]:not([disabled])').click();
    await device.locator('section.current[data-current=""]').waitFor({ timeout: REACHES_DEVICE_MS });
    // A rating after the finish still goes to the ticket just served.
    await device.locator('[data-button=rate-5]').click();
    await device.locator('.ratings [data-notice]', { hasText: 'Cảm ơn quý khách' }).waitFor();

    const absent = await issue('business');
    await console_.locator('[data-action=next]:not([disabled])').click();
    await deviceShows(absent.number, 'called');
    await console_.locator('[data-action=no-show]:not([disabled])').click();
    await device.locator('section.current[data-current=""]').waitFor({ timeout: REACHES_DEVICE_MS });
    expect(await statusOf(absent.id)).toBe('no_show');
  });

  it('after a rating of 1–2 the device asks why with the site’s reasons, and offers the phone page for more', async () => {
    const ticket = await issue('business');
    await console_.locator('[data-action=next]:not([disabled])').click();
    await deviceShows(ticket.number, 'called');
    await console_.locator('[data-action=start]:not([disabled])').click();
    await console_.locator('[data-action=finish]:not([disabled])').click();
    await device.locator('section.current[data-current=""]').waitFor({ timeout: REACHES_DEVICE_MS });
    await device.locator('[data-button=rate-2]').click();
    const why = device.locator('[data-why]');
    await why.waitFor();
    expect(await why.getAttribute('data-why')).toBe(`${site.url}/t/${ticket.id}`);
    // Reasons only: the device has no keyboard (text and contact are on the phone page).
    expect(await why.locator('textarea').count()).toBe(0);
    await why.getByLabel('Chờ quá lâu').check();
    await why.getByLabel('Hướng dẫn không rõ ràng').check();
    expect(await axeViolations(device)).toEqual([]);
    await device.screenshot({ path: screenshotPath('counter-device-why-landscape') });
    await why.getByRole('button', { name: 'Gửi góp ý' }).click();
    await why.locator('.feedback.banner-ok').waitFor();
    // Sent through the device's agent to the server, stored with the ticket served at this counter.
    const stored = site.server.service.visits.feedbackOfTicket(ticket.id);
    expect(stored && JSON.parse(stored.reasons)).toEqual(['long-wait', 'unclear-guidance']);
  });
});
