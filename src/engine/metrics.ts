/**
 * The metrics of an iteration, named as real trainers name them (see
 * public/docs/algorithms.md), the accumulator that gathers the update's per-token
 * statistics minibatch by minibatch, and `iterationMetrics`, which turns an iteration's
 * rollout and update into the metrics object. `null` means "does not apply to this run"
 * (e.g. a value loss without a critic), never "unknown".
 */
import type { GroupSpread } from './advantages';
import { CASE_NAMES, clipBounds, clipCase, gradientFlows, type CaseName } from './cases';
import { effective, klPlacement, type Config } from './params';
import { completionOf, promptOf, type Rollout } from './rollout';
import type { Task } from './tasks';

/**
 * What one update step downloads, in this order: the loss report (loss.ts: these scalars, then
 * the ratio and log π_θ of every token) and the gradient norm. One list stacks and unpacks them.
 */
export const LOSS_SCALARS = ['policy', 'value', 'entropy', 'kl', 'total', 'valueClipfrac'] as const;
export const STEP_SCALARS = [...LOSS_SCALARS, 'gradNorm'] as const;
export type StepScalars = Record<(typeof STEP_SCALARS)[number], number>;
export type LossScalars = Record<(typeof LOSS_SCALARS)[number], number>;
/** The loss terms a minibatch reports (the token stream, the worker's messages). */
export type LossValues = Pick<StepScalars, 'policy' | 'value' | 'entropy' | 'kl' | 'total'>;

/** A loss report as numbers: the named scalars, then [b·T] ratio and log π_θ per token. */
export function unpackLoss(data: Float32Array): { scalars: LossScalars; ratio: Float32Array; lp: Float32Array } {
  const n = LOSS_SCALARS.length;
  const scalars = Object.fromEntries(LOSS_SCALARS.map((k, i) => [k, data[i]!])) as LossScalars;
  const tokens = (data.length - n) / 2;
  return { scalars, ratio: data.subarray(n, n + tokens), lp: data.subarray(n + tokens) };
}

/** One step's download: a loss report with the gradient norm after it. */
export function unpackStep(data: Float32Array): { scalars: StepScalars; ratio: Float32Array; lp: Float32Array } {
  const { scalars, ratio, lp } = unpackLoss(data.subarray(0, data.length - 1));
  return { scalars: { ...scalars, gradNorm: data[data.length - 1]! }, ratio, lp };
}

/**
 * Ratio histogram over [lo, hi], everything outside counted apart. Bins are about `width`
 * wide, and the clip bounds 1 − ε and 1 + ε_high are always bin edges: a bar lies wholly
 * inside the clip band or wholly outside it.
 */
export const RATIO_BINS = { lo: 0.5, hi: 1.5, width: 0.025 } as const;
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
  /** GRPO: the mean of the groups' stds (TRL reward_std); otherwise the batch std. */
  'reward/std': number;
  /** The std of the task scores over the whole batch. */
  'reward/std_batch': number;
  'kl/ref': number;
  'kl/ref_exact': number;
  'kl/ref_per_token': number;
  'kl/ref_by_position': number[];
  'kl/ref_exact_by_position': number[];
  /** k3 approx KL to π_old over every token of the update (all minibatches, all epochs). */
  'policy/approxkl': number;
  /** The same over the last minibatch only (CleanRL's approx_kl; the early stop reads it per epoch). */
  'policy/approxkl_last': number;
  /** Cases 4 + 5 over tokens: the gradient was cut. 0 when the objective is not clipped (REINFORCE). */
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
  /** The KL term of the loss before β (null when the KL is in the reward). */
  'loss/kl': number | null;
  /** β · loss/kl: what the KL adds to loss/total. */
  'loss/kl_weighted': number | null;
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

