/**
 * The six cases of the clipped surrogate (Hugging Face Deep RL course, unit 8), per token:
 *
 * | # | ratio r            | A | min picks    | gradient |
 * | 1 | 1−ε ≤ r ≤ 1+ε_high | + | r·A          | flows    |
 * | 2 | 1−ε ≤ r ≤ 1+ε_high | − | r·A          | flows    |
 * | 3 | r < 1−ε            | + | r·A          | flows    |
 * | 4 | r < 1−ε            | − | (1−ε)·A      | zero     |
 * | 5 | r > 1+ε_high       | + | (1+ε_high)·A | zero     |
 * | 6 | r > 1+ε_high       | − | r·A          | flows    |
 *
 * A = 0 contributes nothing and is counted apart as "no signal" (case 0).
 */

export const CASE_NAMES = ['no_signal', 'case1', 'case2', 'case3', 'case4', 'case5', 'case6'] as const;
export type CaseName = (typeof CASE_NAMES)[number];

/**
 * The clip bounds as the tensors hold them: float32(1 − ε) and float32(1 + ε_high). The ratio is
 * a float32, and tfjs compares it with float32 bounds; comparing with the double 1.2 would call
 * r = float32(1.2) "above the bound" while its gradient still flows.
 */
export function clipBounds(epsLow: number, epsHigh: number): { lo: number; hi: number } {
  return { lo: Math.fround(1 - epsLow), hi: Math.fround(1 + epsHigh) };
}

/** The case number 0..6 of one token (0 = no signal); a ratio exactly on a bound is inside. */
export function clipCase(ratio: number, advantage: number, epsLow: number, epsHigh: number): number {
  if (advantage === 0) return 0;
  const positive = advantage > 0;
  const { lo, hi } = clipBounds(epsLow, epsHigh);
  if (ratio < lo) return positive ? 3 : 4;
  if (ratio > hi) return positive ? 5 : 6;
  return positive ? 1 : 2;
}

/**
 * Whether the policy gradient reaches this token: not for "no signal", and with
 * clipping not in cases 4 and 5 (where the min picks the constant clipped term).
 */
export function gradientFlows(clipCaseNumber: number, clipped: boolean): boolean {
  if (clipCaseNumber === 0) return false;
  return !(clipped && (clipCaseNumber === 4 || clipCaseNumber === 5));
}

/**
 * The clipped objective's value L(r) = min(r·A, clip(r, 1−ε, 1+ε_high)·A) for one scalar,
 * for drawing the teaching plot of L against r. Training uses the tensor version
 * (loss.ts: clippedSurrogate); a test holds the two equal.
 */
export function surrogateValue(ratio: number, advantage: number, epsLow: number, epsHigh: number): number {
  const clipped = Math.min(Math.max(ratio, 1 - epsLow), 1 + epsHigh);
  return Math.min(ratio * advantage, clipped * advantage);
}
