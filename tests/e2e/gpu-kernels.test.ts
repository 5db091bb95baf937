/**
 * The lab's GPU kernels (src/engine/gpu-kernels) compute what the plain ops compute: LayerNorm's
 * forward and backward passes, the paired sampler's LayerNorm and three Adam steps on WebGL and
 * WebGPU, and on WebGPU also attention (a whole sequence with its gradient, and a sampling step),
 * log softmax with its gradient, the embeddings and their gradient, column sums, and joins and cuts
 * by buffer copies; each on SwiftShader here, against the cpu backend's plain ops in the same page.
 *
 * Tolerance 1e-5 relative to the largest value: the GPU sums a row in order where tfjs's
 * mean reduces it in its own order, so float32 rounding differs in the last bits (measured: a
 * few 1e-7). A wrong index or a missing term is off by the order of the values themselves.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { launchChromium } from '../../src/cli/chromium';
import type { KernelCheck } from './gpu-kernels-page';

const PAGE = fileURLToPath(new URL('./gpu-kernels-page.ts', import.meta.url));
const TOLERANCE = 1e-5;
/** Every quantity the page compares (gpu-kernels-page.ts). */
const CHECKED = [
  ...['y', 'dx', 'dg', 'db', 'paired', 'adam0', 'adam1', 'adam2'],
  ...['attn', 'dAttn', 'attnStep', 'logp', 'dLogp', 'dTable', 'columnSums', 'embedded', 'dTokens', 'dPositions'],
  ...['concatRows', 'concatColumns', 'split', 'sliceRows', 'sliceInner', 'unstack'],
];

async function check(backend: 'webgl' | 'webgpu', webglVersion?: 1 | 2): Promise<KernelCheck> {
  const bundle = await build({
    entryPoints: [PAGE],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'error',
  });
  const chromium = await launchChromium({ webgpu: backend === 'webgpu' });
  try {
    const page = chromium.context.pages()[0] ?? (await chromium.context.newPage());
    // A blank page on the test server's origin: http://127.0.0.1 is a secure context, which WebGPU needs.
    const url = `${inject('plainUrl')}/gpu-kernel-check`;
    await page.route(url, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>GPU kernels</title>' }),
    );
    await page.goto(url);
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    return await page.evaluate(([b, v]) => window.checkGpuKernels(b, v), [backend, webglVersion] as const);
  } finally {
    await chromium.close();
  }
}

describe("the lab's GPU kernels", () => {
  // WebGL 1 too (GLSL ES 1.0, which some older browsers still give tfjs).
  it.each([
    ['WebGL 2', 'webgl', 2],
    ['WebGL 1', 'webgl', 1],
    ['WebGPU', 'webgpu', undefined],
  ] as const)('on %s agree with the plain ops and replace them', async (_, backend, version) => {
    const result = await check(backend, version);
    expect(Object.keys(result.diff).sort()).toEqual([...CHECKED].sort());
    for (const [name, { err, scale }] of Object.entries(result.diff)) {
      expect(scale, name).toBeGreaterThan(0.1);
      expect(err, `${name} on ${backend}: ${err} against values up to ${scale}`).toBeLessThanOrEqual(TOLERANCE * scale);
    }
    // The lab's kernels ran, and the plain ops they replace did not.
    for (const k of ['LabLayerNorm', 'LabLayerNormGrad', 'LabPairedLayerNorm', 'LabAdamFlat'])
      expect(result.gpuKernels).toContain(k);
    for (const k of ['Mean', 'Rsqrt', 'Sqrt']) expect(result.gpuKernels).not.toContain(k);
    expect(result.cpuKernels).toContain('Mean');
    // WebGPU's own: attention, log softmax and the embeddings as the lab's kernels (their
    // plain ops, softmax and one-hot, do not run), and contiguous joins and cuts as buffer copies.
    const webgpuOnly = ['LabAttention', 'LabAttentionGrad', 'LabLogSoftmax', 'LabEmbed', 'LabGatherRowsGrad'];
    for (const k of webgpuOnly) expect(result.gpuKernels.includes(k), k).toBe(backend === 'webgpu');
    for (const k of ['Softmax', 'OneHot']) expect(result.gpuKernels.includes(k), k).toBe(backend !== 'webgpu');
    expect(result.copies > 0).toBe(backend === 'webgpu');
    expect(result.leaked).toBe(0);
    expect(result.webglVersion).toBe(version ?? null);
  });
});
