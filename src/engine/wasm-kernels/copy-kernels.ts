/**
 * Slice, SplitV and GatherV2 for the wasm backend, copying straight between views of the wasm heap,
 * and an Identity that copies nothing.
 * Why: tfjs 4.22's wasm Slice first reads its whole input out of the heap (`readSync` copies it), so
 * every split piece of Adam's flat 100k-parameter vector copied all 100k values (31 pieces: 1.5 ms a
 * step), and its GatherV2 spent ~0.8 ms gathering 384 rows of 64 floats. These do the same copies as
 * the originals (the same values, bit for bit: tests/engine/wasm-kernels.test.ts compares them with
 * the cpu backend), one contiguous run at a time.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Values are copied as bits: 4-byte dtypes (float32, int32) through Int32Array views, bool through bytes. */
type Heap = Int32Array | Uint8Array;
type KernelArgs = Parameters<tf.KernelFunc>[0];

/** A view (not a copy) of a tensor's values in the wasm heap. Take it after the last makeOutput: growing the heap detaches older views. */
function view(backend: BackendWasm, t: tf.TensorInfo): Heap {
  const values = backend.typedArrayFromHeap(t);
  return values instanceof Uint8Array ? values : new Int32Array(values.buffer, values.byteOffset, values.length);
}

/** Copies n values; very short runs by hand, where making a subarray view costs more than the copy. */
function copyRun(src: Heap, from: number, dst: Heap, to: number, n: number): void {
  if (n >= 16) dst.set(src.subarray(from, from + n), to);
  else for (let i = 0; i < n; i++) dst[to + i] = src[from + i]!;
}

const stridesOf = (shape: number[]) => {
  const strides = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) strides[i] = strides[i + 1]! * shape[i + 1]!;
  return strides;
};

/**
 * Copies the box of `size` at `begin` of a row-major array of `shape` into `out` (row-major, dense).
 * Trailing axes taken whole join the innermost contiguous run, so a slice along the first axis is one copy.
 */
export function copyBox(src: Heap, shape: number[], begin: number[], size: number[], out: Heap): void {
  const rank = shape.length;
  if (rank === 0 || size.some((s) => s === 0)) {
    if (rank === 0) out[0] = src[0]!;
    return;
  }
  const strides = stridesOf(shape);
  let axis = rank - 1;
  let run = size[axis]!;
  while (axis > 0 && size[axis] === shape[axis]) run *= size[--axis]!;
  // An odometer over the axes before `axis`; each position is one run of `run` values.
  const index = new Array<number>(axis).fill(0);
  let start = 0;
  for (let i = 0; i < rank; i++) start += begin[i]! * strides[i]!;
  for (let written = 0; written < out.length; written += run) {
    let offset = start;
    for (let i = 0; i < axis; i++) offset += index[i]! * strides[i]!;
    copyRun(src, offset, out, written, run);
    for (let i = axis - 1; i >= 0; i--) {
      if (++index[i]! < size[i]!) break;
      index[i] = 0;
    }
  }
}

function slice(backend: BackendWasm, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  copyBox(view(backend, x), x.shape, begin, size, view(backend, out));
  return out;
}

function sliceKernel(original: tf.KernelFunc) {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size) as [number[], number[]];
    return slice(args.backend as BackendWasm, x, b, s);
  };
}

function splitVKernel(original: tf.KernelFunc) {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
    const ax = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, ax);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[ax] = s;
      const piece = slice(args.backend as BackendWasm, x, begin, size);
      begin[ax]! += s;
      return piece;
    });
  };
}

function gatherKernel(original: tf.KernelFunc) {
  return (args: KernelArgs) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as tf.GatherV2Attrs;
    if (batchDims !== 0 || x.dtype === 'string' || indices.dtype !== 'int32') return original(args);
    const backend = args.backend as BackendWasm;
    const ax = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const outer = tf.util.sizeFromShape(x.shape.slice(0, ax));
    const dim = x.shape[ax]!;
    const inner = tf.util.sizeFromShape(x.shape.slice(ax + 1));
    const ids = view(backend, indices) as Int32Array;
    for (const id of ids) if (id < 0 || id >= dim) throw new Error(`GatherV2: the index value ${id} is not in [0, ${dim - 1}]`);
    const out = backend.makeOutput([...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)], x.dtype);
    const src = view(backend, x);
    const dst = view(backend, out);
    const idsNow = view(backend, indices) as Int32Array;
    let written = 0;
    for (let o = 0; o < outer; o++)
      for (const id of idsNow) {
        const from = (o * dim + id) * inner;
        copyRun(src, from, dst, written, inner);
        written += inner;
      }
    return out;
  };
}

/**
 * Identity shares the input's data instead of copying it, as the wasm backend's own Reshape does and
 * the WebGL backend's Identity does: tfjs never writes into a tensor's data once it exists (a
 * variable's assign swaps in new data), so a shared buffer cannot change under either tensor.
 * tfjs clones every tensor it saves for the backward pass through Identity: about 130 copies a step.
 */
function identityKernel(original: tf.KernelFunc) {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/** Kernel name → a replacement built around the original (which handles the cases the replacement does not). */
export const COPY_KERNELS: Record<string, (original: tf.KernelFunc) => (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]> = {
  Slice: sliceKernel,
  SplitV: splitVKernel,
  GatherV2: gatherKernel,
  Identity: identityKernel,
};
