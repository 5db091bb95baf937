/**
 * Seeded random streams. Every random draw in the engine comes from one of these, never
 * from JavaScript's global unseeded generator nor from tfjs's multinomial op (which ignores
 * seeds across backends), so a run is a pure function of its config and backend.
 *
 * Each purpose gets its own stream, derived from the run's seed by jumping the
 * xoroshiro128+ generator 2^64 steps per stream index: changing the sampling
 * temperature (more or fewer sampling draws) never changes the prompts, the weights
 * or the minibatch order.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

/** The independent streams of a run, in a fixed order (the order is part of reproducibility). */
export const STREAMS = ['init', 'prompts', 'sampling', 'shuffle', 'sft'] as const;
export type StreamName = (typeof STREAMS)[number];

export class Rng {
  private constructor(private readonly gen: JumpableRandomGenerator) {}

  /** The stream `name` of the run seeded with `seed`. */
  static stream(seed: number, name: StreamName): Rng {
    const gen = xoroshiro128plus(seed);
    for (let i = 0; i <= STREAMS.indexOf(name); i++) gen.jump();
    return new Rng(gen);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return uniformInt(this.gen, lo, hi);
  }

  /** Standard normal draw (Box–Muller; one draw per call keeps the stream simple to reason about). */
  normal(): number {
    const u = 1 - this.uniform(); // (0, 1]: log(u) is finite
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Index drawn from an unnormalised categorical distribution by inverse CDF.
   * `probs` may sum to slightly more or less than 1 after a float32 softmax:
   * we scale the uniform draw by the actual total instead of trusting it.
   */
  categorical(probs: ArrayLike<number>, offset = 0, size = probs.length - offset): number {
    let total = 0;
    for (let i = 0; i < size; i++) total += probs[offset + i]!;
    let u = this.uniform() * total;
    for (let i = 0; i < size; i++) {
      u -= probs[offset + i]!;
      if (u < 0) return i;
    }
    // Only reached through rounding at the very top of the range: take the last non-zero entry.
    for (let i = size - 1; i >= 0; i--) if (probs[offset + i]! > 0) return i;
    return size - 1;
  }

  /** A seeded Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(0, i);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }
}
