/**
 * The training loop shared by the worker, the CLI and the tests. One iteration:
 *
 *   1. rollout: sample `batch` completions (groups of G per prompt) with π_old, recording
 *      lp_old, lp_ref, exact KL, entropy and value per token (rollout.ts);
 *   2. rewards and advantages: task score on the last token, −β·KL per token when the KL is
 *      in the reward; GAE (PPO), reward-to-go minus a baseline (REINFORCE) or group-relative
 *      scores (GRPO) (advantages.ts);
 *   3. update: `epochs` passes over seeded-shuffled minibatches, one Adam step each on the
 *      composite loss (loss.ts), stopping early when approx KL to π_old passes its target;
 *   4. metrics (metrics.ts) and adaptive β (kl.ts).
 *
 * Live parameters set during an iteration take effect at the next one.
 */
import * as tf from '@tensorflow/tfjs';
import {
  broadcast,
  forEachToken,
  gae,
  groupAdvantages,
  groupSpread,
  reinforceAdvantages,
  rewardToGo,
  tokenRewards,
  whiten,
  type GroupSpread,
} from './advantages';
import { CASE_NAMES } from './cases';
import { checkpointFile, decodeCheckpoint } from './checkpoint';
import { PackedAdam } from './adam';
import { CheckpointError, ConfigError } from './errors';
import { adaptBeta, klEstimateArray } from './kl';
import type { LossSettings } from './loss';
import { buildMinibatch, takeRows, type UpdateTargets } from './minibatch';
import {
  UpdateStats,
  emptyCaseCounts,
  iterationMetrics,
  type CaseCounts,
  type LossValues,
  type Metrics,
  type TokenCases,
} from './metrics';
import { SoftmaxTable, Transformer, type PolicyModel, type WeightMap } from './model';
import { MODEL_SIZES } from './sizes';
import { effective, klPlacement, parseConfig, parseLiveParams, type Config, type ParamKey } from './params';
import { weightMismatch, type PolicyCheckpoint } from './policy-checkpoint';
import { Rng } from './rng';
import { sampleRollout, type Rollout, type SampledStep } from './rollout';
import { TASKS, type Task } from './tasks';
import { updateStep, type StepResult } from './update-step';

export { NonFiniteLossError } from './errors';

/** Reads a checkpoint file (a path relative to public/) into bytes: fs in Node, fetch in the browser. */
export type CheckpointLoader = (file: string) => Promise<ArrayBuffer>;

/** One minibatch's per-token view, for the token stream and `--tokens`. */
export interface MinibatchReport extends TokenCases {
  iteration: number;
  epoch: number;
  minibatch: number;
  /** The update's plan (early stopping may end it sooner): epochs, and minibatches per epoch. */
  epochs: number;
  minibatchesPerEpoch: number;
  /** The clip range in force for this iteration. */
  eps: number;
  epsHigh: number;
  /** Rollout rows of this minibatch, in minibatch order; per-token arrays are [rows × width]. */
  rows: number[];
  width: number;
  lengths: number[];
  tokens: Int32Array;
  ratio: Float32Array;
  advantages: Float32Array;
  lpOld: Float32Array;
  /** log π_θ of each token from this step's forward pass (before its update), at the sampling temperature. */
  lpNew: Float32Array;
  lpRef: Float32Array;
  losses: LossValues;
  counts: CaseCounts;
}

export interface TrainerHooks {
  /** The iteration's prompts [n × promptLength], before any token is sampled (GRPO groups are consecutive rows). */
  onPrompts?(iteration: number, prompts: Int32Array, shape: { n: number; promptLength: number; width: number }): void;
  onSample?(iteration: number, step: SampledStep): void;
  onRollout?(iteration: number, rollout: Rollout, targets: UpdateTargets & { klPenalty: Float32Array }): void;
  onMinibatch?(report: MinibatchReport): void;
}

function buildModel(
  task: Task,
  config: Config,
  weights: WeightMap,
  opts: { trainable: boolean; valueHead: boolean },
): PolicyModel {
  if (task.model === 'table') return new SoftmaxTable(task.vocab.length, weights, opts);
  const size = MODEL_SIZES[config.model];
  const shape = { vocabSize: task.vocab.length, contextLength: task.promptLength + task.maxCompletion, ...size };
  return new Transformer(shape, weights, opts);
}

