/**
 * The address bar follows the page: config, live edits and the view in sight are written to
 * it (replaceState), so a reload restores them.
 */
import { describe, expect, it } from 'vitest';
import { linkFor, openLab, TINY, waitForBackend, waitForIterations } from './harness';

const WASM = linkFor({ ...TINY, backend: 'wasm' });

describe('address bar', () => {
  it('holds the config, a queued live edit and the view, and a reload restores them', async () => {
    const lab = await openLab(WASM);
    const { page } = lab;
    try {
      await waitForBackend(page);
      const historyLength = await page.evaluate(() => history.length);
      // A live edit while paused: queued for iteration 1, so the address replays it there.
      await page.getByLabel('eps value').fill('0.13');
      await page.getByLabel('eps value').press('Enter');
      await page.waitForFunction(() => location.search.includes('edit=1%3Aeps%3D0.13'));
      await page.getByTestId('tab-learn').click();
      await page.waitForFunction(() => new URLSearchParams(location.search).get('view') === 'learn');
      const q = new URLSearchParams(await page.evaluate(() => location.search));
      expect(q.get('seed')).toBe('3');
      expect(q.get('backend')).toBe('wasm');
      expect(q.get('batch')).toBe('8');
      // replaceState only: the Back button's list did not grow.
      expect(await page.evaluate(() => history.length)).toBe(historyLength);

      await page.reload();
      await page.waitForFunction(() => window.ppoLab !== undefined);
      await waitForBackend(page);
      expect(await page.getByTestId('tab-learn').getAttribute('aria-current')).toBe('page');
      await page.getByTestId('tab-lab').click();
      await page.getByTestId('step').click();
      const [first] = await waitForIterations(page, 1);
      expect(first!.eps).toBe(0.13);
      expect(await page.evaluate(() => window.ppoLab!.config()!.seed)).toBe(3);
      expect(lab.consoleErrors).toEqual([]);
    } finally {
      await lab.close();
    }
  });
});
