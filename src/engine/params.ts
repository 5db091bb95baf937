/**
 * Every parameter of a run, defined once (after tensorflow/playground's PROPS list):
 * type, range, default, a one-line doc and whether it may change while training.
 * The CLI flags, the `--help` text, the sliders and the lab link are all generated from
 * this list, and every value from any of them goes through the same validation.
 *
 * Live parameters take effect at the next iteration boundary; structural ones need a reset.
 */
import { TASKS, TASK_NAMES, type TaskName } from './tasks';
import { SIZE_NAMES } from './sizes';

interface Common<L extends boolean = boolean> {
  doc: string;
  /** May change between iterations of a running training (otherwise it needs a reset). */
  live: L;
  /** Where the UI groups it. */
  group: 'run' | 'ppo' | 'kl' | 'optim' | 'sampling';
}
interface NumberFields {
  default: number;
  min: number;
  max: number;
  /** Slider step; integers have step 1. */
  step: number;
  integer?: boolean;
  /** Sliders move on a log scale (learning rates, KL targets). */
  log?: boolean;
  /** What 0 means when it switches the feature off (e.g. "off", "same as eps"). */
  zeroMeans?: string;
}
export interface NumberSpec<L extends boolean = boolean> extends Common<L>, NumberFields {
  kind: 'number';
}
export interface EnumSpec<T extends string = string, L extends boolean = boolean> extends Common<L> {
  kind: 'enum';
  default: T;
  options: readonly T[];
}
export interface BooleanSpec<L extends boolean = boolean> extends Common<L> {
  kind: 'boolean';
  default: boolean;
}
export type ParamSpec = NumberSpec | EnumSpec | BooleanSpec;

// Generic over `live` so that the type of PARAMS keeps which parameters are live (LiveParams).
const num = <const L extends boolean>(s: Common<L> & NumberFields): NumberSpec<L> => ({ kind: 'number', ...s });
const int = <const L extends boolean>(s: Common<L> & Omit<NumberFields, 'step' | 'integer'>): NumberSpec<L> => ({
  kind: 'number',
  step: 1,
  integer: true,
  ...s,
});
const choice = <T extends string, const L extends boolean>(
  s: Common<L> & { default: NoInfer<T>; options: readonly T[] },
): EnumSpec<T, L> => ({ kind: 'enum', ...s });
const bool = <const L extends boolean>(s: Common<L> & { default: boolean }): BooleanSpec<L> => ({ kind: 'boolean', ...s });

export const ALGOS = ['ppo', 'grpo', 'reinforce'] as const;
export const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;

