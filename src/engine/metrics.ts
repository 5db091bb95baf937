/**
 * The metrics of an iteration, named as real trainers name them (see
 * ../shared/reference/algorithms.md), and the accumulator that gathers the update's
 * per-token statistics minibatch by minibatch. `null` means "does not apply to this run"
 * (e.g. a value loss without a critic), never "unknown".
 */
import { CASE_NAMES, clipCase, gradientFlows, type CaseName } from './cases';
import { log } from './portable-math';

/** Ratio histogram: fixed linear bins over [lo, hi], with everything outside counted apart. */
export const RATIO_BINS = { lo: 0.5, hi: 1.5, count: 40 } as const;

export interface HistogramCounts {
  /** One count per bin between consecutive edges. */
  counts: number[];
  /** Ratios below the first edge / at or above the last. */
  underflow: number;
  overflow: number;
}

export interface RatioHistogram extends HistogramCounts {
  edges: number[];
}

export type CaseCounts = Record<CaseName, number>;

export interface Metrics {
  iter: number;
  'reward/mean': number;
  'reward/std': number;
  'kl/ref': number;
  'kl/ref_exact': number;
  'kl/ref_per_token': number;
  'kl/ref_by_position': number[];
  'kl/ref_exact_by_position': number[];
  'policy/approxkl': number;
  'policy/clipfrac': number;
  'policy/clipfrac_low': number;
  'policy/clipfrac_high': number;
  'policy/clipfrac_cleanrl': number;
  /** CleanRL's definition split by side: r < 1 − ε and r > 1 + ε_high, whatever the sign of A. */
  'policy/clipfrac_cleanrl_low': number;
  'policy/clipfrac_cleanrl_high': number;
  'policy/cases': CaseCounts;
  'policy/ratio_hist': RatioHistogram;
  /** The same histogram for each epoch run (edges as in policy/ratio_hist). */
  'policy/ratio_hist_by_epoch': HistogramCounts[];
  'policy/ratio_mean': number;
  'policy/ratio_min': number;
  'policy/ratio_max': number;
  'policy/entropy': number;
  'loss/policy': number;
  'loss/value': number | null;
  'loss/entropy': number;
  'loss/kl': number | null;
  'loss/total': number;
  'val/explained_variance': number | null;
  'val/clipfrac': number | null;
  'optim/grad_norm': number;
  'optim/lr': number;
  beta: number;
  eps: number;
  eps_high: number;
  epochs_run: number;
  'completions/mean_length': number;
  'completions/max_length': number;
  'grpo/frac_reward_zero_std': number | null;
  'time/rollout_ms': number;
  'time/update_ms': number;
  'time/iteration_ms': number;
  'time/tokens_per_s': number;
  /** Task diagnostics, e.g. task/exact, task/grammatical. */
  [task: `task/${string}`]: number;
}

export const emptyCaseCounts = (): CaseCounts => Object.fromEntries(CASE_NAMES.map((c) => [c, 0])) as CaseCounts;

export const ratioBinEdges = (): number[] =>
  Array.from(
    { length: RATIO_BINS.count + 1 },
    (_, i) => +(RATIO_BINS.lo + ((RATIO_BINS.hi - RATIO_BINS.lo) * i) / RATIO_BINS.count).toFixed(6),
  );

const emptyCounts = (): HistogramCounts => ({ counts: new Array(RATIO_BINS.count).fill(0), underflow: 0, overflow: 0 });

function addToHistogram(h: HistogramCounts, r: number): void {
  const { lo, hi, count } = RATIO_BINS;
  if (r < lo) h.underflow++;
  else if (r >= hi) h.overflow++;
  else {
    const bin = Math.min(count - 1, Math.floor(((r - lo) / (hi - lo)) * count));
    h.counts[bin] = h.counts[bin]! + 1;
  }
}

/** Per-token classification of one minibatch, as the token stream and `--tokens` show it. */
export interface TokenCases {
  cases: Uint8Array;
  flows: Uint8Array;
}

/** Gathers the update's statistics over all minibatches and epochs of one iteration. */
export class UpdateStats {
  readonly cases = emptyCaseCounts();
  readonly histogram: RatioHistogram = { edges: ratioBinEdges(), ...emptyCounts() };
  readonly histogramByEpoch: HistogramCounts[] = [];
  tokens = 0;
  cleanrlLow = 0;
  cleanrlHigh = 0;
  ratioSum = 0;
  ratioMin = Infinity;
  ratioMax = -Infinity;
  approxKlSum = 0;
  losses = { policy: 0, value: 0, entropy: 0, kl: 0, total: 0, valueClipfrac: 0, gradNorm: 0 };
  steps = 0;

  constructor(
    private readonly epsLow: number,
    private readonly epsHigh: number,
    private readonly clipped: boolean,
  ) {}

  /**
   * Adds one minibatch: ratios and advantages [b × T] with `lengths[j]` real tokens in row j.
   * Returns the per-token cases (0 on padding) and the minibatch's own approx KL.
   */
  addMinibatch(
    epoch: number,
    ratio: Float32Array,
    adv: Float32Array,
    lengths: number[],
    width: number,
  ): TokenCases & { approxKl: number; tokens: number } {
    while (this.histogramByEpoch.length <= epoch) this.histogramByEpoch.push(emptyCounts());
    const byEpoch = this.histogramByEpoch[epoch]!;
    const cases = new Uint8Array(ratio.length);
    const flows = new Uint8Array(ratio.length);
    let approxKl = 0;
    let tokens = 0;
    lengths.forEach((len, j) => {
      for (let t = 0; t < len; t++) {
        const k = j * width + t;
        const r = ratio[k]!;
        const c = clipCase(r, adv[k]!, this.epsLow, this.epsHigh);
        cases[k] = c;
        flows[k] = gradientFlows(c, this.clipped) ? 1 : 0;
        this.cases[CASE_NAMES[c]!]++;
        if (r < 1 - this.epsLow) this.cleanrlLow++;
        else if (r > 1 + this.epsHigh) this.cleanrlHigh++;
        this.ratioSum += r;
        this.ratioMin = Math.min(this.ratioMin, r);
        this.ratioMax = Math.max(this.ratioMax, r);
        approxKl += r - 1 - log(r); // k3 of π_old → π_θ (CleanRL approx_kl); portable log: page = CLI
        addToHistogram(this.histogram, r);
        addToHistogram(byEpoch, r);
        tokens++;
      }
    });
    this.tokens += tokens;
    this.approxKlSum += approxKl;
    return { cases, flows, approxKl: approxKl / tokens, tokens };
  }

  addLosses(l: typeof this.losses): void {
    for (const k of Object.keys(l) as (keyof typeof l)[]) this.losses[k] += l[k];
    this.steps++;
  }

  meanLoss(k: keyof typeof this.losses): number {
    return this.losses[k] / this.steps;
  }
}

/** Mean and (population) standard deviation. */
export function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < xs.length; i++) mean += xs[i]!;
  mean /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(v / xs.length) };
}