/** The histogram's edges for a clip range, the float32 clip bounds among them (as the cases compare). */
function exactEdges(epsLow: number, epsHigh: number): number[] {
  const { lo, hi } = clipBounds(epsLow, epsHigh);
  const cuts: number[] = [RATIO_BINS.lo, ...[lo, hi].filter((x) => x > RATIO_BINS.lo && x < RATIO_BINS.hi), RATIO_BINS.hi];
  const edges: number[] = [RATIO_BINS.lo];
  for (let s = 0; s + 1 < cuts.length; s++) {
    const [a, b] = [cuts[s]!, cuts[s + 1]!];
    const k = Math.max(1, Math.round((b - a) / RATIO_BINS.width));
    for (let j = 1; j < k; j++) edges.push(a + ((b - a) * j) / k);
    edges.push(b);
  }
  return edges;
}

/** The edges as metrics report them (rounded for reading; the clip bounds print as 1 − ε and 1 + ε_high). */
export const ratioBinEdges = (epsLow: number, epsHigh: number): number[] => exactEdges(epsLow, epsHigh).map((x) => +x.toFixed(6));

const emptyCounts = (bins: number): HistogramCounts => ({ counts: new Array(bins).fill(0), underflow: 0, overflow: 0 });

/**
 * The bin of a ratio: bins are [a, b) below the upper clip bound and (a, b] above it, so a ratio
 * exactly on either bound (inside the band, as the cases count it) falls in a band bin.
 */
export function ratioBin(edges: readonly number[], r: number, bandHi: number): number | 'under' | 'over' {
  const last = edges.length - 1;
  if (r < edges[0]!) return 'under';
  if (r > edges[last]! || (r === edges[last]! && r > bandHi)) return 'over';
  let i = 0;
  if (r > bandHi) while (edges[i + 1]! < r) i++;
  else while (i + 1 < last && edges[i + 1]! <= r && !(edges[i + 1] === bandHi && r === bandHi)) i++;
  return i;
}

function addToHistogram(h: HistogramCounts, edges: readonly number[], r: number, bandHi: number): void {
  const bin = ratioBin(edges, r, bandHi);
  if (bin === 'under') h.underflow++;
  else if (bin === 'over') h.overflow++;
  else h.counts[bin] = h.counts[bin]! + 1;
}

/**
 * One token's share of CleanRL's approx KL, (r − 1) − log r, from the update's float32 log-ratio
 * d = lp_new − lp_old and ratio r = e^d (both as tfjs computed them). Near r = 1 the difference
 * r − 1 − d is nothing but the float32 rounding of r (about 6e-8), so there a short Taylor series
 * of e^d − 1 − d gives the value instead. Both branches are plain arithmetic on the tensors'
 * numbers: the same bits in every JavaScript engine, so the page's figure equals the CLI's.
 */
export function approxKlOfToken(d: number, r: number): number {
  if (Math.abs(d) >= 1e-2) return r - 1 - d;
  return d * d * (1 / 2 + d * (1 / 6 + d * (1 / 24 + d * (1 / 120 + d * (1 / 720 + d / 5040)))));
}

/** Per-token classification of one minibatch, as the token stream and `--tokens` show it. */
export interface TokenCases {
  cases: Uint8Array;
  flows: Uint8Array;
}

/** Gathers the update's statistics over all minibatches and epochs of one iteration. */
export class UpdateStats {
  readonly cases = emptyCaseCounts();
  readonly histogram: RatioHistogram;
  readonly histogramByEpoch: HistogramCounts[] = [];
  private readonly edges: number[];
  private readonly bandHi: number;
  tokens = 0;
  cleanrlLow = 0;
  cleanrlHigh = 0;
  ratioSum = 0;
  ratioMin = Infinity;
  ratioMax = -Infinity;
  approxKlSum = 0;
  /** Approx KL of the last minibatch added. */
  approxKlLast = 0;
  losses = Object.fromEntries(STEP_SCALARS.map((k) => [k, 0])) as StepScalars;
  steps = 0;

