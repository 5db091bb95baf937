/**
 * GAE on one completion, for the Learn view: a thin wrapper that lays one trajectory out as
 * the engine's [sequence × position] arrays and calls the engine's own tokenRewards and gae
 * (engine/advantages.ts), so the chapter shows exactly what the trainer computes.
 */
import { gae, tokenRewards } from '../engine/advantages';

export interface Trajectory {
  /** The task's score, paid on the last token. */
  score: number;
  /** V_t, the value head's guess at each token. */
  values: readonly number[];
  /** Per-token KL to the reference (the estimate the reward penalty uses). */
  kl: readonly number[];
}

export interface GaeRow {
  reward: number;
  value: number;
  /** δ_t = r_t + γ V_{t+1} − V_t. */
  delta: number;
  advantage: number;
  /** A_t + V_t: the value head's regression target. */
  ret: number;
}

export function gaeRows(traj: Trajectory, gamma: number, lambda: number, beta: number): GaeRow[] {
  const T = traj.values.length;
  const lengths = Int32Array.of(T);
  const rewards = tokenRewards([traj.score], lengths, T, Float32Array.from(traj.kl), beta);
  const values = Float32Array.from(traj.values);
  const { advantages, returns } = gae(rewards, values, lengths, T, gamma, lambda);
  return Array.from({ length: T }, (_, t) => {
    const vNext = t + 1 < T ? values[t + 1]! : 0;
    return {
      reward: rewards[t]!,
      value: values[t]!,
      delta: rewards[t]! + gamma * vNext - values[t]!,
      advantage: advantages[t]!,
      ret: returns[t]!,
    };
  });
}
