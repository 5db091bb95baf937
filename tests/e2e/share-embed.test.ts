/**
 * Embed mode: one panel (the six cases with the token stream) with its own Start/Pause,
 * nothing else of the lab, and a notice exactly when wasm has to run without threads.
 */
import { describe, expect, it } from 'vitest';
import { linkFor, openLab, TINY, waitForBackend, waitForIterations, waitForState } from './harness';

describe('embed mode', () => {
  it('shows the six cases and the token stream alone, and trains from its own buttons', async () => {
    const lab = await openLab(`${linkFor({ ...TINY, backend: 'wasm' })}&embed=six-cases`);
    const { page } = lab;
    try {
      await waitForBackend(page);
      expect(await page.getByTestId('embed').count()).toBe(1);
      expect(await page.getByTestId('six-cases').count()).toBe(1);
      expect(await page.getByTestId('token-stream').count()).toBe(1);
      for (const absent of ['reward-chart', 'kl-chart', 'ratio-histogram', 'share-menu', 'apply-reset'])
        expect(await page.getByTestId(absent).count()).toBe(0);
      await page.getByTestId('start').click();
      await waitForIterations(page, 2);
      await page.getByTestId('pause').click();
      await waitForState(page, 'paused');
      await expect.poll(() => page.locator('[data-testid=token-stream] .tok[data-case]').count()).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('case-it-1').textContent()).not.toBe('');
      const isolated = await page.evaluate(() => crossOriginIsolated);
      expect(await page.getByTestId('isolation-notice').count()).toBe(isolated ? 0 : 1);
      const full = await page.getByRole('link', { name: /Open in PPO Lab/ }).getAttribute('href');
      expect(new URL(full!).searchParams.has('embed')).toBe(false);
      expect(new URL(full!).searchParams.get('seed')).toBe('3');
      expect(lab.consoleErrors).toEqual([]);
    } finally {
      await lab.close();
    }
  });
});