/** Which checkpoint a config starts from. */
export const checkpointFor = (config: Pick<Config, 'task' | 'model'>) =>
  checkpointFile(config.task, TASKS[config.task].model === 'table' ? 'table' : config.model);

export class Trainer {
  private cfg: Config;
  private pending: Partial<Config> = {};
  private iter = 0;
  /** True while step() runs: its live parameters were already taken, so new ones wait one more. */
  private stepping = false;
  private beta: number;
  private readonly promptRng: Rng;
  private readonly samplingRng: Rng;
  private readonly shuffleRng: Rng;

  private constructor(
    config: Config,
    readonly task: Task,
    readonly policy: PolicyModel,
    readonly reference: PolicyModel,
    private readonly optimizer: PackedAdam,
    private readonly hooks: TrainerHooks,
  ) {
    this.cfg = config;
    this.beta = config.beta;
    this.promptRng = Rng.stream(config.seed, 'prompts');
    this.samplingRng = Rng.stream(config.seed, 'sampling');
    this.shuffleRng = Rng.stream(config.seed, 'shuffle');
  }

  /** Validates the config, loads the task's SFT checkpoint as both the reference and the policy's start. */
  static async create(config: Config, load: CheckpointLoader, hooks: TrainerHooks = {}): Promise<Trainer> {
    const parsed = parseConfig(config);
    if (!parsed.ok) throw new ConfigError(`invalid config: ${parsed.errors.join('; ')}`);
    const task = TASKS[config.task];
    const file = checkpointFor(config);
    let checkpoint;
    try {
      checkpoint = decodeCheckpoint(await load(file));
    } catch (e) {
      throw new CheckpointError(
        `cannot load the reference checkpoint ${file}: ${(e as Error).message} (npm run pretrain writes it)`,
      );
    }
    const policy = buildModel(task, config, checkpoint.weights, { trainable: true, valueHead: config.algo === 'ppo' });
    const reference = buildModel(task, config, checkpoint.weights, { trainable: false, valueHead: false });
    // Explicit epsilon: tfjs takes Adam's default from the backend, and WebGL's (1e-4) differs from the others' (1e-7).
    const optimizer = new PackedAdam(policy.trainable, config.lr, 0.9, 0.999, 1e-7);
    return new Trainer({ ...config }, task, policy, reference, optimizer, hooks);
  }

  get iteration(): number {
    return this.iter;
  }

  /** The config in force (live changes included once applied), with the current β. */
  get config(): Readonly<Config> {
    return { ...this.cfg, beta: this.beta };
  }

  /** The policy as a checkpoint (policy-checkpoint.ts): its trainable variables, config, iteration and β. */
  async savePolicy(): Promise<PolicyCheckpoint> {
    const weights: WeightMap = new Map();
    for (const [i, v] of this.policy.trainable.entries())
      weights.set(`trainable.${i}`, { shape: [...v.shape], data: (await v.data()) as Float32Array });
    return { config: { ...this.cfg }, iteration: this.iter, beta: this.beta, weights };
  }

  /**
   * Puts a saved policy's weights in place and counts on from its iteration. Adam's moments
   * and the sampling streams start afresh. Throws, changing nothing, when the shapes differ.
   */
  restorePolicy(p: PolicyCheckpoint): void {
    const problem = weightMismatch(
      this.policy.trainable.map((v) => v.shape),
      p.weights,
    );
    if (problem) throw new Error(`the checkpoint does not fit this model: ${problem}`);
    [...p.weights.values()].forEach((w, i) => {
      const t = tf.tensor(w.data, w.shape);
      this.policy.trainable[i]!.assign(t);
      t.dispose();
    });
    this.iter = p.iteration;
    this.beta = p.beta;
  }

  /**
   * Queues live parameter changes for the next iteration boundary and returns the iteration
   * they will apply to. Rejects structural keys and invalid values, naming them.
   */
  setParams(changes: Partial<Record<ParamKey, unknown>>): number {
    const parsed = parseLiveParams({ ...this.cfg, ...this.pending }, changes, this.task.maxCompletion);
    if (!parsed.ok) throw new ConfigError(parsed.error);
    Object.assign(this.pending, parsed.value);
    return this.nextBoundary;
  }

  /** The iteration that parameters set now will apply to (the one after a step that is running). */
  get nextBoundary(): number {
    return this.iter + (this.stepping ? 2 : 1);
  }

