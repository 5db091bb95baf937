/**
 * The lab's UI in a real browser, on wasm (fast, deterministic): what a student sees
 * appears and changes as training runs. Each test drives the page through its buttons,
 * sliders and keys, and reads the drawn page (lab-page.ts); window.ppoLab only tells
 * when the worker has got somewhere.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { linkFor, openLab, TINY, waitForBackend, waitForIterations, waitForState, type Lab } from './harness';
import { caseCounts, clipBand, histogramShape, markerLabels, shownIteration, streamTokens } from './lab-page';

/** Two epochs so ratios move away from 1 within an iteration; 16 completions fill one token page. */
const LINK = linkFor({ ...TINY, batch: 16, epochs: 2, backend: 'wasm' });

/** Charts redraw a frame or a few after the data arrives (one chart per task): poll generously. */
const SLOW = { timeout: 20_000 };

const HOOKS = [
  'backend',
  'iteration',
  'start',
  'pause',
  'step',
  'reset',
  'eps-slider',
  'beta-slider',
  'ratio-histogram',
  'clipfrac-chart',
  'kl-chart',
  'six-cases',
  'token-stream',
  'copy-link',
];

async function withLab(query: string, body: (lab: Lab) => Promise<void>): Promise<void> {
  const lab = await openLab(query);
  try {
    await lab.page.setViewportSize({ width: 1440, height: 900 });
    await waitForBackend(lab.page);
    await body(lab);
  } finally {
    await lab.close();
  }
}

/** One iteration by the Step button, then wait until the worker has paused again. */
async function step(lab: Lab, n: number): Promise<void> {
  await lab.page.getByTestId('step').click();
  await waitForIterations(lab.page, n);
  await waitForState(lab.page, 'paused');
}

