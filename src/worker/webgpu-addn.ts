/**
 * A fix for tfjs-backend-webgpu 4.22's AddN kernel, installed when WebGPU starts.
 *
 * Its shader binds every input as a storage buffer, plus one for the output, and never
 * splits: with more than `maxStorageBuffersPerShaderStage − 1` inputs (7 under WebGPU's
 * default limit of 8, which tfjs does not raise) the pipeline is invalid, the device only
 * logs a warning, and the result is whatever the output buffer held. The trainer's global
 * gradient norm was an addN over every parameter's squared norm (32 of them), so on WebGPU
 * every update read back zeros: ratios 0, losses 0, gradient norm 0 (the engine now uses one
 * concat instead; this keeps any later addN correct). tfjs already splits Concat this way
 * (tensorflow/tfjs#6532); AddN was missed.
 *
 * The replacement sums groups of at most `maxInputs` with the original kernel, then sums
 * the partial sums, so every shader stays within the limit.
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type KernelInputs = Parameters<tf.KernelFunc>[0]['inputs'];
interface DisposingBackend {
  disposeData(dataId: tf.DataId): void;
}
/** AddN takes its inputs as an array (the kernel calls .length and .map on it). */
const asInputs = (list: TensorInfo[]) => list as unknown as KernelInputs;

export function installWebGpuAddNFix(maxStorageBuffers: number): void {
  const original = tf.getKernel('AddN', 'webgpu');
  if (!original) return;
  const maxInputs = Math.max(2, maxStorageBuffers - 1);
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      let level = inputs as unknown as TensorInfo[];
      const partials: TensorInfo[] = [];
      while (level.length > maxInputs) {
        const next: TensorInfo[] = [];
        for (let i = 0; i < level.length; i += maxInputs) {
          const group = level.slice(i, i + maxInputs);
          const sum = group.length === 1 ? group[0]! : (original.kernelFunc({ inputs: asInputs(group), backend, attrs }) as TensorInfo);
          if (group.length > 1) partials.push(sum);
          next.push(sum);
        }
        level = next;
      }
      const result = original.kernelFunc({ inputs: asInputs(level), backend, attrs }) as TensorInfo;
      // Partial sums are backend data of ours, not tensors: free them as tfjs's own Concat split does.
      for (const p of partials) (backend as DisposingBackend).disposeData(p.dataId);
      return result;
    },
  });
}
