/**
 * WebGPU computes what the CPU computes. Same tiny run, same seed, three iterations on
 * WebGPU (Dawn over SwiftShader) and then on the cpu backend, in the same page.
 *
 * Tolerance: everything that depends only on the sampled tokens (rewards, lengths, task
 * scores) must be equal, so the two backends sampled the same tokens; every other metric
 * must agree within 1e-4 relative (|a − b| ≤ 1e-4 · max(1, |b|)), except those that count
 * tokens (clip fractions), which may differ by one token, should a ratio sit within float32
 * rounding of a clip edge. Measured here: the largest difference is ~1e-7 (float32 sums in a
 * different order), three orders of magnitude inside the tolerance. A bug such as tfjs 4.22's
 * WebGPU AddN past 7 inputs (every update read back zeros, until the trainer stopped using
 * addN) is far outside it.
 */
import { describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/engine/metrics';
import { defaultConfig } from '../../src/engine/params';
import { linkFor, openLab, TINY, waitForBackend, waitForIterations, waitForState } from './harness';

const ITERATIONS = 3;
const EXACT = ['reward/mean', 'reward/std', 'completions/mean_length', 'completions/max_length', 'task/'];
const COUNTED = ['policy/clipfrac', 'policy/clipfrac_low', 'policy/clipfrac_high', 'policy/clipfrac_cleanrl'];

/** Every scalar metric of a run (time/* aside), with arrays flattened: `kl/ref_by_position[2]`. */
function scalars(m: Metrics): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const [k, v] of Object.entries(m)) {
    if (k.startsWith('time/')) continue;
    if (typeof v === 'number' || v === null) out.set(k, v);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) v.forEach((x, i) => out.set(`${k}[${i}]`, x));
  }
  return out;
}

async function runOn(page: import('playwright-core').Page, backend: 'webgpu' | 'cpu'): Promise<Metrics[]> {
  await page.evaluate((c) => window.ppoLab!.send({ type: 'load-config', config: c }), {
    ...defaultConfig('sort'),
    ...TINY,
    backend,
  });
  await page.waitForFunction((b) => window.ppoLab!.backend()?.name === b && window.ppoLab!.state() === 'ready', backend, {
    timeout: 60_000,
  });
  await page.evaluate(() => window.ppoLab!.send({ type: 'start' }));
  const metrics = await waitForIterations(page, ITERATIONS, 180_000);
  await page.evaluate(() => window.ppoLab!.send({ type: 'pause' }));
  await waitForState(page, 'paused');
  return metrics.slice(0, ITERATIONS);
}

describe('WebGPU', () => {
  it(`agrees with the cpu backend over ${ITERATIONS} iterations from the same seed`, async () => {
    const lab = await openLab(linkFor({ ...TINY, backend: 'webgpu' }), { webgpu: true });
    try {
      expect((await waitForBackend(lab.page)).name).toBe('webgpu');
      const gpu = await runOn(lab.page, 'webgpu');
      const cpu = await runOn(lab.page, 'cpu');
      const tokens = cpu.map((m) => m['completions/mean_length'] * TINY.batch!);
      let compared = 0;
      for (let i = 0; i < ITERATIONS; i++) {
        const g = scalars(gpu[i]!);
        const c = scalars(cpu[i]!);
        expect([...g.keys()].sort()).toEqual([...c.keys()].sort());
        for (const [k, cv] of c) {
          const gv = g.get(k)!;
          const where = `iteration ${i + 1}, ${k}: webgpu ${gv}, cpu ${cv}`;
          if (cv === null || EXACT.some((e) => k.startsWith(e))) {
            expect(gv, where).toBe(cv);
          } else {
            const tolerance = COUNTED.includes(k) ? 1 / tokens[i]! + 1e-9 : 1e-4 * Math.max(1, Math.abs(cv));
            expect(Math.abs(gv - cv), where).toBeLessThanOrEqual(tolerance);
          }
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(ITERATIONS * 30);
      // The update really ran on both (the AddN bug made WebGPU's ratios and losses all zero).
      for (const m of gpu) expect(m['policy/ratio_mean']).toBeGreaterThan(0.5);
    } finally {
      await lab.close();
    }
  });
});
