/** axe-core in a real page: every violation of any impact, as one line each (rule, impact, where). */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource: string = createRequire(import.meta.url)('axe-core').source;

/** Runs axe-core on the page as it is now; [] when it finds nothing. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (c: Document) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    interface AxeViolation {
      id: string;
      impact: string;
      nodes: { target: string[] }[];
    }
    const result = await axe.run(document);
    return result.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
  return violations;
}
