/**
 * Advantages, plain JS over small per-token arrays laid out [sequence × position].
 * `lengths[i]` completion tokens of sequence i are real; the rest is padding.
 */

/** Calls `f(k, i, t)` for every completion token (sequence i, position t, index k = i·width + t), in order. */
export function forEachToken(lengths: ArrayLike<number>, width: number, f: (k: number, i: number, t: number) => void): void {
  for (let i = 0; i < lengths.length; i++) for (let t = 0; t < lengths[i]!; t++) f(i * width + t, i, t);
}

/** Per-token rewards: −β·kl_t on every completion token (KL in the reward), plus the task score on the last one. */
export function tokenRewards(
  scores: ArrayLike<number>,
  lengths: Int32Array,
  width: number,
  klPenalty: Float32Array | null,
  beta: number,
): Float32Array {
  const r = new Float32Array(lengths.length * width);
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i]!;
    if (klPenalty) for (let t = 0; t < len; t++) r[i * width + t] = -beta * klPenalty[i * width + t]!;
    if (len > 0) r[i * width + len - 1]! += scores[i]!;
  }
  return r;
}

/**
 * Generalised advantage estimation: δ_t = r_t + γ V_{t+1} − V_t, A_t = δ_t + γλ A_{t+1},
 * with V = 0 after the last token; returns = A + V (the value head's regression target).
 */
export function gae(
  rewards: Float32Array,
  values: Float32Array,
  lengths: Int32Array,
  width: number,
  gamma: number,
  lambda: number,
) {
  const advantages = new Float32Array(rewards.length);
  const returns = new Float32Array(rewards.length);
  for (let i = 0; i < lengths.length; i++) {
    let lastGaeLam = 0; // A_{t+1}, as CleanRL names it
    for (let t = lengths[i]! - 1; t >= 0; t--) {
      const k = i * width + t;
      const nextValue = t + 1 < lengths[i]! ? values[k + 1]! : 0;
      const delta = rewards[k]! + gamma * nextValue - values[k]!;
      lastGaeLam = delta + gamma * lambda * lastGaeLam;
      advantages[k] = lastGaeLam;
      returns[k] = lastGaeLam + values[k]!;
    }
  }
  return { advantages, returns };
}

/** Discounted reward-to-go G_t = Σ_{k ≥ t} γ^{k−t} r_k of every completion token. */
export function rewardToGo(rewards: Float32Array, lengths: Int32Array, width: number, gamma: number): Float32Array {
  const g = new Float32Array(rewards.length);
  for (let i = 0; i < lengths.length; i++) {
    let acc = 0;
    for (let t = lengths[i]! - 1; t >= 0; t--) {
      acc = rewards[i * width + t]! + gamma * acc;
      g[i * width + t] = acc;
    }
  }
  return g;
}

/**
 * REINFORCE with a leave-one-out baseline (RLOO): A_t = G_t − b_i, where b_i is the mean
 * whole-completion return G_0 of the *other* sequences of the batch. Leaving sequence i out
 * keeps b_i independent of its own sample, so the estimate stays unbiased (a plain batch mean
 * would include G_0 of i and bias the gradient by O(1/n)).
 */
export function reinforceAdvantages(returns: Float32Array, lengths: Int32Array, width: number): Float32Array {
  const n = lengths.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += returns[i * width]!;
  const baseline = (i: number) => (n > 1 ? (total - returns[i * width]!) / (n - 1) : 0);
  const a = new Float32Array(returns.length);
  forEachToken(lengths, width, (k, i) => (a[k] = returns[k]! - baseline(i)));
  return a;
}

/** How GRPO scales each completion's reward minus its group mean (TRL's scale_rewards). */
export type RewardScaling = 'group' | 'batch' | 'none';

/** Groups whose task scores are all equal (std below this) carry no signal. */
export const ZERO_STD_TOLERANCE = 1e-6;

/** Bessel-corrected standard deviation of xs[from, to). */
function sampleStd(xs: ArrayLike<number>, from: number, to: number): number {
  let mean = 0;
  for (let i = from; i < to; i++) mean += xs[i]!;
  mean /= to - from;
  let ss = 0;
  for (let i = from; i < to; i++) ss += (xs[i]! - mean) ** 2;
  return Math.sqrt(ss / Math.max(to - from - 1, 1));
}

/**
 * GRPO: A_i = (R_i − mean of its group) / (std + 1e-4) for consecutive groups of `groupSize`
 * sequences, the std Bessel-corrected and taken over the group ('group', the GRPO paper),
 * over the whole batch ('batch'), or not at all ('none': Dr. GRPO, A_i = R_i − group mean).
 * Also counts the groups of `totals` with no spread (their advantage is 0).
 */
export function groupAdvantages(
  totals: ArrayLike<number>,
  groupSize: number,
  scale: RewardScaling = 'group',
): { perSequence: Float32Array; zeroStdGroups: number } {
  const n = totals.length;
  const perSequence = new Float32Array(n);
  const batchStd = sampleStd(totals, 0, n);
  for (let g0 = 0; g0 < n; g0 += groupSize) {
    let mean = 0;
    for (let i = g0; i < g0 + groupSize; i++) mean += totals[i]!;
    mean /= groupSize;
    const std = scale === 'group' ? sampleStd(totals, g0, g0 + groupSize) : batchStd;
    const divisor = scale === 'none' ? 1 : std + 1e-4;
    for (let i = g0; i < g0 + groupSize; i++) perSequence[i] = (totals[i]! - mean) / divisor;
  }
  return { perSequence, zeroStdGroups: groupSpread(totals, groupSize).zeroStdGroups };
}

/**
 * Per-group spread of the task scores: the mean of the groups' (Bessel) stds, TRL's
 * reward_std, and how many groups have no spread at all (up to ZERO_STD_TOLERANCE), TRL's
 * frac_reward_zero_std numerator. Computed on task scores, never on KL-shaped totals.
 */
export interface GroupSpread {
  meanStd: number;
  zeroStdGroups: number;
}
export function groupSpread(scores: ArrayLike<number>, groupSize: number): GroupSpread {
  let sum = 0;
  let zeroStdGroups = 0;
  const groups = scores.length / groupSize;
  for (let g0 = 0; g0 < scores.length; g0 += groupSize) {
    const std = sampleStd(scores, g0, g0 + groupSize);
    sum += std;
    if (std < ZERO_STD_TOLERANCE) zeroStdGroups++;
  }
  return { meanStd: sum / groups, zeroStdGroups };
}

/** Broadcasts one value per sequence to its completion tokens. */
export function broadcast(perSequence: Float32Array, lengths: Int32Array, width: number): Float32Array {
  const a = new Float32Array(lengths.length * width);
  for (let i = 0; i < lengths.length; i++) a.fill(perSequence[i]!, i * width, i * width + lengths[i]!);
  return a;
}

/** Whitening over the completion tokens: (x − μ) / sqrt(var + 1e-8), Bessel-corrected var as TRL; padding stays 0. */
export function whiten(x: Float32Array, lengths: Int32Array, width: number): Float32Array {
  let n = 0;
  let mean = 0;
  forEachToken(lengths, width, (k) => {
    mean += x[k]!;
    n++;
  });
  mean /= n;
  let v = 0;
  forEachToken(lengths, width, (k) => (v += (x[k]! - mean) ** 2));
  const scale = 1 / Math.sqrt(v / Math.max(n - 1, 1) + 1e-8);
  const out = new Float32Array(x.length);
  forEachToken(lengths, width, (k) => (out[k] = (x[k]! - mean) * scale));
  return out;
}
