/**
 * KL to the reference: the three sample estimators (John Schulman, "Approximating KL
 * Divergence") and adaptive β (Ziegler et al. 2019). Written once in tfjs ops, so the
 * rollout's per-token KL and the KL term of the loss are the same function.
 */
import * as tf from '@tensorflow/tfjs';

export type KlEstimator = 'k1' | 'k2' | 'k3';

/**
 * Per-token estimate of KL(π‖π_ref) from log-probs of the sampled tokens under π (the
 * sampling policy) and π_ref, with d = lp_ref − lp:
 * k1 = −d (unbiased, negative on about half the tokens), k2 = d²/2 (biased, ≥ 0),
 * k3 = (e^d − 1) − d (unbiased, ≥ 0).
 */
export function klEstimate<T extends tf.Tensor>(lp: T, lpRef: T, kind: KlEstimator): T {
  return klFromLogDiff(lpRef.sub(lp) as T, kind);
}

/** The estimators from d = lp_ref − lp directly (the loss zeroes d on padding before the exp of k3). */
export function klFromLogDiff<T extends tf.Tensor>(d: T, kind: KlEstimator): T {
  switch (kind) {
    case 'k1':
      return d.neg() as T;
    case 'k2':
      return d.square().mul(0.5) as T;
    case 'k3':
      return d.exp().sub(1).sub(d) as T;
  }
}

/** Estimates for plain arrays (the rollout's recorded log-probs), through the same ops. */
export async function klEstimateArray(lp: Float32Array, lpRef: Float32Array, kind: KlEstimator): Promise<Float32Array> {
  const t = tf.tidy(() => klEstimate(tf.tensor1d(lp), tf.tensor1d(lpRef), kind));
  const out = (await t.data()) as Float32Array;
  t.dispose();
  return out;
}

/**
 * One adaptive-β update (openai/lm-human-preferences): the error is clipped to ±20%, and
 * scaled by the episodes in this update over the horizon, so β moves smoothly toward the
 * value that keeps the KL near its target.
 */
export function adaptBeta(beta: number, klCurrent: number, klTarget: number, episodes: number, horizon: number): number {
  const error = Math.max(-0.2, Math.min(0.2, klCurrent / klTarget - 1));
  return beta * (1 + (error * episodes) / horizon);
}
