/**
 * The fault suite in the browser (issue 14, items 1 to 5 and 9): a worker that dies without
 * a word, a restart that must keep the timeline, a spent crash budget, a NaN whose recovery
 * must address what the lab can see, controls that must show the value in force, and a notice
 * list that loses nothing. Bandit or tiny sort runs on wasm, so each takes seconds.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { WorkerEvent } from '../../src/worker/protocol';
import { errors, linkFor, openLab, waitForBackend, waitForIterations, waitForState } from './harness';

const BANDIT = linkFor({ task: 'bandit', backend: 'wasm', batch: 4, minibatches: 1, epochs: 1, seed: 2 });

/** Records the worker's events in the page, from now on, under window.seen. */
const record = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { seen: WorkerEvent[] };
    w.seen = [];
    window.ppoLab!.subscribe((e) => {
      if (e.type === 'params-queued' || e.type === 'ready' || e.type === 'error' || e.type === 'status') w.seen.push(e);
    });
  });
/** Waits for `n` iterations of the current run, whatever errors came before (the tests here cause them). */
async function waitForCount(page: Page, n: number) {
  await page.waitForFunction((n) => window.ppoLab!.iterationCount() >= n, n, { timeout: 120_000, polling: 100 });
  return page.evaluate(() => window.ppoLab!.iterations());
}
const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: WorkerEvent[] }).seen);

/** Kills the worker the way a browser does (no event) and waits for the page to notice and restart it. */
async function killSilently(page: Page, crashesBefore: number): Promise<void> {
  await page.evaluate(() => {
    window.ppoLab!.faults.silenceLimit(1500);
    window.ppoLab!.faults.terminateWorker();
  });
  await page.waitForFunction((n) => window.ppoLab!.errors().filter((e) => e.kind === 'crash').length > n, crashesBefore, {
    timeout: 30_000,
  });
  // Back to the page's own limit: a loaded machine may start the new worker slower than 1.5 s.
  await page.evaluate(() => window.ppoLab!.faults.silenceLimit(60_000));
}

