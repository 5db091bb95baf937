/**
 * Registers the lab's GPU kernels (kernels.ts) for WebGL and WebGPU, and on WebGPU its own
 * programs for attention, log softmax and the embeddings, and the routes in front of
 * tfjs's kernels (buffer copies for contiguous joins and cuts, one program for column sums).
 * Registering is cheap and touches no GPU: the programs compile when first run. Call once the
 * backends are imported; calling again does nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { webglKernels } from './webgl';
import { webgpuKernels } from './webgpu';
import { webgpuAttentionKernels } from './webgpu-attention';
import { COPY_ROUTES } from './webgpu-copies';
import { webgpuEmbeddingKernels } from './webgpu-embedding';
import { webgpuLogSoftmaxKernel } from './webgpu-log-softmax';
import { installWebGPURoutes } from './webgpu-routes';
import { SUM_ROUTES } from './webgpu-sum';

export function installGpuKernels(): void {
  const configs = [
    ...webglKernels(),
    ...webgpuKernels(),
    ...webgpuAttentionKernels(),
    webgpuLogSoftmaxKernel(),
    ...webgpuEmbeddingKernels(),
  ];
  for (const config of configs) if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config);
  installWebGPURoutes({ ...COPY_ROUTES, ...SUM_ROUTES });
}