  private applyPending(): Partial<Config> {
    const applied = this.pending;
    this.pending = {};
    this.cfg = { ...this.cfg, ...applied };
    if (applied.beta !== undefined) this.beta = applied.beta;
    if (applied.lr !== undefined) this.optimizer.setLearningRate(applied.lr);
    return applied;
  }

  private maxTokens(): number {
    return effective(this.cfg, this.task).maxTokens;
  }

  private samplePrompts(): Int32Array {
    const { batch, group } = this.cfg;
    const P = this.task.promptLength;
    const prompts = new Int32Array(batch * P);
    for (let g = 0; g < batch / group; g++) {
      const prompt = this.task.samplePrompt(this.promptRng);
      for (let j = 0; j < group; j++) prompts.set(prompt, (g * group + j) * P);
    }
    return prompts;
  }

  /** Step 2: per-token rewards → advantages and value targets, by algorithm. */
  private targets(r: Rollout, klPenalty: Float32Array): UpdateTargets & { groups: GroupSpread | null } {
    const c = this.cfg;
    const T = r.width;
    const { klMode } = klPlacement(c);
    const rewards = tokenRewards(r.scores, r.lengths, T, klMode === 'reward' ? klPenalty : null, this.beta);
    if (c.algo === 'grpo') {
      // A completion's total: its task score, minus β·Σ KL when the KL is in the reward.
      const totals = new Float32Array(r.n);
      forEachToken(r.lengths, T, (k, i) => (totals[i]! += rewards[k]!));
      const { perSequence } = groupAdvantages(totals, c.group, c.scaleRewards);
      return {
        advantages: broadcast(perSequence, r.lengths, T),
        returns: new Float32Array(r.n * T),
        groups: groupSpread(r.scores, c.group),
      };
    }
    let advantages: Float32Array;
    let returns: Float32Array;
    if (c.algo === 'ppo') {
      ({ advantages, returns } = gae(rewards, r.values, r.lengths, T, c.gamma, c.lambda));
    } else {
      returns = rewardToGo(rewards, r.lengths, T, c.gamma);
      advantages = reinforceAdvantages(returns, r.lengths, T);
    }
    if (c.whiten) advantages = whiten(advantages, r.lengths, T);
    return { advantages, returns, groups: null };
  }

  private lossSettings(): LossSettings {
    const c = this.cfg;
    const { epsLow, epsHigh, klMode, klEstimator } = effective(c, this.task);
    return {
      clipped: c.algo !== 'reinforce',
      epsLow,
      epsHigh,
      critic: c.algo === 'ppo',
      vfCoef: c.vfCoef,
      vfClip: c.vfClip,
      entCoef: c.entCoef,
      klInLoss: klMode === 'loss',
      klBeta: klMode === 'loss' ? this.beta : 0,
      klEstimator,
      // bug-temp-mismatch (an injected bug, off by default): the update ignores the sampling temperature.
      temperature: c.bugTempMismatch ? 1 : c.temperature,
      promptLength: this.task.promptLength,
    };
  }

  /** Runs one full iteration and returns its metrics. Throws NonFiniteLossError on a NaN loss. */
  async step(): Promise<Metrics> {
    this.stepping = true;
    try {
      return await this.iterate();
    } finally {
      this.stepping = false;
    }
  }

