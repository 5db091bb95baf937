/**
 * The lab's SIMD kernels (simd.wat), instantiated on the heap of tfjs's wasm backend so they read
 * and write tensors in place. One instance per heap; null where that cannot be done (no wasm SIMD,
 * or a tfjs build that does not expose its memory), and tfjs's own kernels run instead.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type * as tf from '@tensorflow/tfjs';
import { SIMD_WASM } from './simd-bytes';

export interface SimdKernels {
  matmul(
    a: number,
    b: number,
    c: number,
    batch: number,
    m: number,
    k: number,
    n: number,
    aB: number,
    aI: number,
    aP: number,
    bB: number,
  ): void;
  matmulTransposedB(
    a: number,
    b: number,
    c: number,
    batch: number,
    m: number,
    k: number,
    n: number,
    aB: number,
    bB: number,
  ): void;
  transpose(src: number, dst: number, outer: number, rows: number, cols: number, inner: number): void;
  layerNorm(x: number, g: number, b: number, y: number, xhat: number, inv: number, rows: number, d: number): void;
  layerNormBackward(dy: number, xhat: number, inv: number, g: number, dx: number, dgdb: number, rows: number, d: number): void;
  sumOfSquares(x: number, n: number): number;
  columnSums(x: number, out: number, rows: number, cols: number): void;
  adam(
    p: number,
    grad: number,
    m: number,
    v: number,
    pOut: number,
    mOut: number,
    vOut: number,
    n: number,
    scale: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    oneMinusAcc1: number,
    oneMinusAcc2: number,
    epsilon: number,
    negLr: number,
  ): void;
}

/** The Emscripten module behind the backend: its heap is `wasmMemory` (threaded build) or the exported `asm.memory`. */
type EmscriptenModule = { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };

const instances = new WeakMap<object, SimdKernels | null>();

const decode = (base64: string) => Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));

/** Whether this engine can compile the kernels (wasm SIMD); checked before registering kernels that have no tfjs original to fall back on. */
export const simdSupported = (): boolean => typeof WebAssembly !== 'undefined' && WebAssembly.validate(decode(SIMD_WASM.plain));

export function simdKernels(backend: BackendWasm): SimdKernels | null {
  const module = backend.wasm as unknown as EmscriptenModule;
  let kernels = instances.get(module);
  if (kernels !== undefined) return kernels;
  kernels = null;
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (memory) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    try {
      const compiled = new WebAssembly.Module(decode(shared ? SIMD_WASM.shared : SIMD_WASM.plain));
      kernels = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as SimdKernels;
    } catch {
      kernels = null;
    }
  }
  instances.set(module, kernels);
  return kernels;
}

/** Where a tensor's values start in the heap (a byte offset). */
export const pointer = (backend: BackendWasm, t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