describe('the lab page', () => {
  it('loads with its controls and charts in place, the backend shown, and no console error', async () => {
    await withLab(LINK, async ({ page, consoleErrors }) => {
      for (const id of HOOKS) expect(await page.getByTestId(id).count(), id).toBeGreaterThan(0);
      await expect.poll(() => page.getByTestId('backend').textContent(), SLOW).toBe('wasm');
      expect(await shownIteration(page)).toBe(0);
      expect(await page.getByTestId('eps-slider').getAttribute('type')).toBe('range');
      expect(await page.getByTestId('beta-slider').getAttribute('type')).toBe('range');
      expect(await page.getByTestId('error').count()).toBe(0);
      expect(consoleErrors).toEqual([]);
    });
  });

  it('streams tokens as they are sampled, then colours them by case during the update', async () => {
    await withLab(LINK, async ({ page, consoleErrors }) => {
      // Slow motion: the worker releases one sampled position every 200 ms.
      await page.getByTestId('watch-speed').selectOption('5');
      await page.getByTestId('step').click();
      await expect.poll(() => page.getByTestId('token-phase').textContent(), { timeout: 30_000 }).toContain('sampling');
      await expect.poll(async () => (await streamTokens(page)).tokens, { timeout: 30_000 }).toBeGreaterThan(0);
      const early = (await streamTokens(page)).tokens;
      // More tokens arrive while the phase still says sampling: they come position by position.
      await expect.poll(async () => (await streamTokens(page)).tokens, { timeout: 30_000 }).toBeGreaterThan(early);
      await page.getByTestId('watch-speed').selectOption('null');
      await waitForIterations(page, 1);
      await waitForState(page, 'paused');
      const drawn = await streamTokens(page);
      expect(drawn.rows).toBe(16);
      expect(drawn.coloured).toBe(drawn.tokens);
      expect(await page.getByTestId('token-phase').textContent()).toContain('update');
      expect(consoleErrors).toEqual([]);
    });
  });

  it('the ratio histogram and the six-case counts change from one iteration to the next', async () => {
    await withLab(LINK, async (lab) => {
      const { page } = lab;
      await step(lab, 1);
      await expect.poll(() => histogramShape(page), SLOW).not.toBe('');
      await expect.poll(async () => (await caseCounts(page)).join(','), SLOW).toMatch(/\d/);
      const shape1 = await histogramShape(page);
      const counts1 = (await caseCounts(page)).join(',');
      await step(lab, 2);
      await expect.poll(() => histogramShape(page), SLOW).not.toBe(shape1);
      await expect.poll(async () => (await caseCounts(page)).join(','), SLOW).not.toBe(counts1);
      expect(await shownIteration(page)).toBe(2);
      expect(lab.consoleErrors).toEqual([]);
    });
  });

  it('moving eps moves the shaded band at once, and the next iteration runs with it', async () => {
    await withLab(LINK, async (lab) => {
      const { page } = lab;
      await step(lab, 1);
      await expect.poll(async () => (await clipBand(page)).d, SLOW).not.toBeNull();
      const before = await clipBand(page);
      expect(before.band).toBe('0.8,1.2');
      const slider = page.getByTestId('eps-slider');
      await slider.focus();
      for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
      // While paused, before any iteration used it: the band already moved.
      await expect.poll(async () => (await clipBand(page)).band, SLOW).toBe('0.85,1.15');
      expect((await clipBand(page)).d).not.toBe(before.d);
      await expect.poll(() => page.getByTestId('eps-status').textContent(), SLOW).toBe('queued for iteration 2');
      await step(lab, 2);
      const metrics = await page.evaluate(() => window.ppoLab!.iterations());
      expect(metrics.map((m) => m.eps)).toEqual([0.2, 0.15]);
      await expect.poll(() => page.getByTestId('eps-status').textContent(), SLOW).toBe('took effect at iteration 2');
      // Every time chart marks the change.
      await expect.poll(() => markerLabels(page, 'clipfrac-chart'), SLOW).toContain('eps=0.15');
      // The lab link carries the run's config and the edit, at the iteration it took effect.
      await page.getByTestId('copy-link').click();
      const link = await page.getByTestId('link-text').inputValue();
      expect(link).toContain('backend=wasm');
      expect(decodeURIComponent(link)).toContain('edit=2:eps=0.15');
      expect(lab.consoleErrors).toEqual([]);
    });
  });

  it('pause stops the iterations', async () => {
    await withLab(LINK, async ({ page, consoleErrors }) => {
      await page.getByTestId('start').click();
      await waitForIterations(page, 2);
      await page.getByTestId('pause').click();
      await waitForState(page, 'paused');
      const n = (await page.evaluate(() => window.ppoLab!.iterations())).length;
      await page.waitForTimeout(1_500);
      expect(await page.evaluate(() => window.ppoLab!.iterations().length)).toBe(n);
      await expect.poll(() => shownIteration(page), SLOW).toBe(n);
      expect(await page.getByTestId('start').textContent()).toBe('Resume');
      expect(consoleErrors).toEqual([]);
    });
  });

  it('keys: s steps, space starts and pauses, and neither acts while typing in a field', async () => {
    await withLab(LINK, async (lab) => {
      const { page } = lab;
      await page.locator('h1').click();
      await page.keyboard.press('s');
      await waitForIterations(page, 1);
      await waitForState(page, 'paused');
      // Typed into a number box, the keys belong to the box.
      await page.getByLabel('seed', { exact: true }).focus();
      await page.keyboard.press('s');
      await page.keyboard.press(' ');
      await page.waitForTimeout(1_000);
      expect(await page.evaluate(() => window.ppoLab!.iterations().length)).toBe(1);
      await page.locator('h1').click();
      await page.keyboard.press(' ');
      await waitForIterations(page, 2);
      await page.keyboard.press(' ');
      await waitForState(page, 'paused');
      expect(lab.consoleErrors).toEqual([]);
    });
  });

  it('a combination the engine refuses shows its message; a bad link falls back with a message', async () => {
    await withLab(`${LINK}&eps=5&task=nope`, async ({ page, consoleErrors }) => {
      const banners = await page.getByTestId('error').allTextContents();
      expect(banners.join('\n')).toContain('eps must be a number in [0.01, 1]');
      expect(banners.join('\n')).toContain('task must be one of');
      expect(await page.getByTestId('eps-slider').inputValue()).toBe('0.2');
      await page.getByTestId('algo-select').selectOption('grpo');
      await expect.poll(() => page.getByTestId('config-errors').textContent(), SLOW).toContain('grpo needs group ≥ 2');
      expect(await page.getByTestId('reset').isDisabled()).toBe(true);
      await page.getByLabel('group', { exact: true }).fill('4');
      await page.getByLabel('group', { exact: true }).press('Enter');
      await expect.poll(() => page.getByTestId('config-errors').count(), SLOW).toBe(0);
      expect(await page.getByTestId('reset').isDisabled()).toBe(false);
      expect(consoleErrors).toEqual([]);
    });
  });

  it('saves screenshots of the page after a few iterations (light, dark, projector)', async () => {
    await withLab(LINK, async (lab) => {
      const { page } = lab;
      await step(lab, 1);
      await step(lab, 2);
      await step(lab, 3);
      await expect.poll(() => shownIteration(page), SLOW).toBe(3);
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/lab.png', fullPage: true });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: 'test-results/lab-dark.png', fullPage: true });
      await page.emulateMedia({ colorScheme: 'light' });
      const base = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      await page.getByTestId('large-font').check();
      expect(await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize))).toBeGreaterThan(base);
      await page.screenshot({ path: 'test-results/lab-projector.png', fullPage: true });
      for (const f of ['lab.png', 'lab-dark.png', 'lab-projector.png']) expect(existsSync(`test-results/${f}`)).toBe(true);
      expect(lab.consoleErrors).toEqual([]);
    });
  });
});
