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
import { LOSS_SCALARS } from './metrics';
import { logProbs, oneHotFloat, pickColumns, select, view } from './ops';

/** The two arms of the clipped surrogate: r·A and clip(r, 1 − ε_low, 1 + ε_high)·A. */
function surrogateArms<T extends tf.Tensor>(ratio: T, adv: T, epsLow: number, epsHigh: number): { unclipped: T; clipped: T } {
  return { unclipped: ratio.mul(adv) as T, clipped: ratio.clipByValue(1 - epsLow, 1 + epsHigh).mul(adv) as T };
}

/** L_t = min(r·A, clip(r, 1 − ε_low, 1 + ε_high)·A): the pessimistic clipped surrogate. */
export function clippedSurrogate<T extends tf.Tensor>(ratio: T, adv: T, epsLow: number, epsHigh: number): T {
  const { unclipped, clipped } = surrogateArms(ratio, adv, epsLow, epsHigh);
  return tf.minimum(unclipped, clipped) as T;
}

/** Σ w·x over [b, T]: with token weights, the mean over completion tokens (padding has weight 0). */
const weightedSum = (x: tf.Tensor, weights: tf.Tensor2D) => x.mul(weights).sum() as tf.Scalar;

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

/** The loss of one minibatch, as tensors (nothing downloaded here). */
export interface LossOutput {
  /** The loss to minimise: the one output with a gradient. */
  total: tf.Scalar;
  /**
   * Everything a step reports, for one download: the LOSS_SCALARS (metrics.ts) in order, then per
   * token [b·T] π_θ / π_old (exactly 1 on padding) and log π_θ at the sampling temperature (on
   * padding, the pad target's). `unpackLoss` reads it. Only its total entry is differentiated
   * (through `total`): the other parts are numbers to report, and differentiating them would give 0.
   */
  report: tf.Tensor1D;
}

/** Where the total sits in the report. */
const TOTAL = LOSS_SCALARS.indexOf('total');

/**
 * The loss of one minibatch. The per-token part (everything after the model's logits and values)
 * is one custom-gradient op: its forward pass is the ops above, term by term, and its backward pass
 * is the closed form below, a dozen kernels where tfjs's autodiff of the same ops ran about eighty
 * per step. With z = logits / τ, log p = log softmax(z), lp = log p(target), r = exp(lp − lp_old):
 *   ∂/∂lp   = −w·A·r·[r·A ≤ clip(r)·A]  (the policy term; only the unclipped branch has a gradient)
 *            − β·w·k′(d)                  (the KL term, d = lp_ref − lp: k′ = −1, d, e^d − 1 for k1, k2, k3)
 *   ∂/∂log p = onehot(target)·∂/∂lp + c_ent·w_tok·p·(log p + 1)   (the entropy −Σ p log p)
 *   ∂/∂z    = ∂/∂log p − p·Σ ∂/∂log p,  ∂/∂logits = ∂/∂z / τ
 *   ∂/∂V    = c_v·w_tok·(V − R), or where clipping won, the clipped error's (V_clip − R) if the clip did not bind
 * (w the loss-type weight, w_tok the token weight, 0 on padding).
 * tests/engine/loss-gradient.test.ts checks the gradient against tfjs's autodiff of the plain ops.
 */
export function ppoLoss(model: PolicyModel, mb: MinibatchTensors, s: LossSettings): LossOutput {
  const N = mb.lpOld.size;
  const out = model.forward(mb.inputs, s.promptLength - 1);
  const logits = view<tf.Tensor2D>(out.logits, [N, model.vocabSize]);
  const values = s.critic ? out.values : null;
  // The op's one output is the report, total included (a custom op's other tensors would not
  // outlive its forward pass); the total is then taken out of it by `entry`.
  const loss = tf.customGrad((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [lg, v] = args as [tf.Tensor2D, tf.Tensor2D | undefined];
    const t = tokenTerms(lg, v ?? null, mb, s);
    // Saving copies a tensor (a kernel each): only what the backward pass reads, log p only for the entropy bonus.
    const critic = t.dValues !== null;
    save([t.p, t.dLp, ...(t.dValues ? [t.dValues] : []), ...(s.entCoef === 0 ? [] : [t.logp])]);
    return {
      value: tf.concat([tf.stack(LOSS_SCALARS.map((k) => t[k])), t.ratio.flatten(), t.lp.flatten()]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [p, dLp, ...rest] = saved as [tf.Tensor2D, tf.Tensor2D, ...tf.Tensor2D[]];
        const dValues = critic ? rest.shift() : undefined;
        const logp = rest.shift();
        const dTotal = dy.slice([TOTAL], [1]).reshape([]);
        const dPicked = oneHotFloat(mb.targets, model.vocabSize).mul(dLp.reshape([N, 1]));
        // Without an entropy bonus its term is left out: adding it times 0 would change nothing but the kernel count.
        const dLogp = logp ? dPicked.add(p.mul(logp.add(1)).mul(mb.tokenWeights.mul(s.entCoef).reshape([N, 1]))) : dPicked;
        const dz = dLogp.sub(p.mul(dLogp.sum(-1, true)));
        const dLogits = dz.mul(s.temperature === 1 ? dTotal : dTotal.div(s.temperature));
        return dValues ? [dLogits, dValues.mul(dTotal)] : [dLogits];
      },
    };
  });
  const report = (values ? loss(logits, values) : loss(logits)) as tf.Tensor1D;
  return { total: entry(report, TOTAL), report };
}

