/**
 * The optimizer step as two wasm kernels (simd.wat `sumOfSquares`, `adam`), registered under the
 * lab's own kernel names (adam.ts uses them on a backend that has them, and the plain ops
 * elsewhere). Both read every weight's gradient where it lies: no flat copy of the gradients, no
 * split of the result, and one pass over memory where the plain ops ran about fifty kernels a step.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ADAM_KERNEL, SQUARED_NORM_KERNEL, type AdamAttrs } from '../adam';
import { pointer, simdKernels, type SimdKernels } from './simd-module';

type KernelArgs = Parameters<tf.KernelFunc>[0];

function kernelsOf(backend: BackendWasm): SimdKernels {
  const kernels = simdKernels(backend);
  if (!kernels) throw new Error("the lab's wasm kernels did not load on this heap, and the optimizer step needs them");
  return kernels;
}

/** Inputs g0, g1, …: Σ of every square, as a float32 scalar (each tensor's sum as simd.wat adds it, then in order). */
function squaredNormKernel(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const kernels = kernelsOf(backend);
  const grads = Object.keys(args.inputs).length;
  let sum = 0;
  for (let i = 0; i < grads; i++) {
    const g = args.inputs[`g${i}`]!;
    sum = Math.fround(sum + kernels.sumOfSquares(pointer(backend, g), tf.util.sizeFromShape(g.shape)));
  }
  const out = backend.makeOutput([], 'float32');
  backend.typedArrayFromHeap(out)[0] = sum;
  return out;
}

/**
 * Inputs m, v (flat, every weight in order) and p0, g0, p1, g1, … (each weight and its gradient);
 * outputs m′, v′ and the new p0, p1, …
 */
function adamKernel(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const kernels = kernelsOf(backend);
  const a = args.attrs as unknown as AdamAttrs;
  const { m, v } = args.inputs as { m: tf.TensorInfo; v: tf.TensorInfo };
  const mOut = backend.makeOutput(m.shape, 'float32');
  const vOut = backend.makeOutput(v.shape, 'float32');
  const weights = (Object.keys(args.inputs).length - 2) / 2;
  const outs: tf.TensorInfo[] = [];
  let offset = 0;
  for (let i = 0; i < weights; i++) {
    const p = args.inputs[`p${i}`]!;
    const g = args.inputs[`g${i}`]!;
    const n = tf.util.sizeFromShape(p.shape);
    const out = backend.makeOutput(p.shape, 'float32');
    const at = (t: tf.TensorInfo) => pointer(backend, t) + 4 * offset;
    kernels.adam(
      pointer(backend, p),
      pointer(backend, g),
      at(m),
      at(v),
      pointer(backend, out),
      at(mOut),
      at(vOut),
      n,
      a.scale,
      a.beta1,
      a.oneMinusBeta1,
      a.beta2,
      a.oneMinusBeta2,
      a.oneMinusAcc1,
      a.oneMinusAcc2,
      a.epsilon,
      a.negLr,
    );
    outs.push(out);
    offset += n;
  }
  return [mOut, vOut, ...outs];
}

export const squaredNormConfig: tf.KernelConfig = {
  kernelName: SQUARED_NORM_KERNEL,
  backendName: 'wasm',
  kernelFunc: squaredNormKernel as unknown as tf.KernelFunc,
};

export const adamConfig: tf.KernelConfig = {
  kernelName: ADAM_KERNEL,
  backendName: 'wasm',
  kernelFunc: adamKernel as unknown as tf.KernelFunc,
};
