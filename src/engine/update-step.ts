/**
 * One Adam step on one minibatch: the composite loss (loss.ts), its gradient, gradient-norm
 * clipping and the packed Adam update. Everything the metrics need comes back in a single download,
 * taken *before* the gradients are applied, so a non-finite loss is caught while the weights are
 * still the last good ones. Used by the trainer and by the bench's train-step figure.
 */
import * as tf from '@tensorflow/tfjs';
import type { PackedAdam } from './adam';
import { NonFiniteLossError } from './errors';
import { ppoLoss, type LossSettings, type MinibatchTensors } from './loss';
import { unpackStep, type StepScalars } from './metrics';
import type { PolicyModel } from './model';

export interface StepResult {
  /** [b·T] π_θ / π_old per token, before this step's update. */
  ratio: Float32Array;
  /** [b·T] log π_θ per token from this step's forward pass. */
  lpNew: Float32Array;
  scalars: StepScalars;
}

/** @param maxGradNorm clip the gradient to this global norm (0: no clipping). */
export async function updateStep(
  policy: PolicyModel,
  optimizer: PackedAdam,
  mb: MinibatchTensors,
  s: LossSettings,
  maxGradNorm: number,
  iteration: number,
): Promise<StepResult> {
  let report: tf.Tensor1D | undefined;
  const { grads, packed } = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const loss = ppoLoss(policy, mb, s);
      // Kept: variableGrads frees whatever its function made, except the loss.
      report = tf.keep(loss.report);
      return loss.total;
    }, policy.trainable);
    // The global norm, for gradient clipping.
    const gathered = optimizer.gradients(grads);
    const norm = optimizer.squaredNorm(gathered).sqrt();
    return { grads: gathered, packed: tf.concat([report!, norm.reshape([1])]) };
  });
  report!.dispose();
  const data = (await packed.data()) as Float32Array;
  packed.dispose();
  const { ratio, lp, scalars } = unpackStep(data);
  if (!Number.isFinite(scalars.total) || !Number.isFinite(scalars.gradNorm)) {
    tf.dispose(grads);
    throw new NonFiniteLossError(iteration, Number.isFinite(scalars.total) ? 'gradient' : 'loss', String(scalars.total));
  }
  const scale = maxGradNorm > 0 ? Math.min(1, maxGradNorm / (scalars.gradNorm + 1e-6)) : 1;
  optimizer.applyGradients(grads, scale);
  tf.dispose(grads);
  return { ratio, lpNew: lp, scalars };
}
