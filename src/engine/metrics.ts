/**
 * The metrics of an iteration, named as real trainers name them (see
 * public/docs/algorithms.md), the accumulator that gathers the update's per-token
 * statistics minibatch by minibatch, and `iterationMetrics`, which turns an iteration's
 * rollout and update into the metrics object. `null` means "does not apply to this run"
 * (e.g. a value loss without a critic), never "unknown".
 */
import { CASE_NAMES, clipCase, gradientFlows, type CaseName } from './cases';
import { log } from './portable-math';
import { effective, type Config } from './params';
import { completionOf, promptOf, type Rollout } from './rollout';
import type { Task } from './tasks';

/**
 * The scalars one update step downloads after its per-token ratios, in this order: the loss
 * terms (as loss.ts returns them) and the gradient norm. One list stacks and unpacks them.
 */
export const LOSS_SCALARS = ['policy', 'value', 'entropy', 'kl', 'total', 'valueClipfrac'] as const;
export const STEP_SCALARS = [...LOSS_SCALARS, 'gradNorm'] as const;
export type StepScalars = Record<(typeof STEP_SCALARS)[number], number>;
/** The loss terms a minibatch reports (the token stream, the worker's messages). */
export type LossValues = Pick<StepScalars, 'policy' | 'value' | 'entropy' | 'kl' | 'total'>;

/** Splits one step's download into the per-token part and the named scalars at its end. */
export function unpackStep(data: Float32Array): { perToken: Float32Array; scalars: StepScalars } {
  const m = data.length - STEP_SCALARS.length;
  const scalars = Object.fromEntries(STEP_SCALARS.map((k, i) => [k, data[m + i]!])) as StepScalars;
  return { perToken: data.subarray(0, m), scalars };
}

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
  /** approx KL of the update's last minibatch alone (what CleanRL logs as approx_kl). */
  'policy/approxkl_last': number;
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
  /** approx KL of the last minibatch added (CleanRL logs this one). */
  approxKlLast = 0;
  losses = Object.fromEntries(STEP_SCALARS.map((k) => [k, 0])) as StepScalars;
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

  addLosses(l: StepScalars): void {
    for (const k of STEP_SCALARS) this.losses[k] += l[k];
    this.steps++;
  }

  meanLoss(k: keyof StepScalars): number {
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

/** What an iteration produced, for `iterationMetrics`. */
export interface IterationRecord {
  iteration: number;
  /** The config in force during the iteration; `beta` is the β it used. */
  config: Config;
  beta: number;
  task: Task;
  rollout: Rollout;
  /** The per-token KL estimate of the rollout (the penalty when the KL is in the reward). */
  klPenalty: Float32Array;
  returns: Float32Array;
  /** GRPO: groups whose rewards were all equal; null for the other algorithms. */
  zeroStdGroups: number | null;
  stats: UpdateStats;
  epochsRun: number;
  time: { t0: number; tRollout: number; tEnd: number };
}

const sum = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
};

/** Mean of a per-token array at each completion position, over the sequences that reach it. */
function byPosition(a: Float32Array, lengths: Int32Array, T: number): number[] {
  return Array.from({ length: T }, (_, t) => {
    let total = 0;
    let count = 0;
    for (let i = 0; i < lengths.length; i++) {
      if (t < lengths[i]!) {
        total += a[i * T + t]!;
        count++;
      }
    }
    return count ? total / count : 0;
  });
}

/** Task diagnostics (e.g. task/exact) averaged over the batch. */
function taskDiagnostics(task: Task, r: Rollout): Record<`task/${string}`, number> {
  const out: Record<string, number> = {};
  if (!task.diagnostics) return out;
  for (let i = 0; i < r.n; i++) {
    for (const [k, v] of Object.entries(task.diagnostics(promptOf(r, i), completionOf(r, i)))) {
      out[`task/${k}`] = (out[`task/${k}`] ?? 0) + v / r.n;
    }
  }
  return out;
}

