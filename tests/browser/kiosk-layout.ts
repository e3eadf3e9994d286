/**
 * What a kiosk screen must not do to a citizen, measured by bounding boxes in the page: a control
 * cut off (by the screen or a box that does not scroll), two controls on top of each other, a control
 * under something else (the header), text spilling out of its button.
 */
import type { Browser, Page } from 'playwright-core';
import { enrolKiosk, type Site } from './harness.ts';

/** Every problem of the page as it is now, one line each; [] when there is none. */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Box = { l: number; t: number; r: number; b: number };
    const problems: string[] = [];
    const vw = innerWidth;
    const vh = innerHeight;
    const describe = (e: Element) => {
      const d = (e as HTMLElement).dataset;
      const data = Object.entries(d)
        .map(([k, v]) => `[data-${k}=${v}]`)
        .join('');
      const text = (e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 24);
      return `${e.tagName.toLowerCase()}${data} "${text}"`;
    };
    const controls = [
      ...document.querySelectorAll('button, input, select, textarea, a[href], [role=button]'),
    ].filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
    });
    const shown = new Map<Element, Box>();
    for (const e of controls) {
      const r = e.getBoundingClientRect();
      // What shows of it: its box cut by each scrolling ancestor in turn; a box that does not scroll
      // must hold what shows whole.
      let box: Box = { l: r.left, t: r.top, r: r.right, b: r.bottom };
      let inScroller = false;
      for (let a = e.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        const cs = getComputedStyle(a);
        if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
        const ar = a.getBoundingClientRect();
        const scrolls = /auto|scroll/.test(cs.overflowY) && a.scrollHeight > a.clientHeight + 1;
        const outside = box.l < ar.left - 1 || box.r > ar.right + 1;
        if (outside || (!scrolls && (box.t < ar.top - 1 || box.b > ar.bottom + 1)))
          problems.push(`${describe(e)} is cut off by .${a.className.toString().split(' ').join('.')}`);
        if (scrolls) inScroller = true;
        box = {
          l: Math.max(box.l, ar.left),
          t: Math.max(box.t, ar.top),
          r: Math.min(box.r, ar.right),
          b: Math.min(box.b, ar.bottom),
        };
        // Scrolled out of sight: reachable by scrolling, nothing more to measure.
        if (box.b <= box.t) break;
      }
      if (r.left < -1 || r.right > vw + 1 || (!inScroller && (r.top < -1 || r.bottom > vh + 1)))
        problems.push(
          `${describe(e)} is off the screen (${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)})`,
        );
      if (e.tagName === 'BUTTON' && e.scrollWidth > e.clientWidth + 2)
        problems.push(`${describe(e)}: its text is wider than the button`);
      box = { l: box.l, t: Math.max(box.t, 0), r: box.r, b: Math.min(box.b, vh) };
      if (box.r - box.l > 2 && box.b - box.t > 2) shown.set(e, box);
    }
    const list = [...shown];
    for (let i = 0; i < list.length; i++) {
      const [a, ab] = list[i]!;
      for (let j = i + 1; j < list.length; j++) {
        const [b, bb] = list[j]!;
        if (a.contains(b) || b.contains(a)) continue;
        const w = Math.min(ab.r, bb.r) - Math.max(ab.l, bb.l);
        const h = Math.min(ab.b, bb.b) - Math.max(ab.t, bb.t);
        if (w > 2 && h > 2) problems.push(`${describe(a)} overlaps ${describe(b)}`);
      }
      // The centre and the corners (2 px in) of what shows must be the control itself, not what covers it.
      const points = [
        [(ab.l + ab.r) / 2, (ab.t + ab.b) / 2],
        [ab.l + 2, ab.t + 2],
        [ab.r - 2, ab.t + 2],
        [ab.l + 2, ab.b - 2],
        [ab.r - 2, ab.b - 2],
      ];
      for (const [x, y] of points) {
        const top = document.elementFromPoint(x!, y!);
        if (top && top !== a && !a.contains(top) && !top.contains(a)) {
          problems.push(`${describe(a)} is under ${describe(top)}`);
          break;
        }
      }
    }
    return problems;
  });
}

/** A kiosk page configured as an enrolled plain-browser kiosk, touch enabled. */
export async function kioskPage(
  browser: Browser,
  site: Site,
  viewport: { width: number; height: number },
  deviceId: string,
): Promise<Page> {
  const password = enrolKiosk(site, deviceId);
  const context = await browser.newContext({ viewport, locale: 'vi-VN', hasTouch: true });
  await context.addInitScript(
    ([id, pw]) => localStorage.setItem('oss.kiosk.device', JSON.stringify({ deviceId: id, password: pw })),
    [deviceId, password],
  );
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${site.url}/kiosk?idle=600000`);
  await page.locator('[data-ready=true] [data-screen=home]').waitFor();
  return page;
}
