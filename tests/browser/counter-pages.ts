/** The counter tests' shared step: an officer's console open and signed in at a counter. */
import type { Browser, Page } from 'playwright-core';
import { LANDSCAPE, type Site, signIn } from './harness.ts';

export async function openConsole(browser: Browser, site: Site, counter: number): Promise<Page> {
  const page = await browser.newPage({ viewport: LANDSCAPE });
  page.setDefaultTimeout(15_000);
  await page.goto(`${site.url}/counter?counter=counter-${counter}`);
  await signIn(page, `officer${counter}`, 'demo-officer');
  await page.locator('section.current').waitFor();
  return page;
}
