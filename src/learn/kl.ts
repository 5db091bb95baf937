/**
 * The three sample estimators of KL(π‖π_ref) on a small categorical, exactly: a sample is one
 * arm x ~ π, so each estimator is a discrete random variable with K values, and its mean and
 * spread can be summed instead of sampled. The per-sample formulas are the engine's
 * (engine/kl.ts, in tfjs ops); a unit test holds this scalar form equal to them.
 */
import type { KlEstimator } from '../engine/kl';

export const ESTIMATORS: readonly KlEstimator[] = ['k1', 'k2', 'k3'];

/** One sample's estimate from d = log π_ref(x) − log π(x). */
export function klSample(d: number, kind: KlEstimator): number {
  if (kind === 'k1') return -d;
  if (kind === 'k2') return 0.5 * d * d;
  return Math.expm1(d) - d;
}

/** KL(π‖π_ref) = Σ_x π(x) (log π(x) − log π_ref(x)). */
export function exactKl(pi: readonly number[], ref: readonly number[]): number {
  return pi.reduce((s, p, x) => (p > 0 ? s + p * (Math.log(p) - Math.log(ref[x]!)) : s), 0);
}

export interface EstimatorStats {
  kind: KlEstimator;
  /** The estimate for each arm x, drawn with probability π(x). */
  values: number[];
  mean: number;
  /** mean − exact KL. */
  bias: number;
  std: number;
  /** P(estimate < 0). */
  negativeProbability: number;
}

export function estimatorStats(pi: readonly number[], ref: readonly number[], kind: KlEstimator): EstimatorStats {
  const values = pi.map((_, x) => klSample(Math.log(ref[x]!) - Math.log(pi[x]!), kind));
  const mean = values.reduce((s, v, x) => s + pi[x]! * v, 0);
  const variance = values.reduce((s, v, x) => s + pi[x]! * (v - mean) ** 2, 0);
  const negativeProbability = values.reduce((s, v, x) => s + (v < -1e-12 ? pi[x]! : 0), 0);
  return { kind, values, mean, bias: mean - exactKl(pi, ref), std: Math.sqrt(variance), negativeProbability };
}

/** ∂ KL(softmax(z) ‖ ref) / ∂z_j = π_j (log π_j − log ref_j − KL), in closed form. */
export function exactKlGradient(pi: readonly number[], ref: readonly number[]): number[] {
  const kl = exactKl(pi, ref);
  return pi.map((p, j) => p * (Math.log(p) - Math.log(ref[j]!) - kl));
}

/**
 * What an estimator does as a loss term: the expected gradient with respect to the logits
 * when the sampled token is held fixed and only log π(x) moves, E_{x~π}[∂k/∂log π(x) · ∇ log π(x)].
 * k1's is zero (the score has mean zero), k2's is the true gradient of KL(π‖π_ref), k3's is
 * the gradient of the reverse KL(π_ref‖π).
 */
export function estimatorGradient(pi: readonly number[], ref: readonly number[], kind: KlEstimator): number[] {
  const out = new Array<number>(pi.length).fill(0);
  pi.forEach((p, x) => {
    const d = Math.log(ref[x]!) - Math.log(p);
    const dk = kind === 'k1' ? 1 : kind === 'k2' ? -d : -Math.expm1(d);
    for (let j = 0; j < pi.length; j++) out[j]! += p * dk * ((j === x ? 1 : 0) - pi[j]!);
  });
  return out;
}
