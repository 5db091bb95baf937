/**
 * Embed mode: one panel (the six cases with the token stream) with its own Start/Pause,
 * nothing else of the lab, and a notice exactly when wasm has to run without threads; or
 * one Learn chapter alone (`embed=learn-N`), chosen in "Share as a lesson".
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

  it('shows one Learn chapter alone, chosen in "Share as a lesson", its links into the lab opening a new tab', async () => {
    const lab = await openLab(linkFor({ ...TINY, backend: 'wasm' }));
    const { page } = lab;
    try {
      await waitForBackend(page);
      await page.getByTestId('share-menu').click();
      await page.getByTestId('lesson-embed').selectOption('learn-4');
      expect(await page.getByTestId('lesson-iframe').inputValue()).toMatch(
        /^<iframe src="[^"]*embed=learn-4" title="PPO Lab: Learn, chapter 4: Per-token ratios"/,
      );
      const link = await page.getByTestId('lesson-link').inputValue();

      await page.goto(link);
      await page.waitForFunction(() => window.ppoLab !== undefined);
      await waitForBackend(page);
      expect(await page.getByTestId('embed').count()).toBe(1);
      expect(await page.getByTestId('chapter-4').count()).toBe(1);
      expect(await page.getByTestId('ch4-sample').count()).toBe(1);
      expect(await page.getByTestId('start').count()).toBe(1);
      for (const absent of ['learn-view', 'learn-nav-1', 'learn-next', 'chapter-3', 'six-cases', 'token-stream', 'share-menu'])
        expect(await page.getByTestId(absent).count()).toBe(0);
      // A way into the lab leaves the course page's iframe alone: the whole lab, in a new tab.
      const links = page.locator('[data-testid=try-it], [data-testid^=experiment-link-]');
      expect(await links.count()).toBeGreaterThan(1);
      for (const a of await links.all()) {
        expect(await a.getAttribute('target')).toBe('_blank');
        expect(new URL((await a.getAttribute('href'))!, page.url()).searchParams.has('embed')).toBe(false);
      }
      expect(lab.consoleErrors).toEqual([]);
    } finally {
      await lab.close();
    }
  });

  it('reports a Learn chapter that does not exist and shows the whole lab', async () => {
    const lab = await openLab(`${linkFor({ ...TINY, backend: 'wasm' })}&embed=learn-9`);
    const { page } = lab;
    try {
      await waitForBackend(page);
      expect(await page.getByTestId('embed').count()).toBe(0);
      expect(await page.getByTestId('six-cases').count()).toBe(1);
      const messages = await page.getByTestId('error').allTextContents();
      expect(messages.some((t) => t.includes('embed: "learn-9" ignored: a Learn chapter is learn-1 to learn-8'))).toBe(true);
    } finally {
      await lab.close();
    }
  });
});
