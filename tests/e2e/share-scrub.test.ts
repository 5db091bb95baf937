/**
 * Scrubbing back: the timeline under the charts shows a past iteration's ratio histogram,
 * six-case counts, KL by position and completions, with a marker on every time chart, then
 * returns to live.
 */
import { describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/engine/metrics';
import { caseCounts } from './lab-page';
import { linkFor, openLab, TINY, waitForBackend, waitForIterations } from './harness';

const WASM = linkFor({ ...TINY, backend: 'wasm' });
const CASES = ['no_signal', 'case1', 'case2', 'case3', 'case4', 'case5', 'case6'] as const;

describe('scrub', () => {
  it('shows a past iteration on the per-iteration panels and returns to live', async () => {
    const lab = await openLab(WASM);
    const { page } = lab;
    try {
      await waitForBackend(page);
      let metrics: Metrics[] = [];
      for (let i = 1; i <= 4; i++) {
        await page.getByTestId('step').click();
        metrics = await waitForIterations(page, i);
      }
      await expect.poll(() => page.getByTestId('ratio-readout').textContent()).toMatch(/^iteration 4/);
      await page.getByTestId('scrub').fill('2');
      await expect.poll(() => page.getByTestId('scrub-iteration').textContent()).toBe('2');
      await expect.poll(() => page.getByTestId('ratio-readout').textContent()).toMatch(/^iteration 2/);
      const past = metrics[1]!;
      expect(await caseCounts(page)).toEqual(CASES.map((c) => String(past['policy/cases'][c])));
      expect(await page.getByTestId('token-phase').textContent()).toMatch(/^iteration 2 /);
      expect(await page.locator('[data-testid=token-stream] .tok[data-case]').count()).toBeGreaterThan(0);
      // Every time chart marks the iteration in view.
      const charts = await page.locator('.time-chart').count();
      expect(charts).toBeGreaterThan(0);
      const marks = page.locator('.time-chart .scrub-marker');
      await expect.poll(() => marks.count()).toBe(charts);
      const labels = await page.locator('.time-chart svg text.scrub-label').allTextContents();
      expect(labels).toEqual(Array<string>(charts).fill('shown: 2'));

      await page.getByTestId('scrub-live').click();
      await expect.poll(() => page.getByTestId('ratio-readout').textContent()).toMatch(/^iteration 4/);
      expect(await caseCounts(page)).toEqual(CASES.map((c) => String(metrics[3]!['policy/cases'][c])));
      expect(await page.getByTestId('token-phase').textContent()).toMatch(/^iteration 4 /);
      await expect.poll(() => marks.count()).toBe(0);
      expect(lab.consoleErrors).toEqual([]);
    } finally {
      await lab.close();
    }
  });
});