/**
 * Entry i of a vector as a scalar, its gradient flowing to that entry alone: two kernels each way,
 * where a split or a slice on the gradient tape keeps copies and makes zeros for every other part.
 */
function entry(v: tf.Tensor1D, i: number): tf.Scalar {
  const n = v.shape[0];
  const f = tf.customGrad((x) => ({
    value: (x as tf.Tensor1D).slice([i], [1]).reshape([]),
    gradFunc: (dy: tf.Tensor) => tf.pad(dy.reshape([1]), [[i, n - i - 1]]),
  }));
  return f(v) as tf.Scalar;
}

/** The forward pass of the per-token loss, with the gradient coefficients its backward pass needs. */
function tokenTerms(logits: tf.Tensor2D, values: tf.Tensor2D | null, mb: MinibatchTensors, s: LossSettings) {
  const [b, T] = mb.lpOld.shape;
  const logp = logProbs(logits, s.temperature);
  const lp = pickColumns(logp, mb.targets).reshape([b, T]) as tf.Tensor2D;

  // Padding keeps lp_old = lp_ref = 0 while lp there is log π(pad target), which can be below
  // −88 at a low temperature: any exp of it overflows, and Inf × weight 0 is NaN (in the loss and
  // in its gradient). So every log-difference is zeroed on padding *before* an exp.
  const zeros = tf.zerosLike(lp);
  const onTokens = (x: tf.Tensor2D) => select(mb.mask, x, zeros);
  const ratio = onTokens(lp.sub(mb.lpOld)).exp() as tf.Tensor2D;
  const A = mb.advantages;
  // clippedSurrogate, with its arms kept for the gradient below.
  const arms = s.clipped ? surrogateArms(ratio, A, s.epsLow, s.epsHigh) : null;
  const surrogate = arms ? tf.minimum(arms.unclipped, arms.clipped) : ratio.mul(A);
  const policy = weightedSum(surrogate, mb.policyWeights).neg();
  // ∂L_policy/∂lp: tfjs's minimum sends the gradient to r·A where r·A ≤ clip(r)·A, and there clip(r) = r
  // unless r·A = clip(r)·A exactly; the clipped branch, where it wins, has r outside the range: no gradient.
  const unclippedWins = arms ? arms.unclipped.lessEqual(arms.clipped) : null;
  const dPolicy = onTokens(
    mb.policyWeights
      .mul(A)
      .mul(ratio)
      .neg()
      .mul(unclippedWins ? unclippedWins.cast('float32') : 1),
  );

  const p = logp.exp() as tf.Tensor2D;
  const entropy = weightedSum(p.mul(logp).sum(-1).neg().reshape([b, T]), mb.tokenWeights);

  let value = tf.scalar(0);
  let valueClipfrac = tf.scalar(0);
  let dValues: tf.Tensor2D | null = null;
  if (s.critic && values) {
    const diff = values.sub(mb.returns);
    const err = diff.square();
    if (s.vfClip > 0) {
      const delta = values.sub(mb.valuesOld);
      const deltaClipped = delta.clipByValue(-s.vfClip, s.vfClip);
      const diffClipped = mb.valuesOld.add(deltaClipped).sub(mb.returns);
      const errClipped = diffClipped.square();
      value = weightedSum(tf.maximum(err, errClipped), mb.tokenWeights).mul(0.5);
      valueClipfrac = weightedSum(errClipped.greater(err).cast('float32'), mb.tokenWeights);
      // tfjs's maximum sends the gradient to err where err ≥ errClipped; the clipped error
      // reaches V only where the clip did not bind.
      const clipFree = deltaClipped.equal(delta);
      const dErr = select(err.greaterEqual(errClipped), diff, select(clipFree, diffClipped, zeros));
      dValues = dErr.mul(mb.tokenWeights).mul(s.vfCoef) as tf.Tensor2D;
    } else {
      value = weightedSum(err, mb.tokenWeights).mul(0.5);
      dValues = diff.mul(mb.tokenWeights).mul(s.vfCoef) as tf.Tensor2D;
    }
  }

  let kl = tf.scalar(0);
  let dLp = dPolicy;
  if (s.klInLoss) {
    const d = onTokens(mb.lpRef.sub(lp) as tf.Tensor2D);
    kl = weightedSum(klFromLogDiff(d, s.klEstimator), mb.policyWeights);
    if (s.klBeta !== 0) dLp = dPolicy.sub(mb.policyWeights.mul(klSlope(d, s.klEstimator)).mul(s.klBeta));
  }

  // A term whose coefficient is 0 is left out: adding it times 0 would change nothing but the kernel count.
  let total = policy;
  if (s.critic && s.vfCoef !== 0) total = total.add(value.mul(s.vfCoef));
  if (s.entCoef !== 0) total = total.sub(entropy.mul(s.entCoef));
  if (s.klBeta !== 0) total = total.add(kl.mul(s.klBeta));
  return {
    total: total as tf.Scalar,
    policy,
    value,
    entropy,
    kl,
    valueClipfrac,
    ratio,
    lp,
    p,
    logp,
    dLp: dLp as tf.Tensor2D,
    dValues,
  };
}

/** dk/dd of each KL estimator of d = lp_ref − lp (kl.ts): k1 = −d, k2 = d²/2, k3 = e^d − 1 − d. */
function klSlope(d: tf.Tensor2D, kind: KlEstimator): tf.Tensor2D | number {
  switch (kind) {
    case 'k1':
      return -1;
    case 'k2':
      return d;
    case 'k3':
      return d.exp().sub(1) as tf.Tensor2D;
  }
}
