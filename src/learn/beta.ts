/**
 * Adaptive β in a toy world: the engine's adaptBeta (engine/kl.ts) driving a policy whose KL
 * to the reference settles at `pull / β` (the stronger the penalty, the closer it stays),
 * approached a fraction of the way each iteration. Only the world is a toy; the β rule is
 * the trainer's.
 */
import { adaptBeta } from '../engine/kl';

export interface BetaStep {
  iter: number;
  beta: number;
  kl: number;
}

export function betaTrace(opts: {
  beta0: number;
  target: number;
  pull: number;
  iterations: number;
  episodes: number;
  horizon: number;
}): BetaStep[] {
  const out: BetaStep[] = [];
  let beta = opts.beta0;
  let kl = 0;
  for (let i = 1; i <= opts.iterations; i++) {
    kl += 0.3 * (opts.pull / beta - kl);
    out.push({ iter: i, beta, kl });
    beta = adaptBeta(beta, kl, opts.target, opts.episodes, opts.horizon);
  }
  return out;
}