  /** The training loop of one iteration: rollout, advantages, update epochs, metrics. */
  private async iterate(): Promise<Metrics> {
    const t0 = performance.now();
    this.applyPending();
    const iteration = this.iter + 1;
    const c = this.cfg;
    const beta = this.beta;
    const hooks = this.hooks;
    const maxTokens = this.maxTokens();

    // 1. Rollout.
    const prompts = this.samplePrompts();
    hooks.onPrompts?.(iteration, prompts, { n: c.batch, promptLength: this.task.promptLength, width: maxTokens });
    const rollout = await sampleRollout(
      this.policy,
      this.reference,
      this.task,
      prompts,
      c.batch,
      { temperature: c.temperature, maxTokens },
      this.samplingRng,
      hooks.onSample && ((s) => hooks.onSample!(iteration, s)),
    );
    const { n, width: T, lengths } = rollout;
    const klPenalty = await klEstimateArray(rollout.lpOld, rollout.lpRef, klPlacement(c).klEstimator);
    const tRollout = performance.now();

    // 2. Advantages.
    const targets = this.targets(rollout, klPenalty);
    hooks.onRollout?.(iteration, rollout, { ...targets, klPenalty });

    // 3. Update epochs over seeded-shuffled minibatches.
    const settings = this.lossSettings();
    const stats = new UpdateStats(settings.epsLow, settings.epsHigh, settings.clipped);
    let epochsRun = 0;
    const size = Math.ceil(n / c.minibatches);
    const minibatchesPerEpoch = Math.ceil(n / size);
    for (let epoch = 0; epoch < c.epochs; epoch++) {
      const order = this.shuffleRng.permutation(n);
      for (let m = 0; m * size < n; m++) {
        const rows = order.slice(m * size, (m + 1) * size);
        const tensors = buildMinibatch(rollout, targets, rows, c.lossType);
        let result;
        try {
          result = await updateStep(this.policy, this.optimizer, tensors, settings, c.maxGradNorm, iteration);
        } finally {
          tf.dispose(Object.values(tensors));
        }
        const adv = takeRows(targets.advantages, rows, T);
        const rowLengths = rows.map((i) => lengths[i]!);
        // The update's own float32 log-ratio, lp_new − lp_old, as the loss took it. (Math.log of the
        // ratio would differ in the last bit between JavaScript engines: page and CLI must agree.)
        const lpOld = takeRows(rollout.lpOld, rows, T);
        const logRatio = result.lpNew.map((lp, k) => lp - lpOld[k]!);
        const tc = stats.addMinibatch(epoch, result.ratio, logRatio, adv, rowLengths, T);
        stats.addLosses(result.scalars);
        hooks.onMinibatch?.(
          minibatchReport(rollout, rows, adv, result, tc, {
            iteration,
            epoch,
            minibatch: m,
            epochs: c.epochs,
            minibatchesPerEpoch,
            eps: settings.epsLow,
            epsHigh: settings.epsHigh,
          }),
        );
      }
      epochsRun++;
      // As CleanRL: the approx KL of the epoch's last minibatch decides (policy/approxkl_last).
      if (c.earlyStopKl > 0 && stats.approxKlLast > c.earlyStopKl) break;
    }
    const tEnd = performance.now();

    // 4. Metrics, then adaptive β for the next iteration.
    const metrics = iterationMetrics({
      iteration,
      config: c,
      beta,
      task: this.task,
      rollout,
      klPenalty,
      returns: targets.returns,
      groups: targets.groups,
      stats,
      epochsRun,
      time: { t0, tRollout, tEnd },
    });
    if (c.adaptiveBeta) this.beta = adaptBeta(beta, metrics['kl/ref'], c.targetKl, n, c.klHorizon);
    this.iter = iteration;
    return metrics;
  }

  /** Frees every tensor the trainer owns (models, optimizer state). */
  dispose(): void {
    this.policy.dispose();
    this.reference.dispose();
    this.optimizer.dispose();
  }
}

/** Where a minibatch sits in the update, and the clip range in force. */
type MinibatchPlace = Pick<
  MinibatchReport,
  'iteration' | 'epoch' | 'minibatch' | 'epochs' | 'minibatchesPerEpoch' | 'eps' | 'epsHigh'
>;

/** The per-token view of one minibatch step (rows gathered from the rollout in minibatch order). */
function minibatchReport(
  r: Rollout,
  rows: number[],
  advantages: Float32Array,
  step: StepResult,
  tc: TokenCases,
  place: MinibatchPlace,
): MinibatchReport {
  const T = r.width;
  const lengths = rows.map((i) => r.lengths[i]!);
  const counts = emptyCaseCounts();
  lengths.forEach((len, j) => {
    for (let t = 0; t < len; t++) counts[CASE_NAMES[tc.cases[j * T + t]!]!]++;
  });
  const { policy, value, entropy, kl, total } = step.scalars;
  return {
    ...place,
    rows,
    width: T,
    lengths,
    tokens: takeRows(r.tokens, rows, T),
    ratio: step.ratio,
    advantages,
    lpOld: takeRows(r.lpOld, rows, T),
    lpNew: step.lpNew,
    lpRef: takeRows(r.lpRef, rows, T),
    cases: tc.cases,
    flows: tc.flows,
    losses: { policy, value, entropy, kl, total },
    counts,
  };
}
