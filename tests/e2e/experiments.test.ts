/**
 * The Experiments gallery in a real browser, on wasm: each experiment opened by its link
 * shows its card and, run, trains every one of its runs and states the verdict of its own
 * signal; a comparison draws one series per run on the same chart, survives a reload, and
 * travels as a link. Waits on the page and on window.ppoLab, never on fixed delays.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { EXPERIMENTS, findExperiment, runConfig, runLink } from '../../src/engine/experiments';
import { inject } from 'vitest';
import { linkFor, openLab, TINY, waitForBackend, waitForIterations, waitForState, type Lab } from './harness';

const WASM = '&backend=wasm';

async function withLab(query: string, body: (lab: Lab) => Promise<void>): Promise<void> {
  const lab = await openLab(query);
  try {
    await lab.page.setViewportSize({ width: 1600, height: 1000 });
    await waitForBackend(lab.page);
    await body(lab);
  } finally {
    await lab.close();
  }
}

/** Goes to another address in the same browser (localStorage kept) and waits for the lab to start. */
async function go(page: Page, query: string): Promise<void> {
  await page.goto(`${inject('labUrl')}/?${query}`);
  await page.waitForFunction(() => window.ppoLab !== undefined, null, { timeout: 30_000 });
  await waitForBackend(page);
}

/** The drawn paths of one metric on a chart: the live run's and each pinned run's, with their colours. */
const seriesOn = (page: Page, chart: string, key: string): Promise<{ d: string; stroke: string }[]> =>
  page.evaluate(
    ([chart, key]) =>
      [...document.querySelectorAll(`[data-testid=${chart}] g[data-series="${key}"] > path:last-of-type`)].map((p) => ({
        d: p.getAttribute('d') ?? '',
        stroke: p.getAttribute('stroke') ?? '',
      })),
    [chart, key] as const,
  );

/** Runs the open experiment from its card and waits for the verdict. */
async function runExperiment(page: Page, minutes = 4): Promise<{ ok: string | null; text: string }> {
  await page.getByTestId('run-experiment').click();
  const verdict = page.getByTestId('experiment-verdict');
  await verdict.waitFor({ timeout: minutes * 60_000 });
  return { ok: await verdict.getAttribute('data-ok'), text: (await verdict.textContent()) ?? '' };
}

describe('the Experiments gallery', () => {
  it('lists every experiment from the header tab, and a card opens its first run in the lab', async () => {
    await withLab(linkFor({ ...TINY, backend: 'wasm' }), async ({ page, consoleErrors }) => {
      await page.getByTestId('to-experiments').click();
      for (const e of EXPERIMENTS) await page.getByTestId(`experiment-card-${e.name}`).waitFor();
      await page.getByTestId('open-clip-zero').click();
      await page.getByTestId('experiment-run-panel').waitFor();
      await page.waitForFunction(() => window.ppoLab!.config()?.epochs === 1 && window.ppoLab!.state() === 'ready');
      const e = findExperiment('clip-zero')!;
      expect(await page.evaluate(() => window.ppoLab!.config()?.backend)).toBe('wasm');
      expect(await page.getByTestId('experiment-signal').textContent()).toBe(e.signal.text);
      expect(await page.getByTestId('reward-chart').count()).toBe(1); // the lab is beside the card
      expect(consoleErrors).toEqual([]);
    });
  });

  it.each(EXPERIMENTS.map((e) => [e.name, e] as const))(
    'opened by its link, %s shows its card, runs, and its signal appears',
    async (_name, e) => {
      await withLab(runLink(e) + WASM, async ({ page, consoleErrors }) => {
        await page.getByTestId(`experiment-card-${e.name}`).waitFor();
        expect(await page.evaluate(() => window.ppoLab!.config()?.seed)).toBe(runConfig(e, e.runs[0]!).seed);
        const verdict = await runExperiment(page);
        expect(verdict.ok, `${e.name}: ${verdict.text}`).toBe('true');
        expect(await page.evaluate(() => window.ppoLab!.iterations().length)).toBeGreaterThanOrEqual(e.iterations);
        expect(consoleErrors).toEqual([]);
      });
    },
  );

  it('a comparison of two runs draws two series on the same chart, survives a reload and is shared as a link', async () => {
    const e = findExperiment('clip-zero')!;
    await withLab(runLink(e) + WASM, async ({ page }) => {
      await runExperiment(page);
      // Live (the second run) and pinned (the first), in different colours.
      const two = await seriesOn(page, 'clipfrac-chart', 'policy/clipfrac');
      expect(two).toHaveLength(2);
      expect(two[0]!.stroke).not.toBe(two[1]!.stroke);
      expect(two.every((s) => s.d.length > 0)).toBe(true);
      expect(await page.getByTestId('pinned-legend').first().textContent()).toContain(e.runs[0]!.label);

      await page.reload();
      await page.waitForFunction(() => window.ppoLab !== undefined);
      await waitForBackend(page);
      // Both recorded runs come back from storage, drawn before any iteration of the new live run.
      await expect
        .poll(async () => (await seriesOn(page, 'clipfrac-chart', 'policy/clipfrac')).filter((s) => s.d).length)
        .toBe(2);
      expect(await page.getByTestId('experiment-verdict').getAttribute('data-ok')).toBe('true');

      await page.getByTestId('share-comparison').click();
      const link = await page.getByLabel('Comparison link').inputValue();
      const query = new URL(link).search.slice(1);
      expect(new URLSearchParams(query).getAll('runs')).toHaveLength(2);
      await go(page, `${query}${WASM}`);
      const shared = page.getByTestId('shared-comparison');
      await shared.waitFor();
      expect(await shared.textContent()).toContain('epochs=4');
    });
  });

  it('a student pins a finished run and the next run is drawn against it', async () => {
    await withLab(linkFor({ ...TINY, backend: 'wasm' }), async ({ page }) => {
      await page.getByTestId('step').click();
      await waitForIterations(page, 1);
      await waitForState(page, 'paused');
      await page.getByTestId('pin-run').click();
      await expect.poll(() => page.getByTestId('pinned-runs').locator('li').count()).toBe(1);
      await page.getByTestId('reset').click();
      await waitForState(page, 'ready');
      await page.getByTestId('step').click();
      await waitForIterations(page, 1);
      await expect.poll(async () => (await seriesOn(page, 'reward-chart', 'reward/mean')).filter((s) => s.d).length).toBe(2);
    });
  });
});
