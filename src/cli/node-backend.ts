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
import { installGpuKernels } from '../engine/gpu-kernels';

installWasmKernels();
installCpuKernels();

export const NODE_BACKENDS = ['wasm', 'cpu'] as const;

/**
 * Dawn's Node bindings: the npm package `webgpu`, deliberately not a dependency (50 MB, only the
 * bench needs it, to measure a real GPU on a machine without a browser). Installed by hand with
 * `npm install --no-save webgpu@0.6.2`; the name is a variable so that tsc and bundlers do not
 * look for it.
 */
const DAWN_PACKAGE = 'webgpu';

/** Gives Node a navigator.gpu from Dawn, unless something already has. */
async function installDawn(): Promise<void> {
  const global = globalThis as { navigator?: { gpu?: unknown } };
  if (global.navigator?.gpu) return;
  let dawn: { create: (flags: string[]) => unknown; globals: object };
  try {
    dawn = (await import(DAWN_PACKAGE)) as typeof dawn;
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND')
      throw new Error(`backend webgpu: Dawn's bindings did not load (${(e as Error).message})`, { cause: e });
    throw new Error(
      'backend webgpu needs navigator.gpu, which Node does not have; Dawn gives it one after ' +
        '`npm install --no-save webgpu@0.6.2`. In Node use wasm or cpu',
      { cause: e },
    );
  }
  // Dawn's GPUBufferUsage, GPUMapMode, … are globals in a browser, and tfjs reads them as such.
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]) as { requestAdapter(): Promise<unknown> };
  // Without one, tfjs's backend fails later on a null adapter with an unreadable message.
  if (!(await gpu.requestAdapter()))
    throw new Error('backend webgpu: Dawn found no GPU adapter (no Vulkan loader or driver?). In Node use wasm or cpu');
  // Node 20 has no navigator; Node 21+ has one without gpu.
  if (global.navigator) Object.defineProperty(global.navigator, 'gpu', { value: gpu });
  else global.navigator = { gpu };
}

/**
 * Sets the backend; 'auto' means wasm, falling back to cpu. Returns the backend in use.
 * 'webgpu' runs where navigator.gpu exists or Dawn's bindings are installed (installDawn).
 */
export async function initNodeBackend(requested: string): Promise<string> {
  if (requested === 'webgpu') {
    await installDawn();
    // The backend registers itself on import only if navigator.gpu exists by then.
    await import('@tensorflow/tfjs-backend-webgpu');
    installGpuKernels();
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
