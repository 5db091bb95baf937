/**
 * Backend selection in the worker, seen from the page: forcing each backend through the lab
 * link shows it in the status bar and trains on it; failures fall back with a notice.
 */
import { describe, expect, it } from 'vitest';
import type { BackendName } from '../../src/worker/protocol';
import { errors, linkFor, openLab, TINY, waitForBackend, waitForIterations, waitForState } from './harness';

const DESCRIPTION: Record<BackendName, RegExp> = {
  webgpu: /^WebGPU on .*swiftshader.*, with the lab's GPU programs for LayerNorm, attention and Adam$/i,
  webgl: /^WebGL 2 on .*SwiftShader.*, with the lab's GPU programs for LayerNorm and Adam$/,
  // The production build is minified: this also guards the threaded-wasm fix in vite.config.ts.
  wasm: /^WebAssembly, SIMD, multithreaded build/,
  cpu: /plain JavaScript/,
};

describe('forcing a backend', () => {
  it.each(['wasm', 'webgl', 'cpu', 'webgpu'] as const)(
    'backend=%s is chosen, shown in the page, and trains (webgpu: see webgpu-agrees)',
    async (backend) => {
      const lab = await openLab(linkFor({ ...TINY, backend }), { webgpu: backend === 'webgpu' });
      try {
        const info = await waitForBackend(lab.page);
        expect(info.name).toBe(backend);
        expect(info.fallback).toBe(false);
        expect(info.description).toMatch(DESCRIPTION[backend]);
        await expect.poll(() => lab.page.getByTestId('backend').textContent()).toContain(backend);
        if (backend === 'wasm') expect(await lab.page.evaluate(() => crossOriginIsolated)).toBe(true);
        // WebGPU's first step compiles its shaders for ~30 s over SwiftShader: the other tests train on it.
        if (backend !== 'webgpu') {
          await lab.page.getByTestId('step').click();
          const [m] = await waitForIterations(lab.page, 1);
          expect(m!.iter).toBe(1);
          expect(Number.isFinite(m!['loss/total'])).toBe(true);
          await waitForState(lab.page, 'paused');
        }
        expect(lab.consoleErrors).toEqual([]);
        expect(await errors(lab.page)).toEqual([]);
      } finally {
        await lab.close();
      }
    },
  );
});

describe('when a backend cannot run', () => {
  it('auto without a WebGPU adapter says why WebGPU was skipped', async () => {
    const lab = await openLab(linkFor({ ...TINY, backend: 'auto' }));
    try {
      const info = await waitForBackend(lab.page);
      expect(info.name).not.toBe('webgpu');
      expect(info.fallback).toBe(false);
      expect(info.skipped.find((s) => s.name === 'webgpu')?.reason).toMatch(/requestAdapter\(\) returned no adapter/);
      expect(lab.consoleErrors).toEqual([]);
    } finally {
      await lab.close();
    }
  });

  it('auto passes over GPUs emulated in software (SwiftShader) for wasm, saying why', async () => {
    const lab = await openLab(linkFor({ ...TINY, backend: 'auto' }), { webgpu: true });
    try {
      const info = await waitForBackend(lab.page);
      expect(info.name).toBe('wasm');
      const why = Object.fromEntries(info.skipped.map((s) => [s.name, s.reason]));
      expect(why.webgpu).toMatch(/software renderer, slower than wasm here \(backend=webgpu forces it\)/);
      expect(why.webgl).toMatch(/SwiftShader.*software renderer, slower than wasm here \(backend=webgl forces it\)/);
      // wasm was timed (the only one left), and that choice is remembered: a reload starts it without timing.
      expect(info.description).toMatch(/fastest warm-up measured now: [\d.]+ ms \(the only one that started\)$/);
      await lab.page.reload();
      const again = await waitForBackend(lab.page);
      expect(again.name).toBe('wasm');
      expect(again.description).toMatch(/fastest warm-up on an earlier visit: [\d.]+ ms/);
      expect(lab.consoleErrors).toEqual([]);
    } finally {
      await lab.close();
    }
  });

  it('a forced WebGPU without an adapter falls back (passing over software WebGL) with a visible notice, and trains', async () => {
    const lab = await openLab(linkFor({ ...TINY, backend: 'webgpu' }));
    try {
      const info = await waitForBackend(lab.page);
      expect(info.fallback).toBe(true);
      expect(info.name).toBe('wasm');
      expect((await errors(lab.page)).map((e) => e.kind)).toEqual(['backend']);
      await expect.poll(() => lab.page.getByTestId('error').first().textContent()).toMatch(/webgpu/i);
      await expect.poll(() => lab.page.getByTestId('backend').textContent()).toContain(info.name);
      await lab.page.getByTestId('step').click();
      await waitForIterations(lab.page, 1);
    } finally {
      await lab.close();
    }
  });

  it('an unknown backend in the link gets a clear message, not a crash', async () => {
    const lab = await openLab(`${linkFor({ ...TINY, backend: 'wasm' }).replace('backend=wasm', 'backend=metal')}`);
    try {
      await expect
        .poll(() => lab.page.getByTestId('error').first().textContent(), { timeout: 30_000 })
        .toMatch(/backend must be one of auto\|webgpu\|webgl\|wasm\|cpu; got "metal"/);
      // The lab still runs, on the default backend.
      const info = await waitForBackend(lab.page);
      expect(info.fallback).toBe(false);
      expect(lab.consoleErrors).toEqual([]);
    } finally {
      await lab.close();
    }
  });
});
