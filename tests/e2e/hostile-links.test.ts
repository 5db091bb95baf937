/**
 * Every hostile link of the table (tests/engine/hostile-links.ts), opened in Chromium: the
 * page loads, its notice list names what was ignored and the value used, nothing from the
 * link is run or inserted as markup, and Start trains an iteration. One browser, one page
 * navigated from link to link; a small sort model on wasm, so each takes a second or two.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { HOSTILE_LINKS, type HostileLink } from '../engine/hostile-links';
import { openLab, waitForBackend, type Lab } from './harness';

/** Fields that keep each run small, added where the hostile link does not set them itself. */
const SMALL = { backend: 'wasm', model: 'small', batch: '8', epochs: '1', minibatches: '1' };

const ROUTE_LINK: HostileLink = {
  name: 'markup as the view',
  query: 'view=%3Cb%3Ebold%3C%2Fb%3E',
  notices: [/view "<b>bold<\/b>" ignored: expected lab, learn, experiments/],
};

function withSmallRun(query: string): string {
  const names = new Set([...new URLSearchParams(query).keys()]);
  const extra = Object.entries(SMALL).filter(([k]) => !names.has(k));
  return [query, ...extra.map(([k, v]) => `${k}=${v}`)].join('&');
}

describe('hostile links in the page', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await openLab();
  });
  afterAll(() => lab?.close());

  for (const link of [...HOSTILE_LINKS, ROUTE_LINK]) {
    it(`${link.name}: loads, says what it ignored, injects nothing, trains`, async () => {
      const { page } = lab;
      await page.goto(`${inject('labUrl')}/?${withSmallRun(link.query)}`);
      await page.waitForFunction(() => window.ppoLab !== undefined, null, { timeout: 30_000 });
      await waitForBackend(page);
      const notices = await page.evaluate(() => window.ppoLab!.notices());
      for (const pattern of link.notices)
        expect(
          notices.some((n) => pattern.test(n.message)),
          `${pattern} in ${JSON.stringify(notices)}`,
        ).toBe(true);
      // The notices are on the page, as text.
      expect(await page.getByTestId('notice-count').textContent()).toBe(String(notices.length));
      const injected = await page.evaluate(() => ({
        flag: (window as unknown as { injected?: unknown }).injected,
        images: document.querySelectorAll('img[src=x]').length,
        bold: document.querySelectorAll('.notices b').length,
        inlineScripts: [...document.scripts].filter((s) => !s.src).length,
        polluted: ({} as Record<string, unknown>).polluted,
      }));
      expect(injected).toEqual({ flag: undefined, images: 0, bold: 0, inlineScripts: 0, polluted: undefined });
      await page.getByTestId('start').click();
      await page.waitForFunction(() => window.ppoLab!.iterationCount() >= 1 || window.ppoLab!.lastError()?.kind === 'nan', null, {
        timeout: 120_000,
      });
      expect(await page.evaluate(() => window.ppoLab!.iterationCount())).toBeGreaterThanOrEqual(1);
    });
  }
});
