/** axe-core in a real page: every violation of any impact, as "rule (impact): target" lines. */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** Runs axe-core on the page as it is now; [] when it finds nothing. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, so the pages' Content-Security-Policy does not stop it;
  // once per document (a test may check several screens of one page).
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  return page.evaluate(async () => {
    const run = (window as unknown as { axe: typeof axe }).axe.run;
    const { violations } = await run(document);
    return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')}`));
  });
}
