/**
 * Sum for the wasm backend: a sum over the rows of a matrix (a bias's gradient: g summed over its
 * rows) runs as simd.wat's `columnSums`, adding the rows in order; tfjs's Sum reduces only over
 * trailing axes, so it first transposes the whole matrix. Other sums go to tfjs's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { pointer, simdKernels } from './simd-module';

type KernelArgs = Parameters<tf.KernelFunc>[0];

export function sumKernel(original: tf.KernelFunc) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const backend = args.backend as BackendWasm;
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const overRows = x.shape.length === 2 && axes.length === 1 && axes[0] === 0 && !keepDims && x.dtype === 'float32';
    const kernels = overRows ? simdKernels(backend) : null;
    if (!kernels) return original(args) as tf.TensorInfo;
    const [rows, cols] = x.shape as [number, number];
    const out = backend.makeOutput([cols], 'float32');
    kernels.columnSums(pointer(backend, x), pointer(backend, out), rows, cols);
    return out;
  };
}
