/**
 * What the UI tests read off the page: the drawn shapes and numbers of the charts, by their
 * stable hooks (data-testid) and the SVG the charts draw. Reading the DOM (not
 * window.ppoLab) is the point: these tests check what a student sees.
 */
import type { Page } from 'playwright-core';

/** The ratio histogram's drawn paths (its shape), joined. */
export const histogramShape = (page: Page): Promise<string> =>
  page.evaluate(() =>
    [...document.querySelectorAll('[data-testid=ratio-histogram] .series-layer path')].map((p) => p.getAttribute('d')).join('|'),
  );

/** The shaded clip band: its data attribute and the geometry of the drawn rectangle. */
export const clipBand = (page: Page): Promise<{ band: string | null; d: string | null }> =>
  page.evaluate(() => {
    const card = document.querySelector('[data-testid=ratio-histogram]');
    return {
      band: card?.getAttribute('data-band') ?? null,
      d: card?.querySelector('.recharts-reference-area path')?.getAttribute('d') ?? null,
    };
  });

/** "this iteration" counts of the six cases (and no signal), as shown in the table. */
export const caseCounts = (page: Page): Promise<string[]> =>
  page.evaluate(() =>
    [0, 1, 2, 3, 4, 5, 6].map((n) => document.querySelector(`[data-testid=case-it-${n}] .count`)?.textContent ?? ''),
  );

/** Tokens drawn in the token stream, and how many are coloured by a case. */
export const streamTokens = (page: Page): Promise<{ tokens: number; coloured: number; rows: number }> =>
  page.evaluate(() => ({
    tokens: document.querySelectorAll('[data-testid=token-stream] .tok').length,
    coloured: document.querySelectorAll('[data-testid=token-stream] .tok[data-case]').length,
    rows: document.querySelectorAll('[data-testid=token-stream] .completion').length,
  }));

/** The iteration number the status bar shows. */
export const shownIteration = async (page: Page): Promise<number> => Number(await page.getByTestId('iteration').textContent());

/** Labels of the parameter-change markers drawn on a chart (recharts draws labels in a layer of their own). */
export const markerLabels = (page: Page, testId: string): Promise<string[]> =>
  page.evaluate(
    (id) => [...document.querySelectorAll(`[data-testid=${id}] svg text.marker-label`)].map((t) => t.textContent ?? ''),
    testId,
  );
