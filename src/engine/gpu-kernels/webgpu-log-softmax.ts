/**
 * log softmax over the last axis on WebGPU as one program (ops.ts `logProbs`), where tfjs's op runs
 * six (a max, a subtraction, exp, a sum, log and a subtraction), with the temperature folded in:
 * with z = x · (1/τ), log p = (z − max z) − log Σ exp(z − max z), as tfjs computes it.
 */
import type * as tf from '@tensorflow/tfjs';
import { LOG_SOFTMAX_KERNEL } from '../ops';
import { runWgsl } from './webgpu';

function logSoftmax(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const x = args.inputs.x!;
  const { scale } = args.attrs as { scale: number };
  const V = x.shape[x.shape.length - 1]!;
  const body = `let row = index / ${V} * ${V};
    var top = -3.402823e38;
    for (var j = 0; j < ${V}; j++) { top = max(top, x[row + j] * uniforms.scale); }
    var total = 0.0;
    for (var j = 0; j < ${V}; j++) { total += exp(x[row + j] * uniforms.scale - top); }
    setOutputAtIndex(index, (x[index] * uniforms.scale - top) - log(total));`;
  return runWgsl(args, `logSoftmax_${V}`, body, { x }, x.shape, { scale });
}

export const webgpuLogSoftmaxKernel = (): tf.KernelConfig => ({
  kernelName: LOG_SOFTMAX_KERNEL,
  backendName: 'webgpu',
  kernelFunc: logSoftmax as tf.KernelFunc,
});
