/**
 * Browser test harness: opens the built lab (served by global-setup.ts) in a fresh headless
 * Chromium and gives tests the page, the console errors seen so far, and helpers that wait
 * on `window.ppoLab` (src/worker/automation.ts), never on fixed delays.
 */
import type { Page } from 'playwright-core';
import { inject } from 'vitest';
import { launchChromium } from '../../src/cli/chromium';
import { encodeLink } from '../../src/engine/link';
import { defaultConfig, type Config } from '../../src/engine/params';
import type { Metrics } from '../../src/engine/metrics';
import type { LabError } from '../../src/worker/automation';
import type { BackendInfo } from '../../src/worker/protocol';

export interface Lab {
  page: Page;
  /** console.error messages and uncaught errors of the page and its workers, as they come. */
  consoleErrors: string[];
  close(): Promise<void>;
}

/** A config small enough that every backend runs an iteration in seconds (WebGPU's first one aside). */
export const TINY: Partial<Config> = { task: 'sort', model: 'small', batch: 8, epochs: 1, minibatches: 2, seed: 3 };

/** The lab link (query string) of a config: defaults plus `overrides`. */
export function linkFor(overrides: Partial<Config>): string {
  return encodeLink({ ...defaultConfig(overrides.task), ...overrides });
}

/**
 * Opens the lab with a link query (`backend=wasm&…`); `webgpu` adds Chromium's SwiftShader WebGPU
 * flags; `plain` opens the copy served without COOP/COEP (a page that is not cross-origin isolated).
 */
export async function openLab(query = '', opts: { webgpu?: boolean; plain?: boolean } = {}): Promise<Lab> {
  const chromium = await launchChromium({ webgpu: opts.webgpu });
  const consoleErrors: string[] = [];
  try {
    const page = chromium.context.pages()[0] ?? (await chromium.context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`console: ${m.text()}${m.location().url ? ` (${m.location().url})` : ''}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`page: ${e.message}`));
    page.on('worker', (w) =>
      w.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(`worker: ${m.text()}`);
      }),
    );
    const q = query.startsWith('?') ? query.slice(1) : query;
    await page.goto(`${inject(opts.plain ? 'plainUrl' : 'labUrl')}/${q ? `?${q}` : ''}`);
    await page.waitForFunction(() => window.ppoLab !== undefined, null, { timeout: 30_000 });
    return { page, consoleErrors, close: () => chromium.close() };
  } catch (e) {
    await chromium.close();
    throw e;
  }
}

/** Waits for the worker's `ready` and returns the backend it runs on. */
export async function waitForBackend(page: Page, timeoutMs = 60_000): Promise<BackendInfo> {
  try {
    // Polled on a timer, as the other waits here are: the default polls on animation frames, which a
    // headless page can stop drawing (a run once timed out here with the state already 'ready').
    await page.waitForFunction(() => window.ppoLab!.backend() !== null || window.ppoLab!.state() === 'error', null, {
      timeout: timeoutMs,
      polling: 100,
    });
  } catch (e) {
    // Say where the start stopped, should it ever stop here again.
    const seen = await page.evaluate(() => ({ state: window.ppoLab!.state(), notices: window.ppoLab!.notices() }));
    throw new Error(`the worker did not report ready in ${timeoutMs} ms: ${JSON.stringify(seen)}`, { cause: e });
  }
  const info = await page.evaluate(() => window.ppoLab!.backend());
  if (!info) throw new Error(`the lab did not start: ${JSON.stringify(await errors(page))}`);
  return info;
}

export const errors = (page: Page): Promise<LabError[]> => page.evaluate(() => window.ppoLab!.errors());

const FAILURES = ['nan', 'crash', 'internal', 'checkpoint'];

/** Waits until the current run has `n` iterations; fails at once on an error that stops training. */
export async function waitForIterations(page: Page, n: number, timeoutMs = 120_000): Promise<Metrics[]> {
  await page.waitForFunction(
    ([n, failures]) => window.ppoLab!.iterationCount() >= n || window.ppoLab!.errors().some((e) => failures.includes(e.kind)),
    [n, FAILURES] as const,
    { timeout: timeoutMs, polling: 100 },
  );
  const failure = (await errors(page)).find((e) => FAILURES.includes(e.kind));
  if (failure) throw new Error(`training failed: ${failure.kind}: ${failure.message}`);
  return page.evaluate(() => window.ppoLab!.iterations());
}

/** Waits for the run state the worker last reported. */
export async function waitForState(page: Page, state: string, timeoutMs = 120_000): Promise<void> {
  await page.waitForFunction((s) => window.ppoLab!.state() === s, state, { timeout: timeoutMs, polling: 50 });
}
