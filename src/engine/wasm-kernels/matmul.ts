/**
 * BatchMatMul for the wasm backend: the products tfjs would run in its scalar loop (any batch of
 * matrices, or a transposed operand) go to the lab's SIMD kernels in matmul.wat, which read and
 * write tfjs's wasm heap in place; plain 2-D products stay on tfjs's XNNPACK path, which is faster
 * for them. Attention's per-head products were 36 ms of a 156 ms iteration in the scalar loop.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { MATMUL_WASM } from './matmul-bytes';

type KernelArgs = Parameters<tf.KernelFunc>[0];

interface MatmulExports {
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
}

/** The Emscripten module behind the backend: its heap is `wasmMemory` (threaded build) or the exported `asm.memory`. */
type EmscriptenModule = { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };

const instances = new WeakMap<object, MatmulExports | null>();

const decode = (base64: string) => Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));

/**
 * The kernels instantiated on the backend's heap, once per heap; null where that cannot be done (no
 * wasm SIMD, or a tfjs build that does not expose its memory), and tfjs's own kernel runs instead.
 */
export function kernelsFor(backend: BackendWasm): MatmulExports | null {
  const module = backend.wasm as unknown as EmscriptenModule;
  let exports = instances.get(module);
  if (exports !== undefined) return exports;
  exports = null;
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (memory) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    try {
      const compiled = new WebAssembly.Module(decode(shared ? MATMUL_WASM.shared : MATMUL_WASM.plain));
      exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as MatmulExports;
    } catch {
      exports = null;
    }
  }
  instances.set(module, exports);
  return exports;
}

const pointer = (backend: BackendWasm, t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;

export function batchMatMulKernel(original: tf.KernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const backend = args.backend as BackendWasm;
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    const xnnpackCase = !transposeA && !transposeB && batchA === 1 && batchB === 1;
    const kernels = xnnpackCase ? null : kernelsFor(backend);
    // Cases without a kernel here: both operands transposed, a batch broadcast other than from 1, other dtypes.
    if (
      !kernels ||
      (transposeA && transposeB) ||
      (batchA !== batchB && batchA !== 1 && batchB !== 1) ||
      a.dtype !== 'float32' ||
      b.dtype !== 'float32'
    )
      return original(args) as tf.TensorInfo;
    const m = transposeA ? a.shape.at(-1)! : a.shape.at(-2)!;
    const k = transposeA ? a.shape.at(-2)! : a.shape.at(-1)!;
    const n = transposeB ? b.shape.at(-2)! : b.shape.at(-1)!;
    if (k !== (transposeB ? b.shape.at(-1)! : b.shape.at(-2)!))
      throw new Error(
        `matMul: inner sizes differ (${a.shape} and ${b.shape}, transposeA=${transposeA}, transposeB=${transposeB})`,
      );
    const batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const out = backend.makeOutput([...batchShape, m, n], 'float32');
    const batch = Math.max(batchA, batchB);
    const aB = batchA === 1 ? 0 : m * k;
    const bB = batchB === 1 ? 0 : k * n;
    const [pa, pb, pc] = [pointer(backend, a), pointer(backend, b), pointer(backend, out)];
    if (transposeB) kernels.matmulTransposedB(pa, pb, pc, batch, m, k, n, aB, bB);
    else kernels.matmul(pa, pb, pc, batch, m, k, n, aB, transposeA ? 1 : k, transposeA ? m : 1, bB);
    return out;
  };
}
