/**
 * Registers the lab's GPU kernels (kernels.ts) for WebGL and WebGPU, and on WebGPU the buffer
 * copies that replace tfjs's programs for contiguous joins and cuts (webgpu-copies.ts). Registering is cheap and
 * touches no GPU: the programs compile when first run. Call once; calling again does nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { webglKernels } from './webgl';
import { webgpuKernels } from './webgpu';
import { webgpuAttentionKernels } from './webgpu-attention';
import { installWebGPUCopies } from './webgpu-copies';

export function installGpuKernels(): void {
  for (const config of [...webglKernels(), ...webgpuKernels(), ...webgpuAttentionKernels()])
    if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
  installWebGPUCopies();
}
