/**
 * The composite PPO loss (public/docs/algorithms.md), in tfjs ops, for one minibatch:
 *
 *   loss = −J_clip + c_v · value_loss − c_ent · entropy (+ β · KL if KL is in the loss)
 *
 * Everything per token is [b, T] over completion positions; how the per-token terms
 * are averaged (the loss type) is carried by `policyWeights`, built in minibatch.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { PolicyModel } from './model';
import { klFromLogDiff, type KlEstimator } from './kl';
import { logProbs, pickColumns } from './ops';

/** L_t = min(r·A, clip(r, 1 − ε_low, 1 + ε_high)·A): the pessimistic clipped surrogate. */
export function clippedSurrogate<T extends tf.Tensor>(ratio: T, adv: T, epsLow: number, epsHigh: number): T {
  return tf.minimum(ratio.mul(adv), ratio.clipByValue(1 - epsLow, 1 + epsHigh).mul(adv)) as T;
}

/** Σ w·x over [b, T]: with token weights, the mean over completion tokens (padding has weight 0). */
const weightedSum = (x: tf.Tensor, weights: tf.Tensor2D) => x.mul(weights).sum() as tf.Scalar;

/** Entropy of each position's distribution, −Σ_v p·log p, from log-probs [N, V]. */
const tokenEntropy = (logp: tf.Tensor2D) => logp.exp().mul(logp).sum(-1).neg();

export interface MinibatchTensors {
  /** [b, P + T − 1] prompt + completion tokens, the last completion token dropped (it predicts nothing). */
  inputs: tf.Tensor2D;
  /** [b·T] completion tokens, the targets of positions P − 1 ... */
  targets: tf.Tensor1D;
  lpOld: tf.Tensor2D;
  lpRef: tf.Tensor2D;
  advantages: tf.Tensor2D;
  returns: tf.Tensor2D;
  valuesOld: tf.Tensor2D;
  /** True on completion tokens, false on padding. */
  mask: tf.Tensor2D;
  /** Loss-type weights: Σ weights · L_t is the averaged surrogate (0 on padding). */
  policyWeights: tf.Tensor2D;
  /** 1 / (completion tokens in the minibatch) on completion tokens: a plain token mean. */
  tokenWeights: tf.Tensor2D;
}

export interface LossSettings {
  /** REINFORCE uses r·A unclipped; PPO and GRPO the clipped surrogate. */
  clipped: boolean;
  epsLow: number;
  epsHigh: number;
  /** PPO only: the value head is trained with weight vfCoef, clipped around the rollout values when vfClip > 0. */
  critic: boolean;
  vfCoef: number;
  vfClip: number;
  entCoef: number;
  /** The KL is a term of the loss: computed (and reported) even when β = 0. */
  klInLoss: boolean;
  /** β of the KL term when the KL is in the loss; 0 otherwise. */
  klBeta: number;
  klEstimator: KlEstimator;
  temperature: number;
  promptLength: number;
}

/** The scalar loss and what the metrics need, all as tensors (nothing downloaded here). */
export interface LossParts {
  total: tf.Scalar;
  policy: tf.Scalar;
  value: tf.Scalar;
  entropy: tf.Scalar;
  /** The KL term before β (0 when the KL is not in the loss). */
  kl: tf.Scalar;
  /** Share of tokens where the clipped value term was the larger one. */
  valueClipfrac: tf.Scalar;
  /** [b, T] π_θ / π_old of every token (exactly 1 on padding). */
  ratio: tf.Tensor2D;
  /** [b, T] log π_θ of every token at the sampling temperature (padding: the pad target's). */
  lp: tf.Tensor2D;
}

export function ppoLoss(model: PolicyModel, mb: MinibatchTensors, s: LossSettings): LossParts {
  const [b, T] = mb.lpOld.shape;
  const out = model.forward(mb.inputs, s.promptLength - 1);
  const logp = logProbs(out.logits.reshape([b * T, model.vocabSize]) as tf.Tensor2D, s.temperature);
  const lp = pickColumns(logp, mb.targets).reshape([b, T]) as tf.Tensor2D;

  // Padding keeps lp_old = lp_ref = 0 while lp there is log π(pad target), which can be below
  // −88 at a low temperature: any exp of it overflows, and Inf × weight 0 is NaN (in the loss and
  // in its gradient). So every log-difference is zeroed on padding *before* an exp.
  const onTokens = (x: tf.Tensor2D) => tf.where(mb.mask, x, tf.zerosLike(x));
  const ratio = onTokens(lp.sub(mb.lpOld)).exp() as tf.Tensor2D;
  const surrogate = s.clipped ? clippedSurrogate(ratio, mb.advantages, s.epsLow, s.epsHigh) : ratio.mul(mb.advantages);
  const policy = weightedSum(surrogate, mb.policyWeights).neg();

  const entropy = weightedSum(tokenEntropy(logp).reshape([b, T]), mb.tokenWeights);

  let value = tf.scalar(0);
  let valueClipfrac = tf.scalar(0);
  if (s.critic && out.values) {
    const err = out.values.sub(mb.returns).square();
    if (s.vfClip > 0) {
      const clippedV = mb.valuesOld.add(out.values.sub(mb.valuesOld).clipByValue(-s.vfClip, s.vfClip));
      const errClipped = clippedV.sub(mb.returns).square();
      value = weightedSum(tf.maximum(err, errClipped), mb.tokenWeights).mul(0.5);
      valueClipfrac = weightedSum(errClipped.greater(err).cast('float32'), mb.tokenWeights);
    } else {
      value = weightedSum(err, mb.tokenWeights).mul(0.5);
    }
  }

  const kl = s.klInLoss ? weightedSum(klFromLogDiff(onTokens(mb.lpRef.sub(lp)), s.klEstimator), mb.policyWeights) : tf.scalar(0);

  const total = policy
    .add(value.mul(s.critic ? s.vfCoef : 0))
    .sub(entropy.mul(s.entCoef))
    .add(kl.mul(s.klBeta)) as tf.Scalar;
  return { total, policy, value: value, entropy, kl, valueClipfrac: valueClipfrac, ratio, lp };
}
