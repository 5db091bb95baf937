/**
 * The lab's routes in front of some of tfjs's own WebGPU kernels: a route takes the cases it does
 * in fewer GPU programs (or none) and returns null for every other case, which tfjs's kernel then
 * runs as before. Installed with the public kernel registry, as wasm-kernels/index.ts does for wasm.
 */
import * as tf from '@tensorflow/tfjs';

export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** A kernel's result by the lab's route, or null to leave the call to tfjs's kernel. */
export type Route<Backend = unknown> = (backend: Backend, args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[] | null;

/** Marks tfjs's kernels already wrapped, so that installing twice wraps once. */
const WRAPPED = Symbol('lab route');

/** Puts each route in front of tfjs's WebGPU kernel of that name (where that backend is registered). */
export function installWebGPURoutes(routes: Record<string, Route<never>>): void {
  for (const [name, route] of Object.entries(routes)) {
    const config = tf.getKernel(name, 'webgpu') as (tf.KernelConfig & { [WRAPPED]?: true }) | undefined;
    if (!config || config[WRAPPED]) continue;
    const original = config.kernelFunc;
    tf.unregisterKernel(name, 'webgpu');
    tf.registerKernel({
      ...config,
      [WRAPPED]: true,
      kernelFunc: (args) => route(args.backend as never, args) ?? original(args),
    } as tf.KernelConfig);
  }
}
