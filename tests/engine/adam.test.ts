import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ADAM_KERNEL, PackedAdam, SQUARED_NORM_KERNEL } from '../../src/engine/adam';
import { installCpuKernels } from '../../src/engine/cpu-kernels';
import { Rng } from '../../src/engine/rng';
import { useBackend } from './helpers';

beforeAll(() => useBackend());

const shapes = [[3, 5], [5], [1], [4, 2]];

/** Two identical sets of variables with seeded values, and seeded gradients for a few steps. */
function setup(seed: number) {
  const rng = Rng.stream(seed, 'init');
  const values = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()));
  const make = () => values.map((v, i) => tf.variable(tf.tensor(v, shapes[i])));
  const grads = (vars: tf.Variable[]): tf.NamedTensorMap =>
    Object.fromEntries(
      vars.map((x) => [
        x.name,
        tf.tensor(
          Float32Array.from({ length: x.size }, () => rng.normal() * 0.1),
          x.shape,
        ),
      ]),
    );
  return { make, grads };
}

/** Takes the lab's optimizer kernels away from `backend` (installCpuKernels puts cpu's back). */
const withoutKernels = (backend: string) => [ADAM_KERNEL, SQUARED_NORM_KERNEL].forEach((k) => tf.unregisterKernel(k, backend));

const afterSteps = async (vars: tf.Variable[]) => Promise.all(vars.map(async (v) => Array.from(await v.data())));

describe('PackedAdam', () => {
  const made: tf.Variable[] = [];
  afterAll(() => tf.dispose(made));

  // The lab's kernel on wasm (wasm-kernels/adam.ts) and on cpu (cpu-kernels.ts), and the chain of
  // plain ops that other backends run (here on cpu with its kernels taken away).
  const paths = [
    ['wasm', 'kernel'],
    ['cpu', 'kernel'],
    ['cpu', 'plain ops'],
  ];

  it.each(paths)(
    '%s, %s: gives the weights of tf.train.adam bit for bit, with a clip scale and a learning rate changed between steps',
    async (backend, path) => {
      await useBackend(backend);
      if (path === 'plain ops') withoutKernels(backend);
      expect(tf.getKernel(ADAM_KERNEL, backend) !== undefined).toBe(path === 'kernel');
      const { make, grads } = setup(7);
      const plainVars = make();
      const packedVars = make();
      made.push(...plainVars, ...packedVars);
      const plain = new (class extends tf.AdamOptimizer {
        setLr(lr: number) {
          this.learningRate = lr;
        }
      })(0.01, 0.9, 0.999, 1e-7);
      const packed = new PackedAdam(packedVars, 0.01, 0.9, 0.999, 1e-7);
      const scales = [1, 0.37, 1, 0.8, 1];
      for (let step = 0; step < scales.length; step++) {
        if (step === 3) {
          plain.setLr(0.003);
          packed.setLearningRate(0.003);
        }
        const g = grads(plainVars);
        const scale = scales[step]!;
        // The trainer's clipping before this optimizer: every gradient times the scale.
        tf.tidy(() => {
          const scaled: tf.NamedTensorMap = Object.fromEntries(
            Object.entries(g).map(([k, t]) => [k, scale === 1 ? t : t.mul(scale)]),
          );
          plain.applyGradients(scaled as Parameters<typeof plain.applyGradients>[0]);
        });
        // The same gradients, keyed by the packed model's variable names.
        const g2 = Object.fromEntries(packedVars.map((v, i) => [v.name, g[plainVars[i]!.name]!]));
        // Keyed by name on even steps, gathered first (as the trainer does) on odd ones.
        if (step % 2) tf.tidy(() => packed.applyGradients(packed.gradients(g2), scale));
        else packed.applyGradients(g2, scale);
        tf.dispose(Object.values(g));
      }
      const a = await afterSteps(plainVars);
      const b = await afterSteps(packedVars);
      expect(b).toEqual(a);
      // The weights did move: a comparison of two untouched sets would pass too.
      const start = await afterSteps(make().map((v) => (made.push(v), v)));
      expect(a).not.toEqual(start);
      plain.dispose();
      packed.dispose();
      installCpuKernels();
      await useBackend('wasm');
    },
  );

  it.each(paths)(
    '%s, %s: the squared norm of every gradient, within float32 rounding of the exact sum',
    async (backend, path) => {
      await useBackend(backend);
      if (path === 'plain ops') withoutKernels(backend);
      const { make, grads } = setup(10);
      const vars = make();
      made.push(...vars);
      const opt = new PackedAdam(vars, 0.01);
      const g = grads(vars);
      const exact = Object.values(g).reduce((s, t) => s + Array.from(t.dataSync()).reduce((a, x) => a + x * x, 0), 0);
      const got = tf.tidy(() => opt.squaredNorm(opt.gradients(g)).dataSync()[0]!);
      expect(Math.abs(got - exact)).toBeLessThan(1e-6 * exact);
      tf.dispose(Object.values(g));
      opt.dispose();
      installCpuKernels();
      await useBackend('wasm');
    },
  );

  it('names a weight that got no gradient', () => {
    const { make } = setup(8);
    const vars = make();
    made.push(...vars);
    const opt = new PackedAdam(vars, 0.01);
    const g = { [vars[0]!.name]: tf.zerosLike(vars[0]!) };
    expect(() => opt.applyGradients(g)).toThrow(`no gradient for ${vars[1]!.name}`);
    tf.dispose(Object.values(g));
    opt.dispose();
  });

  it('keeps the tensor count flat across steps', () => {
    const { make, grads } = setup(9);
    const vars = make();
    made.push(...vars);
    const opt = new PackedAdam(vars, 0.01);
    const step = () => {
      const g = grads(vars);
      opt.applyGradients(g, 0.5);
      tf.dispose(Object.values(g));
    };
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
  });
});
