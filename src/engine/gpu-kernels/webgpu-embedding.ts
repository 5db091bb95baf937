/**
 * The embeddings on WebGPU, one program each way (ops.ts `embed` and `gatherRows`).
 *
 * Forward: x = wte[tokens] + wpe[positions], where the plain ops run two gathers and an add.
 * Backward: row v of a table's gradient is the sum of the rows of dy whose id is v. The plain ops
 * build a one-hot matrix and multiply by it (three programs, the product split across workgroups
 * that add into the output with atomics); here one invocation per table entry adds its rows in order.
 */
import type * as tf from '@tensorflow/tfjs';
import { EMBED_KERNEL, GATHER_ROWS_GRAD_KERNEL } from '../ops';
import { runWgsl } from './webgpu';

type KernelArgs = Parameters<tf.KernelFunc>[0];

function embed(args: KernelArgs): tf.TensorInfo {
  const { wte, wpe, tokens, positions } = args.inputs as Record<string, tf.TensorInfo>;
  const d = wte!.shape[1]!;
  const n = tokens!.shape[0]!;
  const body = `let r = index / ${d};
    let c = index % ${d};
    setOutputAtIndex(index, wte[tokens[r] * ${d} + c] + wpe[positions[r] * ${d} + c]);`;
  return runWgsl(args, `embed_${d}`, body, { wte: wte!, wpe: wpe!, tokens: tokens!, positions: positions! }, [n, d]);
}

function gatherRowsGrad(args: KernelArgs): tf.TensorInfo {
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

export const webgpuEmbeddingKernels = (): tf.KernelConfig[] => [
  { kernelName: EMBED_KERNEL, backendName: 'webgpu', kernelFunc: embed as tf.KernelFunc },
  { kernelName: GATHER_ROWS_GRAD_KERNEL, backendName: 'webgpu', kernelFunc: gatherRowsGrad as tf.KernelFunc },
];
