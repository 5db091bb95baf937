/**
 * The appendix's K-armed categorical: a softmax policy π = softmax(z) over K arms with fixed
 * payoffs R_k. Everything here is exact or seeded, small enough to recompute on every drag:
 * J(z) = Σ π_k R_k, its exact gradient, and REINFORCE's Monte Carlo estimate of that gradient.
 */
import type { Rng } from '../engine/rng';

export function softmax(z: readonly number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** J(z) = E_{k~π}[R_k] = Σ_k π_k R_k. */
export function objective(z: readonly number[], payoff: readonly number[]): number {
  return softmax(z).reduce((s, p, k) => s + p * payoff[k]!, 0);
}

/** ∇_z log π_k = e_k − π (the score of arm k). */
export function score(pi: readonly number[], k: number): number[] {
  return pi.map((p, j) => (j === k ? 1 : 0) - p);
}

/** The exact gradient ∂J/∂z_j = π_j (R_j − J), i.e. E_{k~π}[R_k ∇ log π_k] summed in closed form. */
export function exactGradient(z: readonly number[], payoff: readonly number[]): number[] {
  const pi = softmax(z);
  const j = pi.reduce((s, p, k) => s + p * payoff[k]!, 0);
  return pi.map((p, k) => p * (payoff[k]! - j));
}

export interface McEstimate {
  /** The N-sample average of (R_k − b) ∇ log π_k. */
  mean: number[];
  /** Per logit, the variance of one sample's term (the estimate's variance is this / N). */
  sampleVariance: number[];
  /** Σ_j of the estimate's variance (sampleVariance / N): one number for the spread. */
  totalVariance: number;
  /** Arms drawn, in order. */
  draws: number[];
}

/**
 * REINFORCE: draw N arms from π with the seeded stream, average (R_k − b) ∇ log π_k.
 * `baseline` is b (0 = no baseline); it must not depend on the arm drawn.
 */
export function reinforceEstimate(
  z: readonly number[],
  payoff: readonly number[],
  n: number,
  baseline: number,
  rng: Rng,
): McEstimate {
  const pi = softmax(z);
  const K = pi.length;
  const sum = new Array<number>(K).fill(0);
  const sumSq = new Array<number>(K).fill(0);
  const draws: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = rng.categorical(pi);
    draws.push(k);
    const w = payoff[k]! - baseline;
    // (R_k − b) times the score e_k − π, written out: no array per draw, widgets redraw this often.
    for (let j = 0; j < K; j++) {
      const g = w * ((j === k ? 1 : 0) - pi[j]!);
      sum[j]! += g;
      sumSq[j]! += g * g;
    }
  }
  const mean = sum.map((v) => v / n);
  const sampleVariance = sumSq.map((v, j) => Math.max(0, v / n - mean[j]! ** 2));
  return { mean, sampleVariance, totalVariance: sampleVariance.reduce((a, b) => a + b, 0) / n, draws };
}

/**
 * The exact variance of one sample's term (R_k − b) ∂_j log π_k, summed over the logits j:
 * E[‖(R − b) ∇ log π‖²] − ‖∇J‖². It is smallest near b = J, which is why the baseline helps.
 */
export function exactSampleVariance(z: readonly number[], payoff: readonly number[], baseline: number): number {
  const pi = softmax(z);
  const grad = exactGradient(z, payoff);
  let second = 0;
  pi.forEach((p, k) => {
    const w = payoff[k]! - baseline;
    for (const s of score(pi, k)) second += p * (w * s) ** 2;
  });
  return second - grad.reduce((a, g) => a + g * g, 0);
}

/**
 * The covariance view: the sample covariance of R and ∇ log π over the draws,
 * (1/N) Σ (R_i − R̄) ∇ log π_i. Since E[∇ log π] = 0 its expectation is the gradient (up to a
 * factor (N − 1)/N): REINFORCE with the batch's own mean reward as the baseline, as the lab's
 * REINFORCE uses.
 */
export function covarianceEstimate(z: readonly number[], payoff: readonly number[], draws: readonly number[]): number[] {
  const pi = softmax(z);
  const mean = draws.reduce((s, k) => s + payoff[k]!, 0) / draws.length;
  const out = new Array<number>(pi.length).fill(0);
  for (const k of draws) {
    const s = score(pi, k);
    for (let j = 0; j < pi.length; j++) out[j]! += ((payoff[k]! - mean) * s[j]!) / draws.length;
  }
  return out;
}

/**
 * The arm a fixed uniform u selects by inverse CDF. Holding u fixed while the logits move
 * shows why a sample cannot be backpropagated through: the arm, and so R, only ever jumps.
 */
export function armAt(pi: readonly number[], u: number): number {
  let acc = 0;
  for (let k = 0; k < pi.length; k++) {
    acc += pi[k]!;
    if (u < acc) return k;
  }
  return pi.length - 1;
}
