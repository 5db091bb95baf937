/**
 * Classroom mode: a link hides controls, groups and panels and locks values; a malformed
 * flag or an out-of-range locked value is reported by name, nothing from the link is put
 * into the page as HTML; "Share as a lesson" builds such a link from ticks.
 */
import { describe, expect, it } from 'vitest';
import { linkFor, openLab, TINY, waitForBackend, waitForIterations } from './harness';

const WASM = linkFor({ ...TINY, backend: 'wasm', eps: 0.15 });
const count = (page: import('playwright-core').Page, selector: string) => page.locator(selector).count();

describe('classroom mode', () => {
  it('hides what the link names, locks eps at the link value, and keeps the keys in the address', async () => {
    const lab = await openLab(`${WASM}&hide=beta,group-optim,panel-kl&lock=eps`);
    const { page } = lab;
    try {
      await waitForBackend(page);
      expect(await count(page, '[data-param=beta]')).toBe(0);
      expect(await count(page, '[data-param=lr]')).toBe(0); // in the optimizer group
      expect(await count(page, '[data-testid=kl-chart]')).toBe(0);
      expect(await count(page, '[data-param=eps]')).toBe(1);
      expect(await page.getByTestId('eps-slider').isDisabled()).toBe(true);
      // A script cannot get around the lock either: the store refuses it.
      await page.getByTestId('step').click();
      const [m] = await waitForIterations(page, 1);
      expect(m!.eps).toBe(0.15);
      await page.waitForFunction(() => new URLSearchParams(location.search).get('hide') === 'beta,group-optim,panel-kl');
      expect(await page.evaluate(() => new URLSearchParams(location.search).get('lock'))).toBe('eps');
      expect(await page.getByTestId('error').count()).toBe(0);
      expect(lab.consoleErrors).toEqual([]);
    } finally {
      await lab.close();
    }
  });

  it('reports malformed flags and an out-of-range locked value by name, injecting nothing', async () => {
    const hostile = encodeURIComponent('<img src=x onerror=window.pwned=1>');
    const lab = await openLab(`${linkFor({ ...TINY, backend: 'wasm' })}&hide=${hostile},panel-nope&lock=eps&eps=7&embed=zzz`);
    const { page } = lab;
    try {
      await waitForBackend(page);
      const messages = await page.getByTestId('error').allTextContents();
      expect(messages.some((t) => t.includes('hide: "<img src=x onerror=window.pwned=1>" ignored'))).toBe(true);
      expect(messages.some((t) => t.includes('hide: "panel-nope" ignored'))).toBe(true);
      expect(messages.some((t) => /lock: eps is locked at its default 0\.2/.test(t))).toBe(true);
      expect(messages.some((t) => t.includes('embed: "zzz" ignored'))).toBe(true);
      expect(await count(page, 'img[src=x]')).toBe(0);
      expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
      // The lab is whole and runs, eps locked at its default.
      expect(await count(page, '[data-testid=embed]')).toBe(0);
      expect(await page.getByTestId('eps-slider').isDisabled()).toBe(true);
      expect(await page.evaluate(() => window.ppoLab!.config()!.eps)).toBe(0.2);
    } finally {
      await lab.close();
    }
  });

  it('"Share as a lesson" turns ticks into a link that opens with them applied', async () => {
    const lab = await openLab(linkFor({ ...TINY, backend: 'wasm', seed: 4 }));
    const { page } = lab;
    try {
      await waitForBackend(page);
      await page.getByTestId('share-menu').click();
      await page.getByTestId('lesson-panel-reward').uncheck();
      await page.getByTestId('lesson-group-setup').uncheck();
      await page.getByTestId('lesson-lock-beta').check();
      const link = await page.getByTestId('lesson-link').inputValue();
      const q = new URL(link).searchParams;
      expect(q.get('hide')).toBe('panel-reward,group-setup');
      expect(q.get('lock')).toBe('beta');
      expect(q.get('seed')).toBe('4');
      await page.getByTestId('lesson-embed').selectOption('six-cases');
      expect(await page.getByTestId('lesson-iframe').inputValue()).toMatch(/^<iframe src="[^"]*embed=six-cases"/);

      await page.goto(link);
      await page.waitForFunction(() => window.ppoLab !== undefined);
      await waitForBackend(page);
      expect(await count(page, '[data-testid=reward-chart]')).toBe(0);
      expect(await count(page, '[data-param=task]')).toBe(0); // the run setup group
      expect(await page.getByTestId('beta-slider').isDisabled()).toBe(true);
      expect(await page.evaluate(() => window.ppoLab!.config()!.seed)).toBe(4);
      expect(lab.consoleErrors).toEqual([]);
    } finally {
      await lab.close();
    }
  });
});
