/**
 * The Learn view in a real browser: every chapter opens from its link with an h2 naming its
 * subject and KaTeX formulas, its widget answers a control (the readout moves the right way),
 * and its "Try it in the lab" link opens the lab with the chapter's config.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { decodeLink } from '../../src/engine/link';
import { openLab, waitForBackend, type Lab } from './harness';

/** The lab behind the Learn view trains on wasm: light and deterministic. */
const BACKEND = 'backend=wasm';

const readout = async (page: Page, id: string): Promise<string> => (await page.getByTestId(id).getAttribute('data-value')) ?? '';
const num = async (page: Page, id: string): Promise<number> => Number.parseFloat(await readout(page, id));
/** Moves a range input to its minimum or maximum with the keyboard (as a keyboard user would). */
async function slideTo(page: Page, id: string, end: 'Home' | 'End'): Promise<void> {
  await page.getByTestId(id).focus();
  await page.keyboard.press(end);
}

interface ChapterCheck {
  n: number;
  /** A word the h2 must contain. */
  subject: RegExp;
  /** Drives the widget and asserts how its readout moved. */
  widget: (page: Page) => Promise<void>;
}

const CHECKS: ChapterCheck[] = [
  {
    n: 1,
    subject: /objective/i,
    widget: async (page) => {
      const before = await num(page, 'ch1-J');
      await slideTo(page, 'ch1-logit-D', 'End');
      await expect.poll(() => num(page, 'ch1-J')).toBeGreaterThan(before);
    },
  },
  {
    n: 2,
    subject: /log-derivative/i,
    widget: async (page) => {
      await slideTo(page, 'ch2-n', 'Home');
      const fewSpread = await num(page, 'ch2-spread');
      const fewVar = await num(page, 'ch2-variance');
      await slideTo(page, 'ch2-n', 'End');
      await expect.poll(() => num(page, 'ch2-spread')).toBeLessThan(fewSpread / 5);
      expect(await num(page, 'ch2-variance')).toBeLessThan(fewVar / 100);
      const noBaseline = await num(page, 'ch2-variance');
      await page.getByTestId('ch2-baseline-J').click();
      await expect.poll(() => num(page, 'ch2-variance')).toBeLessThan(noBaseline);
    },
  },
];

describe('Learn view', () => {
  let lab: Lab;
  const url = (query: string) => `${inject('labUrl')}/?${query}`;
  beforeAll(async () => {
    lab = await openLab(`view=learn&chapter=1&${BACKEND}`);
    await lab.page.setViewportSize({ width: 1280, height: 900 });
  });
  afterAll(async () => {
    await lab?.close();
  });

  it.each(CHECKS)(
    'chapter $n opens by link, with its h2, formulas and a widget that responds',
    async ({ n, subject, widget }) => {
      const { page } = lab;
      await page.goto(url(`view=learn&chapter=${n}&${BACKEND}`));
      const chapter = page.getByTestId(`chapter-${n}`);
      await chapter.waitFor();
      await expect.poll(() => chapter.locator('h2').first().textContent()).toMatch(subject);
      expect(await chapter.locator('.katex').count()).toBeGreaterThan(2);
      await widget(page);
      expect(lab.consoleErrors).toEqual([]);
    },
  );

  it('the sidebar and the pager move between chapters from the keyboard', async () => {
    const { page } = lab;
    await page.goto(url(`view=learn&chapter=1&${BACKEND}`));
    await page.getByTestId('chapter-1').waitFor();
    await page.getByTestId('learn-next').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('chapter-2').waitFor();
    await page.getByTestId('learn-nav-1').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('chapter-1').waitFor();
  });

  it('a chapter that does not exist shows chapter 1 and says so', async () => {
    const { page } = lab;
    await page.goto(url(`view=learn&chapter=42&${BACKEND}`));
    await page.getByTestId('chapter-1').waitFor();
    expect(await page.getByTestId('learn-missing').textContent()).toContain('42');
  });

  it('“Try it in the lab” opens the lab with the chapter’s config', async () => {
    const { page } = lab;
    await page.goto(url(`view=learn&chapter=2&${BACKEND}`));
    const href = (await page.getByTestId('try-it').getAttribute('href')) ?? '';
    const expected = decodeLink(href).config;
    await page.getByTestId('try-it').click();
    await page.waitForFunction(() => window.ppoLab !== undefined);
    await waitForBackend(page);
    const config = await page.evaluate(() => window.ppoLab!.config());
    expect(config).toEqual(expected);
    expect(config?.task).toBe('bandit');
    await expect.poll(() => page.getByTestId('tab-lab').getAttribute('aria-current')).toBe('page');
  });
});
