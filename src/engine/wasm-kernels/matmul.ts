/**
 * BatchMatMul for the wasm backend: the products tfjs would run in its scalar loop (any batch of
 * matrices, or a transposed operand) go to the lab's SIMD kernels in simd.wat, which read and
 * write tfjs's wasm heap in place; plain 2-D products stay on tfjs's XNNPACK path, which is faster
 * for them. Attention's per-head products were 36 ms of a 156 ms iteration in the scalar loop.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { pointer, simdKernels } from './simd-module';

type KernelArgs = Parameters<tf.KernelFunc>[0];

export function batchMatMulKernel(original: tf.KernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const backend = args.backend as BackendWasm;
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    const xnnpackCase = !transposeA && !transposeB && batchA === 1 && batchB === 1;
    const kernels = xnnpackCase ? null : simdKernels(backend);
    // Two matrices, A transposed (a weight's gradient xᵀ·g): A is transposed into a scratch copy
    // first and the product left to XNNPACK, which is faster that way than the strided kernel
    // ([384,64]ᵀ·[384,256]: 0.54 ms against 0.74 ms); one dispatch for what took two.
    if (kernels && transposeA && !transposeB && a.shape.length === 2 && b.shape.length === 2 && a.dtype === 'float32') {
      const [rows, cols] = a.shape as [number, number];
      const aT = backend.makeOutput([cols, rows], 'float32');
      kernels.transpose(pointer(backend, a), pointer(backend, aT), 1, rows, cols, 1);
      const out = original({ ...args, inputs: { a: aT, b }, attrs: { ...args.attrs, transposeA: false } }) as tf.TensorInfo;
      backend.disposeData(aT.dataId);
      return out;
    }
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

/**
 * _FusedMatMul for the wasm backend that also takes two matrices: tfjs's reads its operands as 3-D,
 * which is why tf.fused.matMul reshapes both operands in and the product out, three more dispatches
 * for every `linear` (ops.ts), which dispatches this kernel directly. A matrix is passed to tfjs's
 * XNNPACK product as a batch of one: the same data, only its shape read differently.
 */
export function fusedMatMulKernel(original: tf.KernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (a.shape.length !== 2 || b.shape.length !== 2) return original(args) as tf.TensorInfo;
    const asBatch = (t: tf.TensorInfo): tf.TensorInfo => ({ ...t, shape: [1, ...t.shape] });
    const out = original({ ...args, inputs: { ...args.inputs, a: asBatch(a), b: asBatch(b) } }) as tf.TensorInfo;
    return { ...out, shape: out.shape.slice(1) };
  };
}
