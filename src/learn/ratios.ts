/**
 * Per-token importance ratios against one ratio for the whole sequence. A token is drawn from
 * π_old; the ratio r = π_θ/π_old has mean 1 under π_old and second moment
 * m = Σ_x π_θ(x)² / π_old(x). For a sequence of L independent tokens the product of ratios also
 * has mean 1, but its variance is m^L − 1: it grows exponentially with length, while one
 * token's variance stays m − 1.
 */
import type { Rng } from '../engine/rng';
import { softmax } from './categorical';

/** π_old over a few tokens, and π_θ after moving its logits by `step` toward token 0. */
export function movedPolicies(logits: readonly number[], step: number): { old: number[]; current: number[] } {
  return { old: softmax(logits), current: softmax(logits.map((z, i) => (i === 0 ? z + step : z))) };
}

/** Σ_x π(x)² / π_old(x) = E_old[r²]. */
export function ratioSecondMoment(old: readonly number[], current: readonly number[]): number {
  return current.reduce((s, p, x) => s + (p * p) / old[x]!, 0);
}

export const tokenRatioStd = (m: number) => Math.sqrt(Math.max(0, m - 1));
export const sequenceRatioStd = (m: number, length: number) => Math.sqrt(Math.max(0, m ** length - 1));

/** One sampled sequence under π_old: its per-token ratios and their product. */
export function sampleSequence(
  old: readonly number[],
  current: readonly number[],
  length: number,
  rng: Rng,
): { tokens: number[]; ratios: number[]; product: number } {
  const tokens: number[] = [];
  const ratios: number[] = [];
  let product = 1;
  for (let t = 0; t < length; t++) {
    const x = rng.categorical(old);
    tokens.push(x);
    const r = current[x]! / old[x]!;
    ratios.push(r);
    product *= r;
  }
  return { tokens, ratios, product };
}
