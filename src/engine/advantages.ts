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

/** REINFORCE with a baseline: A_t = G_t − b, b = mean over the batch of the whole-completion return G_0. */
export function reinforceAdvantages(returns: Float32Array, lengths: Int32Array, width: number): Float32Array {
  let b = 0;
  for (let i = 0; i < lengths.length; i++) b += returns[i * width]!;
  b /= lengths.length;
  const a = new Float32Array(returns.length);
  forEachToken(lengths, width, (k) => (a[k] = returns[k]! - b));
  return a;
}

/**
 * GRPO: A_i = (R_i − mean of its group) / (std of its group + 1e-4), Bessel-corrected std,
 * for consecutive groups of `groupSize` sequences. Also counts groups whose rewards are
 * all equal (their advantage is 0: nothing to learn from them).
 */
export function groupAdvantages(
  totals: ArrayLike<number>,
  groupSize: number,
): { perSequence: Float32Array; zeroStdGroups: number } {
  const n = totals.length;
  const perSequence = new Float32Array(n);
  let zeroStdGroups = 0;
  for (let g0 = 0; g0 < n; g0 += groupSize) {
    let mean = 0;
    for (let i = g0; i < g0 + groupSize; i++) mean += totals[i]!;
    mean /= groupSize;
    let ss = 0;
    for (let i = g0; i < g0 + groupSize; i++) ss += (totals[i]! - mean) ** 2;
    const std = Math.sqrt(ss / (groupSize - 1));
    if (ss === 0) zeroStdGroups++;
    for (let i = g0; i < g0 + groupSize; i++) perSequence[i] = (totals[i]! - mean) / (std + 1e-4);
  }
  return { perSequence, zeroStdGroups };
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
