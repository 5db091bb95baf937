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
import { bufferCopies } from '../../src/engine/gpu-kernels/webgpu-copies';
import { causalMask } from '../../src/engine/model';
import { embed, gatherRows, layerNorm, logProbs, selfAttention } from '../../src/engine/ops';
import { Rng } from '../../src/engine/rng';

export interface KernelCheck {
  /** Largest |gpu − cpu| per quantity, and the largest |cpu| to scale it by. */
  diff: Record<string, { err: number; scale: number }>;
  gpuKernels: string[];
  cpuKernels: string[];
  /** Tensors left behind by the checks on the GPU backend. */
  leaked: number;
  /** Buffer copies made on the GPU backend (WebGPU's contiguous joins and cuts). */
  copies: number;
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

/**
 * Self-attention over qkv rows: a whole causal sequence with its gradient, and one query over a
 * cache of positions (a sampling step). On WebGPU the lab's attention kernels, elsewhere plain ops.
 */
function attentionChecks(): Record<string, tf.Tensor> {
  const [B, S, H, hd] = [3, 5, 2, 3];
  const W = H * hd;
  const qkv = tf.tensor2d(values(B * S * 3 * W, 20), [B * S, 3 * W]);
  const dy = tf.tensor2d(values(B * S * W, 21), [B * S, W]);
  const masks: tf.Tensor[] = [];
  const mask = (n: number) => {
    masks.push(causalMask(n));
    return masks[masks.length - 1] as tf.Tensor2D;
  };
  const whole = { batch: B, positions: S, queries: S, heads: H };
  const attn = selfAttention(qkv, whole, mask);
  const dAttn = tf.grad((x: tf.Tensor) =>
    selfAttention(x as tf.Tensor2D, whole, mask)
      .mul(dy)
      .sum(),
  )(qkv);
  const step = selfAttention(qkv, { batch: B, positions: S, queries: 1, heads: H }, mask);
  tf.dispose(masks);
  return { attn, dAttn, attnStep: step };
}

/** Row-wise ops: log softmax at a temperature with its gradient, the gather's gradient, the embeddings, column sums. */
function rowChecks(): Record<string, tf.Tensor> {
  const x = tf.tensor3d(values(2 * R * 11, 30), [2, R, 11]);
  const dy = tf.tensor3d(values(2 * R * 11, 31), [2, R, 11]);
  const logp = logProbs(x, 0.7);
  const dLogp = tf.grad((t: tf.Tensor) => logProbs(t, 0.7).mul(dy).sum())(x);
  const table = tf.tensor2d(values(9 * D, 32), [9, D]);
  const ids = tf.tensor1d(
    Array.from({ length: R }, (_, i) => (i * 7) % 9),
    'int32',
  );
  const dRows = tf.tensor2d(values(R * D, 33), [R, D]);
  const dTable = tf.grad((t: tf.Tensor) =>
    gatherRows(t as tf.Tensor2D, ids)
      .mul(dRows)
      .sum(),
  )(table);
  // Embeddings: token rows plus position rows, and the gradient to each table.
  const positionTable = tf.tensor2d(values(6 * D, 34), [6, D]);
  const positions = tf.tensor1d(
    Array.from({ length: R }, (_, i) => i % 6),
    'int32',
  );
  const embedded = embed(table, positionTable, ids, positions);
  const [dTokens, dPositions] = tf.grads((t: tf.Tensor, p: tf.Tensor) =>
    embed(t as tf.Tensor2D, p as tf.Tensor2D, ids, positions)
      .mul(dRows)
      .sum(),
  )([table, positionTable]);
  return { logp, dLogp, dTable, columnSums: dRows.sum(0), embedded, dTokens: dTokens!, dPositions: dPositions! };
}

/**
 * Joins and cuts, contiguous (buffer copies on WebGPU) and not (tfjs's programs). Each input has
 * over 1,000 entries and is made by a kernel, so that it lives on the device as the engine's tensors
 * do: tfjs's WebGPU backend keeps smaller tensors made from values on the CPU, and cuts them there.
 */
function copyChecks(): Record<string, tf.Tensor> {
  const onDevice = <T extends tf.Tensor>(t: T) => t.mul(1) as T;
  const a = onDevice(tf.tensor2d(values(40 * 30, 40), [40, 30]));
  const b = onDevice(tf.tensor2d(values(50 * 30, 41), [50, 30]));
  const flat = onDevice(tf.tensor1d(values(1500, 42)));
  const cube = onDevice(tf.tensor3d(values(6 * 50 * 4, 43), [6, 50, 4]));
  const [s0, s1, s2] = tf.split(flat, [130, 1350, 20]);
  const [u0, u1, ...rest] = tf.unstack(cube);
  return {
    concatRows: tf.concat([a, b], 0),
    concatColumns: tf.concat([a, b.slice([0, 0], [40, 30])], 1),
    split: tf.concat([s2!, s0!, s1!]).mul(2),
    sliceRows: cube.slice([1, 0, 0], [4, 50, 4]).mul(2),
    sliceInner: cube.slice([0, 1, 0], [6, 48, 4]).mul(2),
    unstack: tf.stack([...rest, u0!, u1!]).mul(2),
  };
}

/** LayerNorm forward and backward, the paired LayerNorm, attention, row-wise ops, joins and cuts, and three Adam steps, on the backend in use. */
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
    return { y, dx: dx!, dg: dg!, db: db!, paired, ...attentionChecks(), ...rowChecks(), ...copyChecks() };
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
  const copiesBefore = bufferCopies.count;
  const gpu = await compute();
  const leaked = tf.memory().numTensors - before;
  const copies = bufferCopies.count - copiesBefore;
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
  return { diff, gpuKernels: gpu.kernels, cpuKernels: cpu.kernels, leaked, copies, webglVersion: ranVersion };
};
