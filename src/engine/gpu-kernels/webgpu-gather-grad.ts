/**
 * The gradient of a row gather (ops.ts `gatherRows`, the embeddings) on WebGPU as one program: row
 * v of the table's gradient is the sum of the rows of dy whose id is v. The plain ops build a one-hot
 * matrix and multiply by it (three programs, the product split across workgroups that add into
 * the output with atomics); here one invocation per table entry adds its rows in order.
 */
import type * as tf from '@tensorflow/tfjs';
import { GATHER_ROWS_GRAD_KERNEL } from '../ops';
import { runWgsl } from './webgpu';

function gatherRowsGrad(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { dy, ids } = args.inputs as Record<string, tf.TensorInfo>;
  const { vocab } = args.attrs as { vocab: number };
  const [n, d] = dy!.shape as [number, number];
  const body = `let v = index / ${d};
    let c = index % ${d};
    var total = 0.0;
    for (var r = 0; r < ${n}; r++) { if (ids[r] == v) { total += dy[r * ${d} + c]; } }
    setOutputAtIndex(index, total);`;
  return runWgsl(args, `gatherRowsGrad_${n}_${d}`, body, { dy: dy!, ids: ids! }, [vocab, d]);
}

export const webgpuGatherRowsGradKernel = (): tf.KernelConfig => ({
  kernelName: GATHER_ROWS_GRAD_KERNEL,
  backendName: 'webgpu',
  kernelFunc: gatherRowsGrad as tf.KernelFunc,
});
