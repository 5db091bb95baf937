/**
 * Bundled into a blank page by gpu-kernels.test.ts: runs each of the lab's GPU kernels
 * (src/engine/gpu-kernels) on WebGL or WebGPU and the same computation as plain ops on the cpu
 * backend (which has none of the lab's kernels in this page), and reports the largest differences
 * and the kernels each side dispatched.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { PackedAdam } from '../../src/engine/adam';
import { installGpuKernels } from '../../src/engine/gpu-kernels';
import { PAIRED_LAYER_NORM_KERNEL } from '../../src/engine/model-pair';
import { KernelCounter } from '../../src/engine/kernel-count';
import { layerNorm } from '../../src/engine/ops';
import { Rng } from '../../src/engine/rng';

export interface KernelCheck {
  /** Largest |gpu − cpu| per quantity, and the largest |cpu| to scale it by. */
  diff: Record<string, { err: number; scale: number }>;
  gpuKernels: string[];
  cpuKernels: string[];
  /** Tensors left behind by the checks on the GPU backend. */
  leaked: number;
  /** The WebGL version tfjs ran (WebGL only). */
  webglVersion: number | null;
}

declare global {
  interface Window {
    checkGpuKernels(backend: 'webgl' | 'webgpu', webglVersion?: 1 | 2): Promise<KernelCheck>;
  }
}

/** Values in [-2, 2) from seed `seed`, the same on every run. */
function values(n: number, seed: number): Float32Array {
  const rng = Rng.stream(seed, 'init');
  return Float32Array.from({ length: n }, () => 4 * rng.uniform() - 2);
}

type Arrays = Record<string, Float32Array>;

const R = 37;
const D = 24;
const SHAPES: number[][] = [[5, 7], [7], [3, 2, 4]];

/** LayerNorm forward and backward, the paired LayerNorm and three Adam steps, on the backend in use. */
async function compute(): Promise<{ out: Arrays; kernels: string[] }> {
  const counter = new KernelCounter();
  const results = tf.tidy(() => {
    const x = tf.tensor2d(values(R * D, 1), [R, D]);
    const g = tf.tensor1d(values(D, 2));
    const b = tf.tensor1d(values(D, 3));
    const dy = tf.tensor2d(values(R * D, 4), [R, D]);
    const y = layerNorm(x, g, b);
    const [dx, dg, db] = tf.grads((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) =>
      layerNorm(xi as tf.Tensor2D, gi as tf.Tensor1D, bi as tf.Tensor1D)
        .mul(dy)
        .sum(),
    )([x, g, b]);
    // Paired: each half of x2 [R, 2D] with its own g, b; on the cpu the reference is the two halves apart.
    const x2 = tf.tensor2d(values(R * 2 * D, 5), [R, 2 * D]);
    const g2 = tf.tensor2d(values(2 * D, 6), [2, D]);
    const b2 = tf.tensor2d(values(2 * D, 7), [2, D]);
    const half = (i: number) =>
      layerNorm(x2.slice([0, i * D], [R, D]), g2.slice([i, 0], [1, D]).reshape([D]), b2.slice([i, 0], [1, D]).reshape([D]));
    const paired =
      tf.getBackend() === 'cpu'
        ? tf.concat([half(0), half(1)], 1)
        : (tf.engine().runKernel(PAIRED_LAYER_NORM_KERNEL, { x: x2, g: g2, b: b2 }) as tf.Tensor);
    return { y, dx: dx!, dg: dg!, db: db!, paired };
  });
  // Adam, with a clip scale and a learning-rate change: PackedAdam runs the lab's kernel on the GPU,
  // tfjs's ops on this page's cpu (which tests/engine/adam.test.ts holds to tf.train.adam bit for bit).
  const vars = SHAPES.map((s, i) =>
    tf.tidy(() =>
      tf.variable(
        tf.tensor(
          values(
            s.reduce((a, c) => a * c, 1),
            10 + i,
          ),
          s,
        ),
      ),
    ),
  );
  const adam = new PackedAdam(vars, 0.01);
  for (let step = 0; step < 3; step++) {
    if (step === 2) adam.setLearningRate(0.003);
    tf.tidy(() => {
      const grads = Object.fromEntries(vars.map((v, i) => [v.name, tf.tensor(values(v.size, 100 * step + i), v.shape)]));
      adam.applyGradients(grads, step === 1 ? 0.5 : 1);
    });
  }
  const kernels = [...counter.byName.keys()];
  counter.dispose();
  const tensors: Record<string, tf.Tensor> = { ...results, ...Object.fromEntries(vars.map((v, i) => [`adam${i}`, v])) };
  const out: Arrays = {};
  for (const [k, t] of Object.entries(tensors)) out[k] = (await t.data()) as Float32Array;
  tf.dispose(Object.values(tensors));
  adam.dispose();
  return { out, kernels };
}

window.checkGpuKernels = async (backend, webglVersion) => {
  installGpuKernels();
  if (webglVersion) tf.env().set('WEBGL_VERSION', webglVersion);
  if (!(await tf.setBackend('cpu'))) throw new Error('no cpu backend');
  const cpu = await compute();
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not start ${backend}`);
  const before = tf.memory().numTensors;
  const gpu = await compute();
  const leaked = tf.memory().numTensors - before;
  const diff: KernelCheck['diff'] = {};
  for (const [k, want] of Object.entries(cpu.out)) {
    const got = gpu.out[k]!;
    if (got.length !== want.length) throw new Error(`${k}: ${got.length} values on ${backend}, ${want.length} on cpu`);
    diff[k] = {
      err: Math.max(...want.map((w, i) => (Number.isFinite(got[i]!) ? Math.abs(got[i]! - w) : Infinity))),
      scale: Math.max(...want.map(Math.abs)),
    };
  }
  const ranVersion = backend === 'webgl' ? tf.env().getNumber('WEBGL_VERSION') : null;
  return { diff, gpuKernels: gpu.kernels, cpuKernels: cpu.kernels, leaked, webglVersion: ranVersion };
};
