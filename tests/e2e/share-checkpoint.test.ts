/**
 * Checkpoints: the policy saved from the page loads back (same weights, config, iteration:
 * saving again gives the same file), training goes on from it, and a corrupt file is
 * refused with what is wrong while the run goes on untouched. Loaded to compare, the run on
 * screen is pinned first and overlaid on the charts of the run that goes on from the file.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { linkFor, openLab, TINY, waitForBackend, waitForIterations } from './harness';

describe('checkpoints', () => {
  it('save, load back, go on; a corrupt file is refused and nothing is lost', async () => {
    const lab = await openLab(linkFor({ ...TINY, backend: 'wasm' }));
    const { page } = lab;
    const saveFile = async () => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-checkpoint').click()]);
      expect(file.suggestedFilename()).toMatch(/^ppo-lab-sort-ppo-seed3-iter\d+\.ckpt$/);
      return readFileSync(await file.path());
    };
    try {
      await waitForBackend(page);
      await page.getByTestId('step').click();
      await waitForIterations(page, 1);
      await page.getByTestId('step').click();
      await waitForIterations(page, 2);
      await page.getByTestId('share-menu').click();
      const saved = await saveFile();
      expect(saved.subarray(0, 4).toString()).toBe('PPOL');

      // A corrupt file: refused in the page, the run untouched.
      await page.getByTestId('load-checkpoint').setInputFiles({
        name: 'bad.ckpt',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from('<b>not a checkpoint</b>'),
      });
      await expect
        .poll(() => page.getByTestId('checkpoint-message').textContent())
        .toMatch(/^bad\.ckpt refused, nothing changed: not a PPO Lab checkpoint/);
      expect(await page.locator('[data-testid=checkpoint-message] b').count()).toBe(0);
      expect(await page.evaluate(() => window.ppoLab!.iterations().length)).toBe(2);

      // Go on one more iteration, then load the saved policy back: it continues from iteration 2.
      await page.getByTestId('step').click();
      await waitForIterations(page, 3);
      await page
        .getByTestId('load-checkpoint')
        .setInputFiles({ name: 'policy.ckpt', mimeType: 'application/octet-stream', buffer: saved });
      await page.waitForFunction(() => window.ppoLab!.iterations().length === 0 && window.ppoLab!.state() === 'ready');
      expect((await saveFile()).equals(saved)).toBe(true);
      await page.getByTestId('step').click();
      const [m] = await waitForIterations(page, 1);
      expect(m!.iter).toBe(3);
      expect(m!['kl/ref_exact']).toBeGreaterThan(0);
      expect(await page.evaluate(() => window.ppoLab!.errors().filter((e) => e.kind === 'checkpoint'))).toEqual([]);
      expect(lab.consoleErrors).toEqual([]);
    } finally {
      await lab.close();
    }
  });

  it('load to compare: the run on screen is pinned and overlaid on the run that goes on from the file', async () => {
    const lab = await openLab(linkFor({ ...TINY, backend: 'wasm' }));
    const { page } = lab;
    const step = async (n: number) => {
      await page.getByTestId('step').click();
      return waitForIterations(page, n);
    };
    try {
      await waitForBackend(page);
      await step(1);
      await step(2);
      await page.getByTestId('share-menu').click();
      const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-checkpoint').click()]);
      await step(3);
      await step(4);
      // Back to iteration 2 to compare: the four-iteration run is pinned, the new one starts empty.
      await page.getByTestId('load-checkpoint-compare').setInputFiles({
        name: 'at2.ckpt',
        mimeType: 'application/octet-stream',
        buffer: readFileSync((await file.path())!),
      });
      await page.waitForFunction(() => window.ppoLab!.iterations().length === 0 && window.ppoLab!.state() === 'ready');
      expect(await page.getByTestId('checkpoint-message').textContent()).toMatch(/The run before it is pinned/);
      expect(await page.locator('[data-testid=pinned-runs] li').allTextContents()).toEqual([
        expect.stringMatching(/^the run before loading at2\.ckpt×$/),
      ]);

      const [m] = await step(1);
      expect(m!.iter).toBe(3);
      // Every time chart overlays the pinned run, named in its legend, with its own iteration 3 beside the new one.
      const charts = await page.locator('.time-chart').count();
      const legends = page.locator('.time-chart [data-testid=pinned-legend]');
      await expect.poll(() => legends.count()).toBe(charts);
      expect(await legends.first().textContent()).toContain('the run before loading at2.ckpt');
      expect(await legends.first().locator('.legend-value').textContent()).toMatch(/\d/);
      expect(lab.consoleErrors).toEqual([]);
    } finally {
      await lab.close();
    }
  });
});
