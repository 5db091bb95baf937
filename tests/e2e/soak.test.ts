/**
 * Soak (issue 14.12): over two thousand iterations of the bandit in Chromium, the worker's
 * tfjs tensors stay flat and the page's heap levels off: whatever the page keeps per
 * iteration is bounded (the charts' history merges rows past its cap, ppoLab keeps the
 * last MAX_ITERATIONS metrics). The bandit with a tiny batch runs hundreds of iterations a
 * second of wall time, so this stays short.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession } from 'playwright-core';
import { HISTORY_CAP } from '../../src/ui/data/lab-data';
import { MAX_ITERATIONS } from '../../src/worker/automation';
import { linkFor, openLab, waitForBackend, waitForIterations, type Lab } from './harness';

/** Heap in use after a forced collection, in bytes: the least of three readings, to damp what is in flight. */
async function heapAfterGc(cdp: CDPSession): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < 3; i++) {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    least = Math.min(least, usedSize);
  }
  return least;
}

/** The heap is sampled once the page's bounded lists are full (the history is the last to fill), then twice more. */
const LEVEL_FROM = HISTORY_CAP + 100;
const ITERATIONS = LEVEL_FROM + 1000;

const to = <T>(xs: T[]): T => xs[xs.length - 1]!;

describe('soak', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await openLab(linkFor({ task: 'bandit', backend: 'wasm', batch: 2, minibatches: 1, epochs: 1, seed: 5 }) + '&view=lab');
    await waitForBackend(lab.page);
  });
  afterAll(() => lab?.close());

  it(`${ITERATIONS} bandit iterations: flat tensors, a heap that levels off`, async () => {
    const { page } = lab;
    const cdp = await page.context().newCDPSession(page);
    await page.getByTestId('start').click();
    const samples: { at: number; heap: number; tensors: number | null; memory: unknown }[] = [];
    for (const at of [100, LEVEL_FROM, ITERATIONS]) {
      await waitForIterations(page, at, 600_000);
      await page.evaluate(() => window.ppoLab!.send({ type: 'pause' }));
      await page.waitForFunction(() => window.ppoLab!.state() === 'paused');
      samples.push({
        at: await page.evaluate(() => window.ppoLab!.iterationCount()),
        heap: await heapAfterGc(cdp),
        tensors: await page.evaluate(() => window.ppoLab!.numTensors()),
        memory: await page.evaluate(() => window.ppoLab!.memory()),
      });
      await page.evaluate(() => window.ppoLab!.send({ type: 'resume' }));
    }
    console.log(JSON.stringify(samples.map(({ at, heap, tensors }) => ({ at, heap, tensors }))));
    // Tensors: the same count at every sample.
    expect(new Set(samples.map((s) => s.tensors)).size).toBe(1);
    // What the page retains stops at its caps.
    expect(to(samples).memory).toMatchObject({ historyRows: HISTORY_CAP, iterationsKept: MAX_ITERATIONS, markers: 0 });
    // Heap: from LEVEL_FROM on, well under the ~4 KB per iteration the unbounded lists cost.
    const from = samples[1]!;
    const last = to(samples);
    const perIteration = (last.heap - from.heap) / (last.at - from.at);
    expect(perIteration).toBeLessThan(1024);
    expect(lab.consoleErrors).toEqual([]);
  });
});
