/**
 * The lab's cpu kernels (src/engine/cpu-kernels.ts) give the wasm kernels' numbers bit for bit:
 * LayerNorm's two passes, the squared norm and the Adam step, on widths with and without a tail
 * past the last group of four. (The wasm kernels are tested against exact models and tfjs's own
 * ops in wasm-kernels.test.ts and adam.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ADAM_KERNEL, SQUARED_NORM_KERNEL, type AdamAttrs } from '../../src/engine/adam';
import { LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL } from '../../src/engine/ops';
import { Rng } from '../../src/engine/rng';
import { useBackend } from './helpers';

const rng = Rng.stream(11, 'init');
const randn = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

/** Runs `kernel` on `backend` with tensors made from `inputs`; every output's values. */
async function run(backend: string, kernel: string, inputs: Record<string, [Float32Array, number[]]>, attrs: object = {}) {
  await useBackend(backend);
  return tf.tidy(() => {
    const tensors = Object.fromEntries(Object.entries(inputs).map(([k, [data, shape]]) => [k, tf.tensor(data, shape)]));
    const out = tf.engine().runKernel(kernel, tensors, { ...attrs }) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
  });
}

async function sameOnBoth(kernel: string, inputs: Record<string, [Float32Array, number[]]>, attrs: object = {}) {
  const wasm = await run('wasm', kernel, inputs, attrs);
  const cpu = await run('cpu', kernel, inputs, attrs);
  await useBackend('wasm');
  expect(cpu).toEqual(wasm);
  // Not all zeros: a comparison of two blank outputs would pass too.
  for (const out of cpu) expect(out.values.some((v) => v !== 0)).toBe(true);
}

describe('the cpu kernels give the wasm kernels’ numbers bit for bit', () => {
  for (const d of [64, 7])
    it(`LayerNorm, rows of ${d}: forward and backward`, async () => {
      const rows = 5;
      await sameOnBoth(LAYER_NORM_KERNEL, { x: [randn(rows * d), [rows, d]], g: [randn(d), [d]], b: [randn(d), [d]] });
      const inv = Float32Array.from(randn(rows), (v) => Math.abs(v) + 0.5);
      await sameOnBoth(LAYER_NORM_GRAD_KERNEL, {
        dy: [randn(rows * d), [rows, d]],
        xhat: [randn(rows * d), [rows, d]],
        inv: [inv, [rows, 1]],
        g: [randn(d), [d]],
      });
    });

  const shapes = [[3, 5], [7], [1], [8, 4]];
  const each = (prefix: string): Record<string, [Float32Array, number[]]> =>
    Object.fromEntries(shapes.map((s, i) => [`${prefix}${i}`, [randn(s.reduce((a, b) => a * b, 1)), s]]));

  it('the squared norm of several gradients', async () => {
    await sameOnBoth(SQUARED_NORM_KERNEL, each('g'));
  });

  it('an Adam step', async () => {
    const size = shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
    const attrs: AdamAttrs = {
      scale: 0.37,
      beta1: 0.9,
      oneMinusBeta1: 1 - 0.9,
      beta2: 0.999,
      oneMinusBeta2: 1 - 0.999,
      oneMinusAcc1: Math.fround(1 - 0.81),
      oneMinusAcc2: Math.fround(1 - 0.998),
      epsilon: 1e-7,
      negLr: -0.01,
    };
    const v = Float32Array.from(randn(size), (x) => x * x);
    await sameOnBoth(ADAM_KERNEL, { m: [randn(size), [size]], v: [v, [size]], ...each('p'), ...each('g') }, attrs);
  });
});
