/**
 * Soak (issue 14.12): over five thousand iterations of the bandit in Chromium, the worker's
 * tfjs tensors stay flat and the page's heap levels off: whatever the page keeps per
 * iteration is bounded (the charts' history merges rows past its cap, the run record and
 * ppoLab keep the last MAX_METRICS and MAX_ITERATIONS metrics). The bandit with a batch of two
 * runs a hundred or more iterations a second, so this stays under a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { HISTORY_CAP } from '../../src/ui/data/lab-data';
import { MAX_METRICS, TOKEN_ITERATIONS } from '../../src/ui/data/run-record';
import { MAX_ITERATIONS } from '../../src/worker/automation';
import { linkFor, openLab, waitForBackend, type Lab } from './harness';

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
/**
 * Plain objects alive in the page (queryObjects collects garbage first): a count that does not
 * drift with allocator noise the way heap bytes do, and that a per-iteration leak of metrics or
 * rows (each one object) moves by one per iteration.
 */
async function plainObjects(cdp: CDPSession): Promise<number> {
  const { result: proto } = await cdp.send('Runtime.evaluate', { expression: 'Object.prototype', objectGroup: 'soak' });
  const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.objectId!, objectGroup: 'soak' });
  const { result } = await cdp.send('Runtime.callFunctionOn', {
    objectId: objects.objectId!,
    functionDeclaration: 'function () { return this.length; }',
    returnByValue: true,
  });
  await cdp.send('Runtime.releaseObjectGroup', { objectGroup: 'soak' });
  return result.value as number;
}

/**
 * Resolves once the run has `n` iterations: one evaluate that listens to ppoLab, rather than
 * polling, so the test's own calls do not pile objects up in the heap it measures.
 */
const untilCount = (page: Page, n: number) =>
  page.evaluate(
    (n) =>
      new Promise<void>((resolve) => {
        const lab = window.ppoLab!;
        if (lab.iterationCount() >= n) return resolve();
        const off = lab.subscribe(() => {
          if (lab.iterationCount() < n) return;
          off();
          resolve();
        });
      }),
    n,
  );

const LEVEL_FROM = HISTORY_CAP + 100;
/**
 * Iterations sampled after the lists are full. Heap readings drift by one to three megabytes either
 * way between samples (seen over twenty CI runs), whatever the page does: over 3,000 iterations that
 * is under 1 KB an iteration, well inside the bound below, while the leak this test was written for
 * (~3 KB an iteration) stays above it.
 */
const AFTER_FULL = 3000;
const ITERATIONS = LEVEL_FROM + AFTER_FULL;

interface Sample {
  at: number;
  heap: number;
  objects: number;
  tensors: number | null;
  memory: unknown;
}

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
    const samples: Sample[] = [];
    for (const at of [100, LEVEL_FROM, ITERATIONS]) {
      await untilCount(page, at);
      await page.evaluate(() => window.ppoLab!.send({ type: 'pause' }));
      await page.waitForFunction(() => window.ppoLab!.state() === 'paused');
      samples.push({
        at: await page.evaluate(() => window.ppoLab!.iterationCount()),
        heap: await heapAfterGc(cdp),
        objects: await plainObjects(cdp),
        tensors: await page.evaluate(() => window.ppoLab!.numTensors()),
        memory: await page.evaluate(() => window.ppoLab!.memory()),
      });
      await page.evaluate(() => window.ppoLab!.send({ type: 'resume' }));
    }
    console.log(JSON.stringify(samples.map(({ at, heap, objects, tensors }) => ({ at, heap, objects, tensors }))));
    // Tensors: the same count at every sample.
    expect(new Set(samples.map((s) => s.tensors)).size).toBe(1);
    // What the page retains stops at its caps.
    expect(to(samples).memory).toMatchObject({
      historyRows: HISTORY_CAP,
      iterationsKept: MAX_ITERATIONS,
      recordedMetrics: MAX_METRICS,
      recordedTokens: TOKEN_ITERATIONS,
      markers: 0,
    });
    // Once the history is full, the heap levels off. Objects are counted exactly: keeping one
    // iteration's metrics (or one chart row) costs at least one object per iteration, as the
    // filling history does before the cap. Heap bytes drift between readings (AFTER_FULL), so
    // their bound only catches a leak of the size the issue measured (~3 KB an iteration).
    const [first, full, last] = samples as [Sample, Sample, Sample];
    const objectsBefore = (full.objects - first.objects) / (full.at - first.at);
    const objectsAfter = (last.objects - full.objects) / (last.at - full.at);
    const bytesAfter = (last.heap - full.heap) / (last.at - full.at);
    console.log(
      JSON.stringify({ objectsBefore, objectsAfter, bytesBefore: (full.heap - first.heap) / (full.at - first.at), bytesAfter }),
    );
    expect(objectsBefore).toBeGreaterThan(1);
    expect(objectsAfter).toBeLessThan(Math.min(2, objectsBefore / 2));
    expect(bytesAfter).toBeLessThan(2048);
    expect(lab.consoleErrors).toEqual([]);
  });
});
