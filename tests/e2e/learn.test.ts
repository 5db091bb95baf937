/**
 * The Learn view in a real browser: every chapter opens from its link with an h2 naming its
 * subject and KaTeX formulas, its widget answers a control (the readout moves the right way),
 * and its "Try it in the lab" link opens the lab with the chapter's config.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { decodeLink } from '../../src/engine/link';
import { linkFor, openLab, TINY, waitForBackend, waitForIterations, type Lab } from './harness';

/** The lab behind the Learn view trains on wasm: light and deterministic. */
const BACKEND = 'backend=wasm';
const TINY_WASM = linkFor({ ...TINY, backend: 'wasm' });

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
      // Measured on the same draws: the baseline narrows the spread of the estimates.
      expect(await num(page, 'ch2-spread')).toBeLessThan(await num(page, 'ch2-spread-plain'));
      // The plot names its y axis, and the exact value's label is painted over the dots, not under them.
      const strip = await page.getByTestId('ch2-strip').evaluate((fig) => {
        const children = [...fig.querySelector('svg')!.children];
        const exact = children.findIndex((c) => c.tagName === 'text' && c.textContent?.startsWith('exact '));
        const lastDot = children.map((c) => c.tagName).lastIndexOf('circle');
        return { names: children.map((c) => c.textContent), exact, lastDot };
      });
      expect(strip.names).toContain('estimate of ∂J/∂z_D');
      expect(strip.lastDot).toBeGreaterThan(0);
      expect(strip.exact).toBeGreaterThan(strip.lastDot);
    },
  },
  {
    n: 3,
    subject: /GAE/,
    widget: async (page) => {
      await page.getByTestId('ch3-td').click();
      const td = await num(page, 'ch3-a1');
      await page.getByTestId('ch3-mc').click();
      // With γ = 1 and λ = 1 the final score reaches token 1: A_1 = total reward − V_1.
      await expect.poll(() => num(page, 'ch3-a1')).toBeGreaterThan(td);
      const total = await num(page, 'ch3-total-reward');
      expect(await num(page, 'ch3-a1')).toBeCloseTo(total - 0.3, 3);
      await slideTo(page, 'ch3-beta', 'End');
      await expect.poll(() => num(page, 'ch3-total-reward')).toBeLessThan(total);
    },
  },
  {
    n: 4,
    subject: /ratio/i,
    widget: async (page) => {
      const token = await num(page, 'ch4-token-std');
      const seq = await num(page, 'ch4-seq-std');
      await slideTo(page, 'ch4-length', 'End');
      await expect.poll(() => num(page, 'ch4-seq-std')).toBeGreaterThan(seq);
      expect(await num(page, 'ch4-token-std')).toBe(token);
      await slideTo(page, 'ch4-step', 'Home');
      await expect.poll(() => num(page, 'ch4-token-std')).toBe(0);
      expect(await num(page, 'ch4-product')).toBe(1);
    },
  },
  {
    n: 5,
    subject: /clipped surrogate/i,
    widget: async (page) => {
      expect(await num(page, 'ch5-case')).toBe(1);
      expect(await num(page, 'ch5-grad')).toBe(1);
      await slideTo(page, 'ch5-r', 'End');
      await expect.poll(() => num(page, 'ch5-case')).toBe(5);
      expect(await num(page, 'ch5-grad')).toBe(0);
      await slideTo(page, 'ch5-a', 'Home');
      await expect.poll(() => num(page, 'ch5-case')).toBe(6);
      expect(await num(page, 'ch5-grad')).toBe(-2);
      const grpoShare = await readout(page, 'ch5-short-share');
      expect(grpoShare).toBe('50%');
      await page.getByTestId('ch5-loss-bnpo').check();
      await expect.poll(() => readout(page, 'ch5-short-share')).toBe('20%');
    },
  },
  {
    n: 6,
    subject: /KL/,
    widget: async (page) => {
      await slideTo(page, 'ch6-drift', 'Home');
      await expect.poll(() => num(page, 'ch6-kl')).toBe(0);
      await slideTo(page, 'ch6-drift', 'End');
      await expect.poll(() => num(page, 'ch6-kl')).toBeGreaterThan(0.1);
      expect(Number(await page.getByTestId('ch6-neg-k1').getAttribute('data-value'))).toBeGreaterThan(0);
      expect(Number(await page.getByTestId('ch6-neg-k3').getAttribute('data-value'))).toBe(0);
      expect(Math.abs(Number(await page.getByTestId('ch6-bias-k3').getAttribute('data-value')))).toBeLessThan(1e-9);
      expect(Number(await page.getByTestId('ch6-bias-k2').getAttribute('data-value'))).not.toBe(0);
      const beta = await num(page, 'ch6-beta');
      await slideTo(page, 'ch6-target', 'Home');
      // A lower KL target needs a stronger guardrail.
      await expect.poll(() => num(page, 'ch6-beta')).toBeGreaterThan(beta);
    },
  },
  {
    n: 7,
    subject: /composite loss/i,
    widget: async (page) => {
      await page.getByTestId('ch7-example').waitFor();
      const value = await num(page, 'ch7-value');
      const total = await num(page, 'ch7-total');
      await slideTo(page, 'ch7-cv', 'End');
      await expect.poll(() => num(page, 'ch7-value')).toBeGreaterThan(value);
      expect(await num(page, 'ch7-total')).toBeGreaterThan(total);
      await slideTo(page, 'ch7-cent', 'End');
      await expect.poll(() => num(page, 'ch7-entropy')).toBeLessThan(0);
    },
  },
  {
    n: 8,
    subject: /GRPO/,
    widget: async (page) => {
      const a1 = await num(page, 'ch8-a1');
      expect(a1).toBeGreaterThan(0);
      await slideTo(page, 'ch8-r1', 'Home');
      await expect.poll(() => num(page, 'ch8-a1')).toBeLessThan(0);
      await page.getByTestId('ch8-equal').click();
      await expect.poll(() => readout(page, 'ch8-signal')).toMatch(/none/);
      expect(await num(page, 'ch8-a1')).toBe(0);
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

  it('a newcomer on the lab sees the task and algorithm pickers first, and a way to Learn', async () => {
    const { page } = lab;
    await page.evaluate(() => localStorage.clear());
    await page.goto(url(BACKEND));
    const controls = page.locator('aside.controls');
    const firstTwo = await controls.locator('select, input').evaluateAll((els) => els.slice(0, 2).map((e) => e.dataset.testid));
    expect(firstTwo).toEqual(['task-select', 'algo-select']);
    await page.getByTestId('welcome-learn').click();
    await page.getByTestId('chapter-1').waitFor();
    await page.getByTestId('tab-lab').click();
    await page.getByTestId('welcome-dismiss').click();
    expect(await page.getByTestId('welcome').count()).toBe(0);
    await page.reload();
    await page.getByTestId('task-select').waitFor();
    expect(await page.getByTestId('welcome').count()).toBe(0);
  });

  it('chapter 6 links to the gallery’s KL experiments, and one opens with its card', async () => {
    const { page } = lab;
    await page.goto(url(`view=learn&chapter=6&${BACKEND}`));
    for (const name of ['negative-kl', 'kl-where', 'reward-hacking']) await page.getByTestId(`experiment-link-${name}`).waitFor();
    await page.getByTestId('experiment-link-negative-kl').click();
    await page.getByTestId('experiment-card-negative-kl').waitFor();
    await expect.poll(() => page.getByTestId('tab-experiments').getAttribute('aria-current')).toBe('page');
  });

  it('a chapter that does not exist shows chapter 1 and says so', async () => {
    const { page } = lab;
    await page.goto(url(`view=learn&chapter=42&${BACKEND}`));
    await page.getByTestId('chapter-1').waitFor();
    expect(await page.getByTestId('learn-missing').textContent()).toContain('42');
  });

  it('chapter 5 shows the cases of real tokens once the lab has trained a minibatch', async () => {
    const { page } = lab;
    await page.goto(url(`view=learn&chapter=5&${TINY_WASM}`));
    await waitForBackend(page);
    await page.getByTestId('ch5-step').click();
    await page.getByTestId('ch5-live-table').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('ch5-live-table').locator('tbody tr').count()).toBeGreaterThan(0);
    // The gradient this chapter computes agrees with the engine's on every token.
    const agree = (await page.getByTestId('ch5-live-agree').textContent()) ?? '';
    const [, a, b] = /on (\d+) of (\d+) tokens/.exec(agree) ?? [];
    expect(Number(b)).toBeGreaterThan(0);
    expect(a).toBe(b);
  });

  it('chapter 7 draws the live run’s loss terms after an iteration', async () => {
    const { page } = lab;
    await page.goto(url(`view=learn&chapter=7&${TINY_WASM}`));
    await waitForBackend(page);
    await page.getByTestId('step').click();
    await waitForIterations(page, 1);
    await expect.poll(() => page.getByTestId('ch7-example').count()).toBe(0);
    // With the sliders at the run's coefficients, the recomputed total is the engine's.
    expect(await num(page, 'ch7-total')).toBeCloseTo(await num(page, 'ch7-engine-total'), 3);
  });

  it('“Try it in the lab” of chapter 6 opens the sentiment task with β = 0', async () => {
    const { page } = lab;
    await page.goto(url(`view=learn&chapter=6&${BACKEND}`));
    const href = (await page.getByTestId('try-it').getAttribute('href')) ?? '';
    const expected = decodeLink(href).config;
    await page.getByTestId('try-it').click();
    await page.waitForFunction(() => window.ppoLab !== undefined);
    await waitForBackend(page);
    const config = await page.evaluate(() => window.ppoLab!.config());
    expect(config).toEqual(expected);
    expect(config?.task).toBe('sentiment');
    // The backend in use travels with the link; the chapter's settings come from the chapter.
    expect(config?.backend).toBe('wasm');
    expect(config?.beta).toBe(0);
    await expect.poll(() => page.getByTestId('tab-lab').getAttribute('aria-current')).toBe('page');
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
