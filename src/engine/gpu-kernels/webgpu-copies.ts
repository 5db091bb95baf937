/**
 * Contiguous joins and cuts on WebGPU as buffer copies instead of GPU programs. tfjs runs a
 * program for every Concat, Pack, Slice and each part of a SplitV or Unpack, even where the part
 * is one contiguous run of the buffer: a split of the flat Adam update into the model's 31 weights
 * is 31 programs. On a real GPU each program costs 0.13 to 0.2 ms of CPU time (issue 12: a bind
 * group, a uniform buffer and Dawn's work at submit), which is what makes small models slow there;
 * a copy between buffers needs none of that.
 *
 * Each kernel here takes the copy route when every part is one run of its buffer (the axis is the
 * first whose extent is not 1, or the slice is contiguous) and hands every other case to tfjs's own
 * kernel. The copies use tfjs's command encoder and follow its rules: a copy may not run inside a
 * compute pass, and a buffer the queue still uses is released only after the next submit.
 *
 * This reads private parts of tfjs's WebGPUBackend (4.22, pinned in package-lock.json); the browser
 * test tests/e2e/gpu-kernels.test.ts checks every kernel here against the plain ops.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelArgs, Route } from './webgpu-routes';

/** The parts of tfjs's WebGPUBackend the copies use. */
interface WebGPUBackendInternals {
  tensorMap: { get(dataId: tf.DataId): { resource?: unknown; values?: unknown } | undefined };
  commandEncoder: { copyBufferToBuffer(src: unknown, srcOffset: number, dst: unknown, dstOffset: number, size: number): void };
  commandQueueOwnedIds: WeakSet<tf.DataId>;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  uploadToGPU(dataId: tf.DataId): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
}

/** Buffer copies made, for the bench's count beside the GPU programs (kernel-count.ts). */
export const bufferCopies = { count: 0 };

/** Bytes per element of every dtype a copy takes (bool is stored as int32 on WebGPU). */
const BYTES = 4;

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** A run of one tensor's buffer: `size` elements from element `offset`. */
interface Run {
  tensor: tf.TensorInfo;
  offset: number;
  size: number;
}

/**
 * Whether the copy route can take these tensors: numbers of one dtype, none empty, and not all still
 * on the CPU (tfjs keeps those there).
 */
function copyable(backend: WebGPUBackendInternals, tensors: tf.TensorInfo[]): boolean {
  const dtype = tensors[0]?.dtype;
  if (dtype === undefined || dtype === 'string' || dtype === 'complex64') return false;
  if (tensors.some((t) => t.dtype !== dtype || product(t.shape) === 0)) return false;
  return tensors.some((t) => backend.tensorMap.get(t.dataId)?.resource != null);
}

/** A new tensor of `shape` made of `runs` one after another. */
function joined(backend: WebGPUBackendInternals, runs: Run[], shape: number[], dtype: tf.DataType): tf.TensorInfo {
  const out = backend.makeTensorInfo(shape, dtype);
  backend.uploadToGPU(out.dataId);
  for (const r of runs) backend.uploadToGPU(r.tensor.dataId);
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  const dst = backend.tensorMap.get(out.dataId)!.resource;
  let at = 0;
  for (const r of runs) {
    const src = backend.tensorMap.get(r.tensor.dataId)!.resource;
    backend.commandEncoder.copyBufferToBuffer(src, r.offset * BYTES, dst, at * BYTES, r.size * BYTES);
    backend.commandQueueOwnedIds.add(r.tensor.dataId);
    bufferCopies.count++;
    at += r.size;
  }
  backend.commandQueueOwnedIds.add(out.dataId);
  return out;
}

/**
 * Parts of x of the given extents along `axis`, when the dims before it are all 1; with `drop`,
 * each part of extent 1 loses that axis (Unpack).
 */
function cutAlong(
  backend: WebGPUBackendInternals,
  x: tf.TensorInfo,
  axis: number,
  extents: number[],
  drop = false,
): tf.TensorInfo[] | null {
  if (product(x.shape.slice(0, axis)) !== 1 || !copyable(backend, [x])) return null;
  const inner = product(x.shape.slice(axis + 1));
  let offset = 0;
  return extents.map((n) => {
    const shape = drop ? x.shape.filter((_, i) => i !== axis) : x.shape.map((d, i) => (i === axis ? n : d));
    const run = { tensor: x, offset, size: n * inner };
    offset += run.size;
    return joined(backend, [run], shape, x.dtype);
  });
}

/** Whole tensors one after another, as a new tensor of `shape`. */
const joinWhole = (backend: WebGPUBackendInternals, xs: tf.TensorInfo[], shape: number[]) =>
  joined(
    backend,
    xs.map((t) => ({ tensor: t, offset: 0, size: product(t.shape) })),
    shape,
    xs[0]!.dtype,
  );

/** A kernel's tensor inputs in order (Concat and Pack take a list). */
const listed = (inputs: KernelArgs['inputs']) => Object.values(inputs).filter((t): t is tf.TensorInfo => t !== undefined);

const normalAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** Each kernel's copy route: null where the parts are not contiguous (tfjs's kernel runs instead). */
export const COPY_ROUTES: Record<string, Route<WebGPUBackendInternals>> = {
  Concat(backend, { inputs, attrs }) {
    const xs = listed(inputs).filter((t) => product(t.shape) > 0);
    const first = xs[0];
    if (!first) return null;
    const axis = normalAxis((attrs as { axis: number }).axis, first.shape.length);
    if (product(first.shape.slice(0, axis)) !== 1 || !copyable(backend, xs)) return null;
    const shape = first.shape.map((d, i) => (i === axis ? xs.reduce((n, t) => n + t.shape[axis]!, 0) : d));
    return joinWhole(backend, xs, shape);
  },
  Pack(backend, { inputs, attrs }) {
    const xs = listed(inputs);
    const first = xs[0];
    if (!first) return null;
    const axis = normalAxis((attrs as { axis: number }).axis, first.shape.length + 1);
    if (product(first.shape.slice(0, axis)) !== 1 || !copyable(backend, xs)) return null;
    const shape = [...first.shape.slice(0, axis), xs.length, ...first.shape.slice(axis)];
    return joinWhole(backend, xs, shape);
  },
  Slice(backend, { inputs, attrs }) {
    const x = inputs.x!;
    const a = attrs as { begin: number[]; size: number[] };
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, a.begin, a.size) as [number[], number[]];
    if (product(size) === 0 || !tf.slice_util.isSliceContinous(x.shape, begin, size) || !copyable(backend, [x])) return null;
    const offset = tf.slice_util.computeFlatOffset(begin, tf.util.computeStrides(x.shape));
    return joined(backend, [{ tensor: x, offset, size: product(size) }], size, x.dtype);
  },
  SplitV(backend, { inputs, attrs }) {
    const x = inputs.x!;
    const a = attrs as { numOrSizeSplits: number[] | number; axis: number };
    const axis = normalAxis(a.axis, x.shape.length);
    const extents = tf.backend_util.prepareSplitSize(x as tf.Tensor, a.numOrSizeSplits, axis);
    return cutAlong(backend, x, axis, extents);
  },
  Unpack(backend, { inputs, attrs }) {
    const x = inputs.value!;
    const axis = normalAxis((attrs as { axis: number }).axis, x.shape.length);
    return cutAlong(backend, x, axis, new Array<number>(x.shape[axis]!).fill(1), true);
  },
};