export const PARAMS = {
  // Structural: a change needs a reset.
  task: choice({
    default: 'sort',
    options: TASK_NAMES,
    live: false,
    group: 'run',
    doc: 'What the model is post-trained to do (each task has its own SFT reference).',
  }),
  algo: choice({
    default: 'ppo',
    options: ALGOS,
    live: false,
    group: 'run',
    doc: 'ppo: clipped surrogate + value head with GAE; grpo: group-relative advantages, no critic; reinforce: score function with a leave-one-out mean-return baseline (RLOO), no clipping.',
  }),
  model: choice({
    default: 'base',
    options: SIZE_NAMES,
    live: false,
    group: 'run',
    doc: 'Transformer size: small (d=32, 2 layers, 2 heads), base (d=64, 2 layers, 4 heads) or large (d=128, 5 layers, 4 heads, about 1M parameters and 10× the FLOPs of base: where a GPU backend can win). The bandit always uses its softmax table.',
  }),
  seed: int({
    default: 1,
    min: 0,
    max: 2147483647,
    live: false,
    group: 'run',
    doc: 'Seed of every random stream: weights, prompts, sampling, minibatch order.',
  }),
  batch: int({
    default: 64,
    min: 2,
    max: 512,
    live: false,
    group: 'run',
    doc: 'Completions sampled per iteration (prompts × group size).',
  }),
  group: int({
    default: 1,
    min: 1,
    max: 64,
    live: false,
    group: 'run',
    doc: 'Completions per prompt, G. GRPO needs G ≥ 2; the batch must be a multiple of G.',
  }),
  maxTokens: int({
    default: 0,
    min: 0,
    max: 16,
    live: false,
    group: 'sampling',
    zeroMeans: "the task's own limit",
    doc: 'Longest completion, in tokens (EOS included).',
  }),
  klMode: choice({
    default: 'auto',
    options: ['auto', 'reward', 'loss'] as const,
    live: false,
    group: 'kl',
    doc:
      'Where beta acts: as a per-token penalty in the reward (TRL PPO), or as a term of the loss (TRL GRPO); auto = loss for grpo, reward otherwise. ' +
      "Under grpo, KL in the reward enters each completion's total before the group comparison, so groups with equal task scores still get nonzero advantages, made of KL noise.",
  }),
  klEstimator: choice({
    default: 'auto',
    options: ['auto', 'k1', 'k2', 'k3'] as const,
    live: false,
    group: 'kl',
    doc:
      'Sample estimator of KL(π‖π_ref), d = lp_ref − lp. Values: k1 = −d (unbiased, can be negative), k2 = d²/2 (biased, ≥ 0), k3 = e^d − 1 − d (unbiased, ≥ 0). ' +
      'As a loss term, only k2 has the gradient of KL(π‖π_ref); k1 has zero expected gradient, k3 that of KL(π_ref‖π) (TRL GRPO). auto = k1 in the reward, k2 in the loss.',
  }),
  lossType: choice({
    default: 'grpo',
    options: ['grpo', 'bnpo', 'dr_grpo'] as const,
    live: false,
    group: 'ppo',
    doc: 'How per-token terms are averaged: grpo = 1/|o| per sequence then mean; bnpo = over all completion tokens; dr_grpo = over batch × max length (full Dr. GRPO also sets scale-rewards none).',
  }),
  scaleRewards: choice({
    default: 'group',
    options: ['group', 'batch', 'none'] as const,
    live: false,
    group: 'ppo',
    doc: "GRPO only (TRL scale_rewards): divide each completion's reward minus its group mean by the group's std, the batch's std, or nothing (Dr. GRPO).",
  }),
  backend: choice({
    default: 'auto',
    options: BACKENDS,
    live: false,
    group: 'run',
    doc: 'tfjs backend; auto times a short warm-up on each backend the browser offers and keeps the fastest, remembered per browser, model size and batch (in Node: wasm, else cpu).',
  }),

  // Live: take effect at the next iteration.
  eps: num({
    default: 0.2,
    min: 0.01,
    max: 1,
    step: 0.01,
    live: true,
    group: 'ppo',
    doc: 'Clip range ε: the ratio is clipped to [1 − ε, 1 + ε].',
  }),
  epsHigh: num({
    default: 0,
    min: 0,
    max: 1,
    step: 0.01,
    live: true,
    group: 'ppo',
    zeroMeans: 'same as eps',
    doc: "Upper clip range (DAPO's clip-higher uses 0.28): clip to [1 − ε, 1 + ε_high].",
  }),
  epochs: int({ default: 2, min: 1, max: 16, live: true, group: 'ppo', doc: 'Passes over the rollout batch per iteration.' }),
  minibatches: int({
    default: 2,
    min: 1,
    max: 16,
    live: true,
    group: 'ppo',
    doc: 'Minibatches per epoch (seeded shuffle); one gradient step each.',
  }),
  earlyStopKl: num({
    default: 0,
    min: 0,
    max: 1,
    step: 0.001,
    live: true,
    group: 'ppo',
    zeroMeans: 'off',
    doc: "Stop the remaining epochs when the approx KL to π_old (k3) of an epoch's last minibatch passes this (CleanRL target_kl; policy/approxkl_last).",
  }),
  whiten: bool({
    default: true,
    live: true,
    group: 'ppo',
    doc: 'Whiten advantages over the rollout batch (PPO, REINFORCE); GRPO normalises per group instead.',
  }),
  gamma: num({
    default: 1,
    min: 0,
    max: 1,
    step: 0.01,
    live: true,
    group: 'ppo',
    doc: 'Discount γ of GAE and returns (1 is RLHF practice).',
  }),
  lambda: num({
    default: 0.95,
    min: 0,
    max: 1,
    step: 0.01,
    live: true,
    group: 'ppo',
    doc: 'GAE λ: 0 trusts the value head, 1 trusts the sampled return.',
  }),
  vfCoef: num({
    default: 0.1,
    min: 0,
    max: 2,
    step: 0.01,
    live: true,
    group: 'ppo',
    doc: 'Weight c_v of the value loss (PPO only).',
  }),
  vfClip: num({
    default: 0.2,
    min: 0,
    max: 10,
    step: 0.01,
    live: true,
    group: 'ppo',
    zeroMeans: 'off',
    doc: 'Value clipping range around the rollout value (PPO only).',
  }),
  entCoef: num({
    default: 0,
    min: 0,
    max: 0.1,
    step: 0.001,
    live: true,
    group: 'ppo',
    doc: 'Weight c_ent of the entropy bonus.',
  }),
  beta: num({
    default: 0.05,
    min: 0,
    max: 1,
    step: 0.001,
    live: true,
    group: 'kl',
    doc: 'Weight β of the KL to the reference (in the reward or in the loss).',
  }),
  adaptiveBeta: bool({
    default: false,
    live: true,
    group: 'kl',
    doc: 'Adapt β toward the target KL after each iteration (Ziegler et al. 2019).',
  }),
  targetKl: num({
    default: 0.5,
    min: 0.001,
    max: 10,
    step: 0.001,
    log: true,
    live: true,
    group: 'kl',
    doc: 'Target KL to the reference, summed over a completion, for adaptive β.',
  }),
  klHorizon: int({
    default: 1000,
    min: 10,
    max: 100000,
    live: true,
    group: 'kl',
    doc: 'Horizon of adaptive β: β changes by at most 20% × batch / horizon per iteration.',
  }),
  lr: num({
    default: 0.0003,
    min: 0.00001,
    max: 0.1,
    step: 0.00001,
    log: true,
    live: true,
    group: 'optim',
    doc: 'Adam learning rate (3e-4 keeps clip fraction and approx KL in their healthy ranges; 1e-3 is the "hot" setting).',
  }),
  maxGradNorm: num({
    default: 1,
    min: 0,
    max: 10,
    step: 0.1,
    live: true,
    group: 'optim',
    zeroMeans: 'off',
    doc: 'Clip the global gradient norm to this.',
  }),
  temperature: num({
    default: 1,
    min: 0.1,
    max: 2,
    step: 0.05,
    live: true,
    group: 'sampling',
    doc: 'Sampling temperature τ; logits are divided by τ wherever a log-prob is taken.',
  }),
  // An injected bug, for the ratio-not-one experiment (src/engine/experiments.ts): never on unless asked for.
  bugTempMismatch: bool({
    default: false,
    live: true,
    group: 'sampling',
    doc: 'INJECTED BUG (off by default, for the ratio-not-one experiment): the update forgets the sampling temperature and takes log-probs at τ = 1, so r ≠ 1 from the first minibatch whenever τ ≠ 1.',
  }),
} as const satisfies Record<string, ParamSpec>;

