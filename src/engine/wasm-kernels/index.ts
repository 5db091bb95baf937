/**
 * The lab's replacements for some of tfjs's wasm kernels (see each file for why), installed with
 * the public kernel registry: the original is unregistered and a replacement registered under the
 * same name, keeping its setup function (which binds the wasm export) and falling back to the
 * original kernel for the cases the replacement does not handle. Call once the wasm backend
 * module is imported; calling again does nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { COPY_KERNELS } from './copy-kernels';
import { batchMatMulKernel, fusedMatMulKernel } from './matmul';
import { simdKernels, simdSupported } from './simd-module';
import { adamConfig, squaredNormConfig } from './adam';
import { layerNormConfig, layerNormGradConfig } from './layer-norm';
import { sumKernel } from './sum';
import { transposeKernel } from './transpose';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

const REPLACEMENTS = {
  ...COPY_KERNELS,
  BatchMatMul: batchMatMulKernel,
  _FusedMatMul: fusedMatMulKernel,
  Sum: sumKernel,
  Transpose: transposeKernel,
};

const installed = new Set<string>();

export function installWasmKernels(): void {
  for (const [name, make] of Object.entries(REPLACEMENTS)) {
    const original = tf.getKernel(name, 'wasm');
    if (!original || installed.has(name)) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: make(original.kernelFunc) as tf.KernelFunc });
    installed.add(name);
  }
  // Kernels of the lab's own, with no tfjs original: registered only where they can run.
  for (const config of [layerNormConfig, layerNormGradConfig, squaredNormConfig, adamConfig])
    if (!tf.getKernel(config.kernelName, 'wasm') && simdSupported()) tf.registerKernel(config);
}

/**
 * Whether the lab's SIMD kernels run on the wasm backend in use (they load on its heap; without
 * wasm SIMD, tfjs's own kernels run instead, with different float rounding). For the status bar.
 */
export function labKernelsLoaded(): boolean {
  return tf.getBackend() === 'wasm' && simdKernels(tf.backend() as BackendWasm) !== null;
}