/** The metrics of one iteration. */
export function iterationMetrics(x: IterationRecord): Metrics {
  const { config: c, rollout: r, stats } = x;
  const { n, width: T, lengths } = r;
  const tokens = sum(lengths);
  const rewards = meanStd(r.scores);
  const klEst = sum(x.klPenalty);
  const klExact = sum(r.klExact);
  const critic = c.algo === 'ppo';
  const elapsed = x.time.tEnd - x.time.t0;
  const cases = stats.cases;
  return {
    iter: x.iteration,
    'reward/mean': rewards.mean,
    'reward/std': rewards.std,
    'kl/ref': klEst / n,
    'kl/ref_exact': klExact / n,
    'kl/ref_per_token': klEst / tokens,
    'kl/ref_by_position': byPosition(x.klPenalty, lengths, T),
    'kl/ref_exact_by_position': byPosition(r.klExact, lengths, T),
    'policy/approxkl': stats.approxKlSum / stats.tokens,
    'policy/approxkl_last': stats.approxKlLast,
    'policy/clipfrac': (cases.case4 + cases.case5) / stats.tokens,
    'policy/clipfrac_low': cases.case4 / stats.tokens,
    'policy/clipfrac_high': cases.case5 / stats.tokens,
    'policy/clipfrac_cleanrl': (stats.cleanrlLow + stats.cleanrlHigh) / stats.tokens,
    'policy/clipfrac_cleanrl_low': stats.cleanrlLow / stats.tokens,
    'policy/clipfrac_cleanrl_high': stats.cleanrlHigh / stats.tokens,
    'policy/cases': { ...cases },
    'policy/ratio_hist': stats.histogram,
    'policy/ratio_hist_by_epoch': stats.histogramByEpoch,
    'policy/ratio_mean': stats.ratioSum / stats.tokens,
    'policy/ratio_min': stats.ratioMin,
    'policy/ratio_max': stats.ratioMax,
    'policy/entropy': sum(r.entropy) / tokens,
    'loss/policy': stats.meanLoss('policy'),
    'loss/value': critic ? stats.meanLoss('value') : null,
    'loss/entropy': stats.meanLoss('entropy'),
    'loss/kl': c.klMode === 'loss' ? stats.meanLoss('kl') : null,
    'loss/total': stats.meanLoss('total'),
    'val/explained_variance': critic ? explainedVariance(x.returns, r.values, lengths, T) : null,
    'val/clipfrac': critic && c.vfClip > 0 ? stats.meanLoss('valueClipfrac') : null,
    'optim/grad_norm': stats.meanLoss('gradNorm'),
    'optim/lr': c.lr,
    beta: x.beta,
    eps: c.eps,
    eps_high: effective(c, x.task).epsHigh,
    epochs_run: x.epochsRun,
    'completions/mean_length': tokens / n,
    'completions/max_length': Math.max(...lengths),
    'grpo/frac_reward_zero_std': x.zeroStdGroups === null ? null : x.zeroStdGroups / (n / c.group),
    ...taskDiagnostics(x.task, r),
    'time/rollout_ms': x.time.tRollout - x.time.t0,
    'time/update_ms': x.time.tEnd - x.time.tRollout,
    'time/iteration_ms': elapsed,
    'time/tokens_per_s': (tokens / elapsed) * 1000,
  };
}

/** 1 − Var(R − V) / Var(R) over completion tokens: how much of the return the value head explains. */
function explainedVariance(returns: Float32Array, values: Float32Array, lengths: Int32Array, T: number): number | null {
  const ret: number[] = [];
  const diff: number[] = [];
  lengths.forEach((len, i) => {
    for (let t = 0; t < len; t++) {
      ret.push(returns[i * T + t]!);
      diff.push(returns[i * T + t]! - values[i * T + t]!);
    }
  });
  const varR = meanStd(ret).std ** 2;
  return varR === 0 ? null : 1 - meanStd(diff).std ** 2 / varR;
}