export type ParamKey = keyof typeof PARAMS;
type ValueOf<S> =
  S extends EnumSpec<infer T, boolean> ? T : S extends NumberSpec ? number : S extends BooleanSpec ? boolean : never;
/** A complete run configuration. */
export type Config = { -readonly [K in ParamKey]: ValueOf<(typeof PARAMS)[K]> };
export type LiveKey = { [K in ParamKey]: (typeof PARAMS)[K]['live'] extends true ? K : never }[ParamKey];
export type LiveParams = Pick<Config, LiveKey>;

export const PARAM_KEYS = Object.keys(PARAMS) as ParamKey[];
export const LIVE_KEYS = PARAM_KEYS.filter((k) => PARAMS[k].live) as LiveKey[];

/** The defaults of every parameter, with the task's own defaults where it has some. */
export function defaultConfig(task: TaskName = PARAMS.task.default): Config {
  const base = Object.fromEntries(PARAM_KEYS.map((k) => [k, PARAMS[k].default])) as Config;
  return { ...base, ...TASKS[task].defaults, task };
}

/** camelCase key → kebab-case CLI flag / link field. */
export const flagOf = (key: ParamKey): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const keyOfFlag = (flag: string): ParamKey | undefined => PARAM_KEYS.find((k) => flagOf(k) === flag);

