/**
 * The tfjs backend in Node: wasm (SIMD, no threads in Node) when it initialises, else cpu.
 * Shared by the CLI, the bench, the pretraining script and the tests.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { CheckpointLoader } from '../engine/trainer';
import { installCpuKernels } from '../engine/cpu-kernels';
import { installWasmKernels } from '../engine/wasm-kernels';

installWasmKernels();
installCpuKernels();

export const NODE_BACKENDS = ['wasm', 'cpu'] as const;

/**
 * Sets the backend; 'auto' means wasm, falling back to cpu. Returns the backend in use.
 * 'webgpu' works in Node only where something has installed `navigator.gpu` (e.g. Dawn's
 * node bindings, loaded with --import before this runs): that is how the bench measures a
 * real GPU on a machine without a browser.
 */
export async function initNodeBackend(requested: string): Promise<string> {
  if (requested === 'webgpu') {
    const gpu = (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu;
    if (!gpu) throw new Error('backend webgpu needs navigator.gpu, which Node does not have; in Node use wasm or cpu');
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  if (requested === 'webgl') throw new Error('backend webgl is only available in a browser; in Node use wasm or cpu');
  const order = requested === 'auto' ? NODE_BACKENDS : [requested];
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return tf.getBackend();
      }
    } catch {
      // try the next one
    }
  }
  throw new Error(`no tfjs backend could start (tried ${order.join(', ')})`);
}

/** public/ of this repository, where the committed checkpoints live. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

export const loadCheckpointFromDisk: CheckpointLoader = async (file) => {
  const bytes = await readFile(PUBLIC_DIR + file);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
};