  constructor(
    private readonly epsLow: number,
    private readonly epsHigh: number,
    /** Whether the objective clips (false for REINFORCE): clip fractions are then 0. */
    readonly clipped: boolean,
  ) {
    this.edges = exactEdges(epsLow, epsHigh);
    this.bandHi = clipBounds(epsLow, epsHigh).hi;
    this.histogram = { edges: ratioBinEdges(epsLow, epsHigh), ...emptyCounts(this.edges.length - 1) };
  }

  /**
   * Adds one minibatch: ratios, log-ratios and advantages [b × T] with `lengths[j]` real tokens
   * in row j. Returns the per-token cases (0 on padding) and the minibatch's own approx KL.
   */
  addMinibatch(
    epoch: number,
    ratio: Float32Array,
    logRatio: Float32Array,
    adv: Float32Array,
    lengths: number[],
    width: number,
  ): TokenCases & { approxKl: number; tokens: number } {
    while (this.histogramByEpoch.length <= epoch) this.histogramByEpoch.push(emptyCounts(this.edges.length - 1));
    const byEpoch = this.histogramByEpoch[epoch]!;
    const cases = new Uint8Array(ratio.length);
    const flows = new Uint8Array(ratio.length);
    let approxKl = 0;
    let tokens = 0;
    const { lo, hi } = clipBounds(this.epsLow, this.epsHigh);
    lengths.forEach((len, j) => {
      for (let t = 0; t < len; t++) {
        const k = j * width + t;
        const r = ratio[k]!;
        const c = clipCase(r, adv[k]!, this.epsLow, this.epsHigh);
        cases[k] = c;
        flows[k] = gradientFlows(c, this.clipped) ? 1 : 0;
        this.cases[CASE_NAMES[c]!]++;
        if (r < lo) this.cleanrlLow++;
        else if (r > hi) this.cleanrlHigh++;
        this.ratioSum += r;
        this.ratioMin = Math.min(this.ratioMin, r);
        this.ratioMax = Math.max(this.ratioMax, r);
        approxKl += approxKlOfToken(logRatio[k]!, r);
        addToHistogram(this.histogram, this.edges, r, this.bandHi);
        addToHistogram(byEpoch, this.edges, r, this.bandHi);
        tokens++;
      }
    });
    this.tokens += tokens;
    this.approxKlSum += approxKl;
    this.approxKlLast = approxKl / tokens;
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
  /** GRPO: the spread of task scores within groups; null for the other algorithms. */
  groups: GroupSpread | null;
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
  // Without clipping (REINFORCE) cases 4 and 5 still exist as positions, but nothing is cut.
  const clipShare = (count: number) => (stats.clipped ? count / stats.tokens : 0);
  const klInLoss = klPlacement(c).klMode === 'loss';
  return {
    iter: x.iteration,
    'reward/mean': rewards.mean,
    'reward/std': x.groups ? x.groups.meanStd : rewards.std,
    'reward/std_batch': rewards.std,
    'kl/ref': klEst / n,
    'kl/ref_exact': klExact / n,
    'kl/ref_per_token': klEst / tokens,
    'kl/ref_by_position': byPosition(x.klPenalty, lengths, T),
    'kl/ref_exact_by_position': byPosition(r.klExact, lengths, T),
    'policy/approxkl': stats.approxKlSum / stats.tokens,
    'policy/approxkl_last': stats.approxKlLast,
    'policy/clipfrac': clipShare(cases.case4 + cases.case5),
    'policy/clipfrac_low': clipShare(cases.case4),
    'policy/clipfrac_high': clipShare(cases.case5),
    'policy/clipfrac_cleanrl': clipShare(stats.cleanrlLow + stats.cleanrlHigh),
    'policy/clipfrac_cleanrl_low': clipShare(stats.cleanrlLow),
    'policy/clipfrac_cleanrl_high': clipShare(stats.cleanrlHigh),
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
    'loss/kl': klInLoss ? stats.meanLoss('kl') : null,
    'loss/kl_weighted': klInLoss ? x.beta * stats.meanLoss('kl') : null,
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
    'grpo/frac_reward_zero_std': x.groups ? x.groups.zeroStdGroups / (n / c.group) : null,
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