/** The allowed values, as `--help` and error messages print them. */
export function describeRange(key: ParamKey): string {
  const s: ParamSpec = PARAMS[key];
  if (s.kind === 'enum') return `one of ${s.options.join('|')}`;
  if (s.kind === 'boolean') return 'true or false';
  const zero = s.zeroMeans ? ` (0 = ${s.zeroMeans})` : '';
  return `${s.integer ? 'an integer' : 'a number'} in [${s.min}, ${s.max}]${zero}`;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Longest stretch of an input quoted back in a message: a hostile value must not flood the page. */
const MAX_QUOTED = 40;

/** An input quoted for a message: JSON-escaped (nothing read as markup) and cut past MAX_QUOTED characters. */
export function quote(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw));
  return text.length > MAX_QUOTED
    ? `${JSON.stringify(text.slice(0, MAX_QUOTED))}… (${text.length} characters)`
    : typeof raw === 'string'
      ? JSON.stringify(raw)
      : text;
}

/**
 * A number as text must be written in plain decimal: digits, at most one point, no sign, no
 * exponent, no leading zeros, no spaces (an integer without a point). Number() would also take
 * 0x10, 0b11, 1e3, -0 or " 5": each is refused rather than silently read as something else.
 */
export function isDecimal(text: string, integer: boolean): boolean {
  return (integer ? /^(0|[1-9]\d*)$/ : /^(0|[1-9]\d*)(\.\d+)?$/).test(text);
}

/**
 * Reads one parameter from text (a CLI flag, a link field) or a value (a slider).
 * Out-of-range and malformed values are rejected with a message naming the parameter
 * and its range; nothing is silently coerced: text numbers are plain decimals, booleans
 * are the words true and false.
 */
export function parseParam<K extends ParamKey>(key: K, raw: unknown): Parsed<Config[K]> {
  const s: ParamSpec = PARAMS[key];
  const bad = (note = ''): Parsed<Config[K]> => ({
    ok: false,
    error: `${flagOf(key)} must be ${describeRange(key)}${note}; got ${quote(raw)}`,
  });
  if (s.kind === 'boolean') {
    if (raw === true || raw === 'true') return { ok: true, value: true as Config[K] };
    if (raw === false || raw === 'false') return { ok: true, value: false as Config[K] };
    return bad();
  }
  if (s.kind === 'enum') {
    return typeof raw === 'string' && s.options.includes(raw) ? { ok: true, value: raw as Config[K] } : bad();
  }
  if (typeof raw === 'string' && !isDecimal(raw, !!s.integer)) {
    return bad(`, written as plain decimal digits (like ${s.integer ? '12' : '0.25'})`);
  }
  const x = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isFinite(x) || x < s.min || x > s.max || (s.integer && !Number.isInteger(x))) return bad();
  return { ok: true, value: x as Config[K] };
}

/** A number as plain decimal text (String() would write 5e-7), so every value a link holds reads back. */
export function decimalText(x: number): string {
  const s = String(x);
  const m = /^(-?)(\d)(?:\.(\d+))?e-(\d+)$/.exec(s);
  if (!m) return s;
  return `${m[1]}0.${'0'.repeat(Number(m[4]) - 1)}${m[2]}${m[3] ?? ''}`;
}

/**
 * Rules that tie parameters together, checked before a run starts. Returns one message
 * per broken rule (empty when the config is valid).
 */
