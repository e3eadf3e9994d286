/**
 * The kiosk app in agent mode, in Chromium: `/agent.json` answers, the app talks to the agent over its
 * WebSocket. A CCCD scan fills the identity (elderly priority from the birth date), the printer runs
 * out of paper, and "done" tells the agent to forget the citizen and clears the screen.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAgent, startFakeAgent } from './fake-agent.ts';
import {
  enrolKiosk,
  ensureBuilt,
  HAVE_CHROMIUM,
  LANDSCAPE,
  launchBrowser,
  PORTRAIT,
  type Site,
  screenshotPath,
  startSite,
} from './harness.ts';

describe.skipIf(!HAVE_CHROMIUM)('kiosk in agent mode', () => {
  let site: Site;
  let agent: FakeAgent;
  let browser: Browser;
  let kiosk: Page;

  beforeAll(async () => {
    await ensureBuilt();
    site = await startSite();
    agent = await startFakeAgent(site.url, 'kiosk-pi', enrolKiosk(site, 'kiosk-pi'));
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: PORTRAIT });
    kiosk = await context.newPage();
    kiosk.setDefaultTimeout(15_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.close();
    await site?.stop();
  });

  it('a CCCD scan shows the name, sets the elderly priority from the birth date, and the ticket is printed', async () => {
    await kiosk.goto(`${agent.url}/kiosk`);
    await kiosk.locator('[data-ready=true] [data-screen=home]').waitFor();
    await expect.poll(() => agent.connected()).toBe(1);
    agent.send({
      type: 'identity',
      identity: {
        fullName: 'Trần Thị Bích',
        birthDate: '1950-05-17',
        maskedId: '0010****7064',
        source: 'qr',
      },
    });
    // Scanning on the home screen starts taking a ticket.
    await kiosk.locator('[data-screen=services]').waitFor();
    await kiosk.locator('[data-service=social]').click();
    await kiosk.locator('[data-identity=read] .identity-name', { hasText: 'Trần Thị Bích' }).waitFor();
    await expect(kiosk.locator('.consent').textContent()).resolves.toContain('không được lưu lại');
    await kiosk.screenshot({ path: screenshotPath('kiosk-agent-identity-portrait') });
    await kiosk.locator('[data-identity=read] button').click();
    await kiosk.locator('.priority-auto[data-priority=elderly]').waitFor();
    await kiosk.screenshot({ path: screenshotPath('kiosk-agent-priority-portrait') });
    await kiosk.locator('.priority-auto').click();
    await kiosk.locator('[data-screen=ticket] [data-printed=true]').waitFor();
    const number = await kiosk.locator('.ticket-number').getAttribute('data-ticket-number');
    expect(number).toMatch(/^E\d{3}$/);
    const sent = agent.received.find((m) => m.type === 'ticket.issue');
    expect(sent).toMatchObject({ serviceId: 'social', priority: 'elderly', useIdentity: true, lang: 'vi' });
    const url = await kiosk.locator('svg.qr').getAttribute('data-qr');
    const { ticket } = (await (await fetch(`${site.url}/api/tickets/${url!.split('/').pop()}`)).json()) as {
      ticket: { priority: string };
    };
    expect(ticket.priority).toBe('elderly');
    await kiosk.screenshot({ path: screenshotPath('kiosk-agent-ticket-portrait') });
  });

  it('"done" clears the citizen and tells the agent; with no paper the ticket is on screen only, said clearly; an offline ticket says so', async () => {
    await kiosk.locator('[data-action=done]').click();
    await kiosk.locator('[data-screen=home]').waitFor();
    // The queue summary reaches the kiosk over the agent's WebSocket (no SSE in agent mode).
    await kiosk.locator('.home-status', { hasText: '1 người đang chờ' }).waitFor();
    await expect
      .poll(() => agent.received.filter((m) => m.type === 'session.clear').length)
      .toBeGreaterThan(0);
    expect(await kiosk.content()).not.toContain('Trần Thị Bích');

    agent.setPrinter({
      ok: false,
      paper: 'out',
      coverOpen: false,
      message: { vi: 'Hết giấy in', en: 'Out of paper' },
    });
    await kiosk.locator('.printer-banner[data-printer=out]').waitFor();
    await kiosk.setViewportSize(LANDSCAPE);
    await kiosk.locator('[data-action=take]').click();
    await kiosk.locator('[data-service=land]').click();
    await kiosk.locator('[data-action=skip]').click();
    agent.offlineNext = true;
    await kiosk.locator('[data-priority=normal]').click();
    await kiosk.locator('[data-screen=ticket] [data-printed=false].banner-error').waitFor();
    // Issued from the agent's leased block while the server was unreachable: said, and no estimate.
    await kiosk.locator('[data-offline-ticket]').waitFor();
    await expect(kiosk.locator('.fact-value').nth(1).textContent()).resolves.toBe('Chưa có ước tính');
    await kiosk.screenshot({ path: screenshotPath('kiosk-agent-no-paper-landscape') });
  });

  it('a display board served by an agent takes the queue and the calls from its WebSocket', async () => {
    const board = await browser.newPage({ viewport: LANDSCAPE });
    await board.goto(`${agent.url}/display`);
    await board.locator('.board[data-ready=true]').waitFor();
    agent.send({
      type: 'call',
      call: {
        ticketId: 'tk_never_shown_on_boards',
        number: 'B042',
        counterId: 'counter-3',
        serviceId: 'certification',
        calledAt: '2026-11-24T09:00:00.000+07:00',
        recall: false,
        counterNumber: 3,
        priority: 'normal',
      },
    });
    await board.locator('.board-call[data-latest=B042]').waitFor();
    await board.locator('.counter-tile.fresh[data-counter=counter-3]').waitFor();
    await board.close();
  });
});
