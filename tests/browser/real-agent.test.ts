/**
 * The kiosk app served by the real device agent (its node:http server and WebSocket, `--simulate`
 * hardware) in Chromium, against a real site server over MQTT: the page and its hashed assets load,
 * a ticket taken on screen is printed on the simulated printer with the number the screen shows,
 * and the display app served by a display agent shows the call and the announcements' images.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentHandle, qrTextOf, silentLogger, startAgent } from '@oss/device-agent';
import { agentConfig, enrolDevice } from '@oss/device-agent/testing';
import { decodeEscPos, sampleCitizen } from '@oss/hardware';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  HAVE_CHROMIUM,
  insertBooking,
  LANDSCAPE,
  launchBrowser,
  PORTRAIT,
  type Site,
  screenshotPath,
  signIn,
  staffSession,
  startSite,
} from './harness.ts';

describe.skipIf(!HAVE_CHROMIUM)('apps served by the real device agent', () => {
  let site: Site;
  let kiosk: AgentHandle;
  let display: AgentHandle;
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'oss-real-agent-'));

  beforeAll(async () => {
    await ensureBuilt();
    site = await startSite();
    const start = (id: string, kind: 'kiosk' | 'display') =>
      startAgent(agentConfig(site.server, enrolDevice(site.server, [id, kind])), {
        simulate: true,
        log: silentLogger,
        port: 0,
        dataDir: join(dataDir, id),
      });
    kiosk = await start('kiosk-real', 'kiosk');
    display = await start('display-real', 'display');
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await kiosk?.stop();
    await display?.stop();
    await site?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a ticket taken on the kiosk screen is printed with the number shown, and the board shows its call', async () => {
    const page = await browser.newPage({ viewport: PORTRAIT });
    page.setDefaultTimeout(15_000);
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${kiosk.url}/kiosk`);
    await page.locator('[data-ready=true] [data-screen=home]').waitFor();
    const printedBefore = kiosk.sim.printer!.printed;
    await page.locator('[data-action=take]').click();
    await page.locator('[data-service=land]').click();
    await page.locator('[data-action=skip]').click();
    await page.locator('[data-priority=normal]').click();
    await page.locator('[data-screen=ticket] [data-printed=true]').waitFor();
    const number = await page.locator('.ticket-number').getAttribute('data-ticket-number');
    expect(number).toMatch(/^[A-Z]\d{3}$/);
    expect(kiosk.sim.printer!.printed).toBe(printedBefore + 1);
    const job = decodeEscPos(kiosk.sim.printer!.jobs.at(-1)!);
    expect(job.image.width).toBe(576);
    expect(job.cuts).toHaveLength(1);
    expect(failed).toEqual([]);
    await page.screenshot({ path: screenshotPath('kiosk-real-agent-ticket-portrait') });

    const board = await browser.newPage({ viewport: LANDSCAPE });
    await board.goto(`${display.url}/display`);
    await board.locator('.board[data-ready=true]').waitFor();
    // The agent proxies JSON reads only: the announcements' images come from the site server itself.
    const image = board.locator('.board-media img');
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), {
        timeout: 15_000,
      })
      .toBe(true);
    expect(new URL((await image.getAttribute('src'))!).origin).toBe(site.url);
    const counterId = site.server.config.counters.find((c) => c.serviceIds.includes('land'))!.id;
    site.server.service.execute({ type: 'next', counterId }, { result: () => ({}) });
    await board.locator(`.board-call[data-latest=${number}]`).waitFor();
    await board.close();
    await page.close();
  });

  it('a booking made with a CCCD card is checked in with that card at the kiosk', async () => {
    // A booking of the land desk starting in 10 minutes, made with the sample citizen's card (only
    // its keyed hash is stored), put straight into the store: slots depend on the hour the test runs.
    const { service } = site.server;
    const citizen = sampleCitizen();
    const now = Date.now();
    insertBooking(site, {
      id: 'appt-by-card',
      code: 'CARD23',
      serviceId: 'land',
      start: now + 10 * 60_000,
      citizenHash: service.citizenHashOf(citizen.idNumber),
    });
    const page = await browser.newPage({ viewport: PORTRAIT });
    page.setDefaultTimeout(15_000);
    await page.goto(`${kiosk.url}/kiosk`);
    await page.locator('[data-ready=true] [data-screen=home]').waitFor();
    await page.locator('[data-action=appointment]').click();
    await page.locator('[data-action=appointment-card]').click();
    await page.locator('[data-screen=identify]').waitFor();
    kiosk.scan(qrTextOf(citizen));
    await page.locator('[data-identity=read]').waitFor();
    await page.locator('[data-action=continue]').click();
    await page.locator('[data-screen=ticket]').waitFor();
    const number = await page.locator('.ticket-number').getAttribute('data-ticket-number');
    expect(number).toMatch(/^[A-Z]\d{3}$/);
    const booking = service.visits.appointment('appt-by-card')!;
    expect(booking.status).toBe('checked_in');
    expect(service.core.state.tickets.get(booking.ticket_id!)).toMatchObject({
      priority: 'appointment',
      serviceId: 'land',
    });
    await page.screenshot({ path: screenshotPath('kiosk-real-agent-checkin-by-card') });
    await page.close();
  });

  it('the kiosk scanner reads a booking QR (checked in from the home screen) and a dossier receipt', async () => {
    const { service } = site.server;
    const now = Date.now();
    insertBooking(site, { id: 'appt-by-qr', code: 'QRCD23', serviceId: 'land', start: now + 10 * 60_000 });
    const page = await browser.newPage({ viewport: PORTRAIT });
    page.setDefaultTimeout(15_000);
    await page.goto(`${kiosk.url}/kiosk`);
    await page.locator('[data-ready=true] [data-screen=home]').waitFor();
    kiosk.scan('QRCD23'); // the booking page's QR holds the code
    await page.locator('[data-screen=ticket]').waitFor();
    const booking = service.visits.appointment('appt-by-qr')!;
    expect(booking.status).toBe('checked_in');
    expect(service.core.state.tickets.get(booking.ticket_id!)?.priority).toBe('appointment');

    // The officer receives a dossier for it; its receipt scanned at the kiosk shows its status.
    const receipt = '000.00.31.H29-261207-0099';
    const { post } = await staffSession(site, 'officer1', 'demo-officer');
    await post('/api/counters/counter-4/sign-in', {});
    const next = (await (await post('/api/actions/counter.next', { counterId: 'counter-4' })).json()) as {
      ticket: { id: string };
    };
    const finished = await post('/api/actions/counter.finish', {
      counterId: 'counter-4',
      ticketId: next.ticket.id,
      dossierCodes: [receipt],
    });
    expect(finished.status).toBe(200);
    await page.locator('[data-action=done]').click();
    await page.locator('[data-screen=home]').waitFor();
    kiosk.scan(receipt);
    await page.locator('[data-screen=dossier] .dossier-answer[data-status=received]').waitFor();
    expect(await page.locator('[data-screen=dossier] input').inputValue()).toBe(receipt);
    await page.screenshot({ path: screenshotPath('kiosk-real-agent-dossier-scanned') });
    await page.close();
  });

  it('a kiosk printer out of paper shows on a dashboard opened afterwards, and clears when refilled', async () => {
    const printer = kiosk.sim.printer!;
    printer.status = { ...printer.status, paperOut: true };
    await kiosk.kiosk!.checkPrinter();
    const dash = await browser.newPage({ viewport: LANDSCAPE });
    dash.setDefaultTimeout(15_000);
    await dash.goto(`${site.url}/dashboard`);
    await signIn(dash, 'manager', 'demo-manager');
    const alert = dash.locator('[data-panel=alerts] li.err', { hasText: 'Máy in của kiosk-real hết giấy' });
    await alert.waitFor();
    printer.status = { ...printer.status, paperOut: false };
    await kiosk.kiosk!.checkPrinter();
    await alert.waitFor({ state: 'detached' });
    await dash.close();
  });
});
