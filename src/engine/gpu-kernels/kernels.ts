/**
 * The lab's kernels for tfjs's GPU backends (WebGL and WebGPU): LayerNorm's forward and backward
 * passes, the paired sampler's LayerNorm (model-pair.ts) and Adam's elementwise step over the flat
 * parameter vector (adam.ts). Without them each is a chain of 9 to 14 small tfjs kernels, and on a
 * GPU every dispatch pays a fixed cost (issue 12 measured about 0.4 ms per WebGPU dispatch on a
 * real GPU).
 *
 * A GPU program of tfjs writes one output, so a kernel that gives several runs a few short
 * programs. No element reads more than one row (D values) or, for a column's sum, one column of its
 * input, so every program stays cheap on a software GPU and on a small one alike, while a dispatch
 * saved is worth far more than D reads on a real one. LayerNorm's forward pass is two programs (the row statistics, then y), its backward pass two (dx,
 * whose elements take their row's two means themselves, and [dg, db], column sums), the paired
 * LayerNorm one (each element normalises with its own half-row's mean and 1/σ) and Adam three (m′,
 * v′, the weights).
 *
 * webgl.ts and webgpu.ts hold the same programs in GLSL and WGSL; this file says which run, with
 * which inputs, for each kernel. The arithmetic is that of the plain ops in ops.ts, model-pair.ts
 * and adam.ts, with sums in row order: results agree with them to float32 rounding
 * (tests/e2e/gpu-kernels.test.ts), not bit for bit, as WebGL and WebGPU never did.
 */
import type * as tf from '@tensorflow/tfjs';
import { ADAM_FLAT_KERNEL, type AdamAttrs } from '../adam';
import { PAIRED_LAYER_NORM_KERNEL } from '../model-pair';
import { LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL } from '../ops';

/** The programs of webgl.ts and webgpu.ts. */
export type ShaderName = 'lnStats' | 'lnY' | 'lnDx' | 'lnDgDb' | 'pairedY' | 'adamM' | 'adamV' | 'adamP';

/** Sizes baked into a program's source: the row width D and, for sums over rows, the row count. */
export interface ShaderSizes {
  d: number;
  rows: number;
}

/** Runs program `shader` of the backend in `args` on `inputs` (named as the program reads them) into a new tensor of `shape`. */
export type RunShader = (
  args: KernelArgs,
  shader: ShaderName,
  inputs: Record<string, tf.TensorInfo>,
  shape: number[],
  sizes: ShaderSizes,
  uniforms?: Record<string, number>,
) => tf.TensorInfo;

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The named inputs of a kernel call, in the order asked. */
function inputs<Names extends string[]>(args: KernelArgs, ...names: Names): { [K in keyof Names]: tf.TensorInfo } {
  return names.map((name) => {
    const t = args.inputs[name];
    if (!t) throw new Error(`lab GPU kernel: input ${name} is missing`);
    return t;
  }) as { [K in keyof Names]: tf.TensorInfo };
}

/** The kernels of one GPU backend, as tfjs registers them. */
export function gpuKernels(backendName: string, run: RunShader): tf.KernelConfig[] {
  // The forward pass saves x and its row statistics, not x̂ and 1/σ: x̂ would be one more program,
  // and the backward programs recompute it per element from what they read anyway. The backward
  // kernel, registered with it, gets them under the names the other backends' kernels use.
  const layerNorm = (args: KernelArgs) => {
    const [x, g, b] = inputs(args, 'x', 'g', 'b');
    const [rows, d] = x.shape as [number, number];
    const sizes = { d, rows };
    const stats = run(args, 'lnStats', { x }, [rows, 2], sizes);
    const y = run(args, 'lnY', { x, stats, g, b }, [rows, d], sizes);
    (args.backend as tf.KernelBackend).incRef(x.dataId);
    return [y, { dataId: x.dataId, shape: x.shape, dtype: x.dtype }, stats];
  };
  const layerNormGrad = (args: KernelArgs) => {
    const [dy, x, stats, g] = inputs(args, 'dy', 'xhat', 'inv', 'g');
    const [rows, d] = x.shape as [number, number];
    const sizes = { d, rows };
    const dx = run(args, 'lnDx', { dy, x, stats, g }, [rows, d], sizes);
    return [dx, run(args, 'lnDgDb', { dy, x, stats }, [2 * d], sizes)];
  };
  const pairedLayerNorm = (args: KernelArgs) => {
    const [x, g, b] = inputs(args, 'x', 'g', 'b');
    const [rows, d2] = x.shape as [number, number];
    const sizes = { d: d2 / 2, rows };
    return run(args, 'pairedY', { x, g, b }, [rows, d2], sizes);
  };
  const adamFlat = (args: KernelArgs) => {
    const a = args.attrs as unknown as AdamAttrs;
    const [m, v, g, p] = inputs(args, 'm', 'v', 'g', 'p');
    const sizes = { d: 0, rows: 0 };
    const m2 = run(args, 'adamM', { m, g }, p.shape, sizes, { scale: a.scale, beta1: a.beta1, oneMinusBeta1: a.oneMinusBeta1 });
    const v2 = run(args, 'adamV', { v, g }, p.shape, sizes, { scale: a.scale, beta2: a.beta2, oneMinusBeta2: a.oneMinusBeta2 });
    const uniforms = { oneMinusAcc1: a.oneMinusAcc1, oneMinusAcc2: a.oneMinusAcc2, epsilon: a.epsilon, negLr: a.negLr };
    return [m2, v2, run(args, 'adamP', { m: m2, v: v2, p }, p.shape, sizes, uniforms)];
  };
  const configs: [string, tf.KernelFunc][] = [
    [LAYER_NORM_KERNEL, layerNorm as tf.KernelFunc],
    [LAYER_NORM_GRAD_KERNEL, layerNormGrad as tf.KernelFunc],
    [PAIRED_LAYER_NORM_KERNEL, pairedLayerNorm as tf.KernelFunc],
    [ADAM_FLAT_KERNEL, adamFlat as tf.KernelFunc],
  ];
  return configs.map(([kernelName, kernelFunc]) => ({ kernelName, backendName, kernelFunc }));
}
