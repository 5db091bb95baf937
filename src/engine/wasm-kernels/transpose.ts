/**
 * Transpose for the wasm backend with the lab's SIMD kernel (simd.wat): tfjs's own took 3.2 ms to
 * transpose a 2048×256 matrix, about 6 ns a value, and the backward pass transposes activations of
 * that size. Every permutation that reduces to a batch of block transposes runs here (matrices,
 * attention's [0, 2, 1, 3]); any other falls back to tfjs's kernel. Values are copied bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { pointer, simdKernels } from './simd-module';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * The same permutation on the fewest axes: axes of size 1 dropped, and input axes that stay next to
 * each other, in order, merged into one. E.g. [B, T, H, d] by [0, 2, 1, 3] stays as it is, while
 * [1, 6, 4, 5] by [0, 2, 3, 1] becomes [6, 20] by [1, 0].
 */
export function reducePermutation(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const kept = perm.filter((axis) => shape[axis]! > 1);
  // Runs of output axes that read consecutive input axes become one axis.
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups.at(-1);
    if (last && last.at(-1)! + 1 === axis) last.push(axis);
    else groups.push([axis]);
  }
  const byInput = [...groups].sort((a, b) => a[0]! - b[0]!);
  return {
    shape: byInput.map((g) => g.reduce((size, axis) => size * shape[axis]!, 1)),
    perm: groups.map((g) => byInput.indexOf(g)),
  };
}

/** The kernel's view of a reduced permutation: `outer` transposes of rows×cols blocks of `inner` values, or null. */
export function asBlockTranspose(shape: readonly number[], perm: readonly number[]) {
  const key = perm.join(',');
  const [a = 1, b = 1, c = 1, d = 1] = shape;
  if (perm.length <= 1) return { outer: 1, rows: 1, cols: 1, inner: a };
  if (key === '1,0') return { outer: 1, rows: a, cols: b, inner: 1 };
  if (key === '0,2,1') return { outer: a, rows: b, cols: c, inner: 1 };
  if (key === '1,0,2') return { outer: 1, rows: a, cols: b, inner: c };
  if (key === '0,2,1,3') return { outer: a, rows: b, cols: c, inner: d };
  return null;
}

export function transposeKernel(original: tf.KernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const x = args.inputs.x as tf.TensorInfo;
    const { perm } = args.attrs as unknown as tf.TransposeAttrs;
    const backend = args.backend as BackendWasm;
    const kernels = x.dtype === 'float32' || x.dtype === 'int32' ? simdKernels(backend) : null;
    const reduced = reducePermutation(x.shape, perm);
    const blocks = asBlockTranspose(reduced.shape, reduced.perm);
    if (!kernels || !blocks) return original(args) as tf.TensorInfo;
    const out = backend.makeOutput(
      perm.map((axis) => x.shape[axis]!),
      x.dtype,
    );
    if (tf.util.sizeFromShape(x.shape) > 0)
      kernels.transpose(pointer(backend, x), pointer(backend, out), blocks.outer, blocks.rows, blocks.cols, blocks.inner);
    return out;
  };
}
