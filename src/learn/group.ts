/**
 * GRPO's advantages for one group of completions of the same prompt: the engine's own
 * groupAdvantages ((R − mean) / (std + 1e-4)), and the variant without the std division
 * (Dr. GRPO's), R − mean.
 */
import { groupAdvantages } from '../engine/advantages';

export interface GroupResult {
  scaled: number[];
  centered: number[];
  mean: number;
  std: number;
  /** Every reward equal: no completion is better than another, so no signal. */
  noSignal: boolean;
}

export function groupResult(rewards: readonly number[]): GroupResult {
  const { perSequence, zeroStdGroups } = groupAdvantages(rewards, rewards.length);
  const n = rewards.length;
  const mean = rewards.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(rewards.reduce((s, r) => s + (r - mean) ** 2, 0) / (n - 1));
  return { scaled: Array.from(perSequence), centered: rewards.map((r) => r - mean), mean, std, noSignal: zeroStdGroups > 0 };
}
