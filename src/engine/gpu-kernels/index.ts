/**
 * Registers the lab's GPU kernels (kernels.ts) for WebGL and WebGPU. Registering is cheap and
 * touches no GPU: the programs compile when first run. Call once; calling again does nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { webglKernels } from './webgl';
import { webgpuKernels } from './webgpu';

export function installGpuKernels(): void {
  for (const config of [...webglKernels(), ...webgpuKernels()])
    if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
}