export function checkConfig(c: Config, taskMaxCompletion: number): string[] {
  const errors: string[] = [];
  if (c.algo === 'grpo' && c.group < 2) errors.push('grpo needs group ≥ 2 (it compares completions of the same prompt)');
  if (c.batch % c.group !== 0) errors.push(`batch (${c.batch}) must be a multiple of group (${c.group})`);
  if (c.minibatches > c.batch) errors.push(`minibatches (${c.minibatches}) cannot exceed batch (${c.batch})`);
  if (c.maxTokens > taskMaxCompletion) errors.push(`max-tokens must be at most ${taskMaxCompletion} for task ${c.task}`);
  return errors;
}

/**
 * Reads a set of live parameter changes against the config in force: each value is parsed like
 * a slider's, structural keys are refused (they need a reset), and the merged config must still
 * pass checkConfig. Used by the trainer and by anything that schedules edits for later.
 */
export function parseLiveParams(
  base: Config,
  changes: Record<string, unknown>,
  taskMaxCompletion: number,
): Parsed<Partial<LiveParams>> {
  const parsed: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(changes)) {
    if (!(key in PARAMS)) return { ok: false, error: `unknown parameter ${key}` };
    if (!PARAMS[key as ParamKey].live) return { ok: false, error: `${flagOf(key as ParamKey)} is structural: it needs a reset` };
    const p = parseParam(key as ParamKey, raw);
    if (!p.ok) return p;
    parsed[key] = p.value;
  }
  const errors = checkConfig({ ...base, ...parsed }, taskMaxCompletion);
  return errors.length ? { ok: false, error: errors.join('; ') } : { ok: true, value: parsed };
}

/**
 * Reads a whole config from outside (the page, a saved run): every field as a slider or a
 * link would read it, no unknown field, then the rules that tie fields together.
 */
export function parseConfig(raw: unknown): { ok: true; config: Config } | { ok: false; errors: string[] } {
  if (typeof raw !== 'object' || raw === null) return { ok: false, errors: ['the config must be an object'] };
  const errors: string[] = [];
  const config: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) if (!(key in PARAMS)) errors.push(`unknown parameter ${key}`);
  for (const key of PARAM_KEYS) {
    const p = parseParam(key, (raw as Record<string, unknown>)[key]);
    if (p.ok) config[key] = p.value;
    else errors.push(p.error);
  }
  if (errors.length) return { ok: false, errors };
  const c = config as Config;
  errors.push(...checkConfig(c, TASKS[c.task].maxCompletion));
  return errors.length ? { ok: false, errors } : { ok: true, config: c };
}

/**
 * The values in force where a parameter's 0 means "the default": ε_high 0 is ε, max tokens 0
 * is the task's own limit. Resolved here only, so trainer, worker, FLOP count and charts agree.
 */
export function effective(
  config: Pick<Config, 'eps' | 'epsHigh' | 'maxTokens' | 'algo' | 'klMode' | 'klEstimator'>,
  task: { defaultMaxTokens: number },
): { epsLow: number; epsHigh: number; maxTokens: number } & ReturnType<typeof klPlacement> {
  return { ...clipRange(config), ...klPlacement(config), maxTokens: config.maxTokens || task.defaultMaxTokens };
}

/**
 * Where the KL acts and which estimator, "auto" resolved: GRPO puts it in the loss (as TRL's
 * GRPOTrainer), the others in the reward (TRL's PPOTrainer); k1 in the reward (its value is
 * unbiased), k2 in the loss (the one estimator whose gradient is that of KL(π‖π_ref)).
 */
export function klPlacement(config: Pick<Config, 'algo' | 'klMode' | 'klEstimator'>): {
  klMode: 'reward' | 'loss';
  klEstimator: 'k1' | 'k2' | 'k3';
} {
  const klMode = config.klMode === 'auto' ? (config.algo === 'grpo' ? 'loss' : 'reward') : config.klMode;
  const klEstimator = config.klEstimator === 'auto' ? (klMode === 'loss' ? 'k2' : 'k1') : config.klEstimator;
  return { klMode, klEstimator };
}

/** The clip range alone (what needs no task): [1 − epsLow, 1 + epsHigh]. */
export const clipRange = (config: Pick<Config, 'eps' | 'epsHigh'>): { epsLow: number; epsHigh: number } => ({
  epsLow: config.eps,
  epsHigh: config.epsHigh || config.eps,
});
