/**
 * The page's layout at tablet and desktop widths: at 800 px the parameter panel is a closed
 * drawer, so the token stream and the first chart are on the first screen; the header's
 * toggle opens and closes it. At 1280 px the panel is a column beside the board, no toggle.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { linkFor, openLab, TINY, waitForBackend } from './harness';

const LINK = linkFor({ ...TINY, backend: 'cpu' });

/** Where an element sits, or null when it has no box (display: none). */
const box = (page: Page, testId: string) =>
  page.evaluate((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? { top: r.top, bottom: r.bottom, left: r.left, right: r.right } : null;
  }, testId);

async function withViewport(width: number, height: number, body: (page: Page) => Promise<void>): Promise<void> {
  const lab = await openLab(LINK);
  try {
    await lab.page.setViewportSize({ width, height });
    await waitForBackend(lab.page);
    await body(lab.page);
    expect(lab.consoleErrors).toEqual([]);
  } finally {
    await lab.close();
  }
}

describe('layout', () => {
  it('at 800 px opens on the token stream and the first chart, with the parameters in a drawer', async () => {
    await withViewport(800, 1000, async (page) => {
      // Closed drawer: no parameter on screen, the token stream and the ratio histogram within the first viewport.
      expect(await box(page, 'eps-slider')).toBeNull();
      const stream = await box(page, 'token-stream');
      const histogram = await box(page, 'ratio-histogram');
      expect(stream).not.toBeNull();
      expect(stream!.bottom).toBeLessThanOrEqual(1000);
      expect(histogram).not.toBeNull();
      expect(histogram!.top).toBeLessThan(1000);

      const toggle = page.getByTestId('controls-toggle');
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      const eps = await box(page, 'eps-slider');
      expect(eps).not.toBeNull();
      expect(eps!.top).toBeLessThan(1000);
      // A control in the drawer works: a key on the eps slider moves the value it shows.
      const shown = () => page.locator('[data-param="eps"] .param-value').textContent();
      expect(await shown()).toBe('0.2');
      await page.getByTestId('eps-slider').focus();
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => document.querySelector('[data-param="eps"] .param-value')?.textContent !== '0.2');
      expect(Number(await shown())).toBeGreaterThan(0.2);

      // Escape closes it, and the toggle opens and closes it again.
      await page.keyboard.press('Escape');
      await page.waitForFunction(
        () => document.querySelector('[data-testid="controls-toggle"]')?.getAttribute('aria-expanded') === 'false',
      );
      expect(await box(page, 'eps-slider')).toBeNull();
      await toggle.click();
      expect(await box(page, 'eps-slider')).not.toBeNull();
      await page.getByRole('button', { name: 'Close', exact: true }).click();
      expect(await box(page, 'eps-slider')).toBeNull();
    });
  });

  it('at 1280 px shows the parameters beside the board, without a toggle', async () => {
    await withViewport(1280, 900, async (page) => {
      expect(await box(page, 'controls-toggle')).toBeNull();
      const eps = await box(page, 'eps-slider');
      const stream = await box(page, 'token-stream');
      expect(eps).not.toBeNull();
      expect(stream).not.toBeNull();
      // Side by side: the panel's column ends left of the board.
      expect(eps!.right).toBeLessThan(stream!.left);
      expect(stream!.bottom).toBeLessThanOrEqual(900);
    });
  });
});
