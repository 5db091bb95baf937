/**
 * LayerNorm's forward and backward passes as one wasm kernel each (simd.wat `layerNorm`,
 * `layerNormBackward`), registered under the lab's own kernel names (ops.ts uses them on a backend
 * that has them, and the plain ops elsewhere). The sampler normalizes five times per step and model,
 * so the forward kernel alone takes about 600 dispatches out of a default iteration.
 * Forward outputs: y, x̂ and 1/σ per row, as ops.ts's hand-written gradient keeps them. Backward
 * outputs: dx, and dg and db side by side.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL } from '../ops';
import { pointer, simdKernels } from './simd-module';

type KernelArgs = Parameters<tf.KernelFunc>[0];

function layerNormKernel(args: KernelArgs): tf.TensorInfo[] {
  const { x, g, b } = args.inputs as { x: tf.TensorInfo; g: tf.TensorInfo; b: tf.TensorInfo };
  const backend = args.backend as BackendWasm;
  const kernels = simdKernels(backend);
  if (!kernels) throw new Error("the lab's wasm kernels did not load on this heap, and LayerNorm needs them");
  const [rows, d] = x.shape as [number, number];
  const y = backend.makeOutput([rows, d], 'float32');
  const xhat = backend.makeOutput([rows, d], 'float32');
  const inv = backend.makeOutput([rows, 1], 'float32');
  kernels.layerNorm(
    pointer(backend, x),
    pointer(backend, g),
    pointer(backend, b),
    pointer(backend, y),
    pointer(backend, xhat),
    pointer(backend, inv),
    rows,
    d,
  );
  return [y, xhat, inv];
}

export const layerNormConfig: tf.KernelConfig = {
  kernelName: LAYER_NORM_KERNEL,
  backendName: 'wasm',
  kernelFunc: layerNormKernel as unknown as tf.KernelFunc,
};

function layerNormGradKernel(args: KernelArgs): tf.TensorInfo[] {
  const { dy, xhat, inv, g } = args.inputs as Record<'dy' | 'xhat' | 'inv' | 'g', tf.TensorInfo>;
  const backend = args.backend as BackendWasm;
  const kernels = simdKernels(backend);
  if (!kernels) throw new Error("the lab's wasm kernels did not load on this heap, and LayerNorm needs them");
  const [rows, d] = xhat.shape as [number, number];
  const dx = backend.makeOutput([rows, d], 'float32');
  const dgdb = backend.makeOutput([2 * d], 'float32');
  kernels.layerNormBackward(
    pointer(backend, dy),
    pointer(backend, xhat),
    pointer(backend, inv),
    pointer(backend, g),
    pointer(backend, dx),
    pointer(backend, dgdb),
    rows,
    d,
  );
  return [dx, dgdb];
}

export const layerNormGradConfig: tf.KernelConfig = {
  kernelName: LAYER_NORM_GRAD_KERNEL,
  backendName: 'wasm',
  kernelFunc: layerNormGradKernel as unknown as tf.KernelFunc,
};