describe('faults', () => {
  it('14.1 a worker killed without an error event is noticed while running, replaced, and training goes on', async () => {
    const lab = await openLab(BANDIT);
    const { page } = lab;
    try {
      await waitForBackend(page);
      await page.getByTestId('start').click();
      await waitForIterations(page, 3);
      await killSilently(page, 0);
      expect((await errors(page)).at(-1)!.message).toMatch(/stopped answering.*starts over from iteration 0.*training goes on/);
      // The new worker runs again, and Pause works on it.
      await page.waitForFunction(() => window.ppoLab!.state() === 'running' && window.ppoLab!.iterationCount() >= 2, null, {
        timeout: 60_000,
      });
      await page.getByTestId('pause').click();
      await waitForState(page, 'paused');
      await expect.poll(() => page.getByTestId('run-state').textContent()).toBe('paused');
    } finally {
      await lab.close();
    }
  });

  it('14.2 after a restart the timeline resumes where it was: an edit for iteration 12 stays at 12', async () => {
    const lab = await openLab(`${BANDIT}&edit=12:eps=0.1`);
    const { page } = lab;
    try {
      await waitForBackend(page);
      await record(page);
      await page.getByTestId('start').click();
      await waitForIterations(page, 4);
      await killSilently(page, 0);
      // Count the new run's iterations only: the old one may have run past 14 before the kill landed
      // (a bandit iteration takes milliseconds), and the new worker's ready starts the count over.
      await page.waitForFunction(
        () => (window as unknown as { seen: WorkerEvent[] }).seen.some((e) => e.type === 'ready' && e.restarted),
        null,
        { timeout: 60_000, polling: 100 },
      );
      const metrics = await waitForCount(page, 14);
      const queued = (await seen(page)).filter((e) => e.type === 'params-queued');
      expect(queued.length).toBeGreaterThan(0);
      for (const e of queued) expect(e).toMatchObject({ params: { eps: 0.1 }, atIteration: 12 });
      // The new run starts over and applies the edit at exactly iteration 12.
      expect(metrics[0]!.iter).toBe(1);
      expect(metrics[10]!.eps).toBe(0.2);
      expect(metrics[11]!.eps).toBe(0.1);
    } finally {
      await lab.close();
    }
  });

  it('14.3 with the crash budget spent the state says stopped, Start and Reset are off, and the one action offered reloads', async () => {
    const lab = await openLab(BANDIT);
    const { page } = lab;
    try {
      await waitForBackend(page);
      await page.getByTestId('start').click();
      await waitForIterations(page, 1);
      for (let i = 0; i < 4; i++) {
        await killSilently(page, i);
        // Three restarts are allowed (training goes on); the fourth death stops the page.
        if (i < 3) await page.waitForFunction(() => window.ppoLab!.state() === 'running');
      }
      await waitForState(page, 'stopped');
      expect((await errors(page)).at(-1)!.message).toMatch(/not restarted: reload the page/);
      await expect.poll(() => page.getByTestId('run-state').textContent()).toBe('stopped');
      expect(await page.getByTestId('start').isDisabled()).toBe(true);
      expect(await page.getByTestId('step').isDisabled()).toBe(true);
      expect(await page.getByTestId('reset').isDisabled()).toBe(true);
      // The keyboard cannot send the page into "loading" either.
      await page.keyboard.press('r');
      await expect.poll(() => page.getByTestId('run-state').textContent()).toBe('stopped');
      await page.getByTestId('reload').click();
      await page.waitForFunction(() => window.ppoLab !== undefined && window.ppoLab.errors().length === 0, null, {
        timeout: 30_000,
      });
      await waitForBackend(page);
      await page.getByTestId('start').click();
      await waitForIterations(page, 2);
    } finally {
      await lab.close();
    }
  });

  it('14.4 NaN recovery addresses the visible cause, never repeats what failed, never offers the impossible', async () => {
    // The link (the same without lr, max-grad-norm and epochs) no longer overflows since padding
    // is masked before the exp (issue 8.1); a learning rate at its maximum with no clipping still does.
    const lab = await openLab(
      'v=1&backend=wasm&algo=grpo&group=4&batch=32&kl-mode=loss&kl-estimator=k3&temperature=0.1&lr=0.1&max-grad-norm=0&epochs=8',
    );
    const { page } = lab;
    try {
      await waitForBackend(page);
      await page.getByTestId('start').click();
      const offered: string[] = [];
      for (let attempt = 0; attempt < 6; attempt++) {
        await page.waitForFunction(
          () => window.ppoLab!.errors().some((e) => e.kind === 'nan') || window.ppoLab!.iterationCount() >= 2,
          null,
          { timeout: 120_000 },
        );
        if (!(await page.evaluate(() => window.ppoLab!.errors().some((e) => e.kind === 'nan')))) break;
        const button = page.getByTestId('nan-recover');
        const id = (await button.getAttribute('data-recovery'))!;
        const label = (await button.textContent())!;
        expect(offered, `offered ${id} again`).not.toContain(id);
        // The visible causes come first: the low temperature, then the k3 estimator in the loss.
        if (offered.length === 0) expect(id).toBe('temperature');
        if (offered.length === 1) expect(id).toBe('estimator');
        offered.push(id);
        expect(label.length).toBeGreaterThan(0);
        // Apply it and go on (a structural fix resets: start again).
        const nans = await page.evaluate(() => window.ppoLab!.errors().filter((e) => e.kind === 'nan').length);
        await button.click();
        if (id === 'estimator') {
          await waitForState(page, 'ready');
          await page.getByTestId('start').click();
        }
        await page.waitForFunction(
          (n) =>
            window.ppoLab!.errors().filter((e) => e.kind === 'nan').length > n ||
            (window.ppoLab!.iterationCount() >= 2 && window.ppoLab!.state() === 'running'),
          nans,
          { timeout: 120_000 },
        );
        if ((await page.evaluate(() => window.ppoLab!.errors().filter((e) => e.kind === 'nan').length)) === nans) break;
      }
      expect(offered.length).toBeGreaterThan(0);
      await waitForCount(page, 2);
    } finally {
      await lab.close();
    }
  });

  it('14.5 controls show the value in force: a link edit moves slider, box and label; a link temperature can be undone', async () => {
    const lab = await openLab(`${BANDIT}&temperature=0.1&edit=3:eps=0.1`);
    const { page } = lab;
    try {
      await waitForBackend(page);
      await record(page);
      const eps = page.locator('[data-param=eps]');
      const temperature = page.locator('[data-param=temperature]');
      expect(await temperature.getByRole('spinbutton').inputValue()).toBe('0.1');
      expect(await temperature.locator('.param-value').textContent()).toMatch(/0\.1/);
      expect(await eps.getByRole('spinbutton').inputValue()).toBe('0.2');
      await page.getByTestId('start').click();
      await waitForIterations(page, 4);
      await page.getByTestId('pause').click();
      await waitForState(page, 'paused');
      await expect.poll(() => eps.getByRole('spinbutton').inputValue()).toBe('0.1');
      expect(await eps.locator('.param-value').textContent()).toMatch(/0\.1/);
      expect(await eps.getByRole('slider').inputValue()).toBe('0.1');
      // Typing the default temperature sends it: the link's value can be undone from the page.
      const box = temperature.getByRole('spinbutton');
      await box.fill('1');
      await box.press('Enter');
      await page.waitForFunction(() =>
        (window as unknown as { seen: WorkerEvent[] }).seen.some(
          (e) => e.type === 'params-queued' && (e.params as { temperature?: number }).temperature === 1,
        ),
      );
      expect(await temperature.locator('.param-value').textContent()).toMatch(/^1/);
    } finally {
      await lab.close();
    }
  });

  it('14.9 every notice is listed, with a count, each value cut short, and ppoLab lists them too', async () => {
    const long = 'B'.repeat(8000);
    const lab = await openLab(`${BANDIT}&a=1&b=2&c=3&d=4&e=5&f=6&g=7&eps=${long}`);
    const { page } = lab;
    try {
      await waitForBackend(page);
      const notices = await page.evaluate(() => window.ppoLab!.notices());
      for (const f of ['a', 'b', 'c', 'd', 'e', 'f', 'g'])
        expect(notices.some((n) => n.message === `unknown field "${f}" ignored`)).toBe(true);
      expect(notices.some((n) => /eps must be .*\(8000 characters\): default 0\.2 used/.test(n.message))).toBe(true);
      expect(notices).toHaveLength(8);
      await expect.poll(() => page.getByTestId('notice-count').textContent()).toBe('8');
      const shown = await page.getByTestId('error').allTextContents();
      expect(shown).toHaveLength(8);
      for (const text of shown) expect(text.length).toBeLessThan(400);
      await page.getByTestId('notices-toggle').click();
      expect(await page.getByTestId('error').count()).toBe(0);
      expect(await page.getByTestId('notice-count').textContent()).toBe('8');
      await page.getByTestId('notices-toggle').click();
      expect(await page.getByTestId('error').count()).toBe(8);
    } finally {
      await lab.close();
    }
  });
});
