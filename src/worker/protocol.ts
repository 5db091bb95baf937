/**
 * The one protocol between the page and the training worker: a discriminated union of
 * commands (page → worker) and one of events (worker → page), shared by both sides.
 * Per-token data travels as typed arrays, transferred rather than copied; see
 * `transferablesOf`.
 */
import type { NonFiniteReason } from '../engine/errors';
import type { Metrics } from '../engine/metrics';
import type { Config, LiveParams } from '../engine/params';
import type { Rollout } from '../engine/rollout';
import type { MinibatchReport } from '../engine/trainer';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** What runs it: the WebGPU adapter, the WebGL renderer, "SIMD, 2 threads" for wasm. */
  description: string;
  /** Why each backend tried before this one was not used (or "not requested" when forced). */
  skipped: { name: BackendName; reason: string }[];
  /** True when the preferred backend failed and this one was the fallback: the page shows a notice. */
  fallback: boolean;
}

/** What the page needs to know of the task to label tokens and charts. */
export interface TaskInfo {
  name: string;
  title: string;
  description: string;
  vocab: string[];
  eos: number | null;
  promptLength: number;
  /** Completion width in force (max tokens). */
  maxTokens: number;
  solvedThreshold: number;
}

/**
 * 'stopped' is never sent by the worker: the page's client says it when the worker died too
 * often to be restarted, so nothing can run until the page is reloaded.
 */
export type RunState = 'loading' | 'ready' | 'running' | 'paused' | 'error' | 'stopped';

// ─── Commands ────────────────────────────────────────────────────────────────

export type Command =
  /** Build (or rebuild) the trainer for this config; answered by `ready` (or `error`). */
  | { type: 'load-config'; config: Config }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'resume' }
  /** Run exactly one iteration, then pause. */
  | { type: 'step' }
  /** Rebuild the trainer from the current config: same seed, same start. */
  | { type: 'reset' }
  /**
   * Live parameters; they take effect at the next iteration boundary (`params-queued` says which).
   * With `atIteration` they wait for exactly that iteration instead (a lab link's timeline
   * replays exactly this way); an iteration already begun or past means "the next one".
   */
  | { type: 'set-params'; params: Partial<LiveParams>; atIteration?: number }
  /** Slow-motion viewing: pace sampling to this many token steps per second; null = full speed. */
  | { type: 'set-watch'; stepsPerSecond: number | null }
  /** Save the policy (weights, config, iteration): answered by `checkpoint`. */
  | { type: 'save-checkpoint' }
  /** Rebuild the run from a saved policy file (engine/policy-checkpoint.ts) and go on from it. */
  | { type: 'load-checkpoint'; bytes: ArrayBuffer };

// ─── Events ──────────────────────────────────────────────────────────────────

/** Tokens as they are sampled, batched (at most about one message per frame); all arrays have one entry per token. */
export interface TokenBatch {
  sequence: Int32Array;
  position: Int32Array;
  token: Int32Array;
  /** log π_old of the token (at the sampling temperature). */
  lp: Float32Array;
  lpRef: Float32Array;
  /** Exact KL(π_old ‖ π_ref) over the vocabulary at that position. */
  klExact: Float32Array;
  value: Float32Array;
}

/** The finished rollout with its advantages: [n × width] per-token arrays, padding included. */
export interface RolloutData {
  n: number;
  promptLength: number;
  width: number;
  group: number;
  prompts: Int32Array;
  tokens: Int32Array;
  lengths: Int32Array;
  scores: Float32Array;
  lpOld: Float32Array;
  lpRef: Float32Array;
  /** The KL estimator in use, per token. */
  kl: Float32Array;
  klExact: Float32Array;
  values: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
}

/**
 * One minibatch of the update: the trainer's MinibatchReport without what the page already
 * has (iteration, tokens and log-probs travel with the rollout), rows and lengths as typed arrays.
 */
export type MinibatchData = Omit<MinibatchReport, 'iteration' | 'rows' | 'lengths' | 'tokens' | 'lpOld' | 'lpRef'> & {
  /** Rollout sequence of each row. */
  rows: Int32Array;
  lengths: Int32Array;
};

/** The finished rollout as a message: copies, because the trainer keeps using its arrays after the hook. */
export function toRolloutData(
  r: Rollout,
  targets: { advantages: Float32Array; returns: Float32Array; klPenalty: Float32Array },
  group: number,
): RolloutData {
  return {
    n: r.n,
    promptLength: r.promptLength,
    width: r.width,
    group,
    prompts: r.prompts.slice(),
    tokens: r.tokens.slice(),
    lengths: r.lengths.slice(),
    scores: r.scores.slice(),
    lpOld: r.lpOld.slice(),
    lpRef: r.lpRef.slice(),
    kl: targets.klPenalty.slice(),
    klExact: r.klExact.slice(),
    values: r.values.slice(),
    advantages: targets.advantages.slice(),
    returns: targets.returns.slice(),
  };
}

/** One minibatch report as a message (copies of its arrays, only the fields the page reads). */
export function toMinibatchData(m: MinibatchReport): MinibatchData {
  const { policy, value, entropy, kl, total } = m.losses;
  return {
    epoch: m.epoch,
    minibatch: m.minibatch,
    epochs: m.epochs,
    minibatchesPerEpoch: m.minibatchesPerEpoch,
    eps: m.eps,
    epsHigh: m.epsHigh,
    rows: Int32Array.from(m.rows),
    width: m.width,
    lengths: Int32Array.from(m.lengths),
    ratio: m.ratio.slice(),
    lpNew: m.lpNew.slice(),
    advantages: m.advantages.slice(),
    cases: m.cases.slice(),
    flows: m.flows.slice(),
    losses: { policy, value, entropy, kl, total },
    counts: { ...m.counts },
  };
}

/**
 * What failed, so the page reacts by kind, never by the wording of the message. The engine's
 * error classes (engine/errors.ts) map to 'nan', 'config' and 'checkpoint'.
 */
export type ErrorKind =
  /** The loss became NaN or infinite: training paused, the weights are the last good ones. */
  | 'nan'
  /** A backend failed to start (the worker fell back) or the GPU device was lost. */
  | 'backend'
  /** The config or a parameter was rejected. */
  | 'config'
  /** The reference checkpoint could not be loaded. */
  | 'checkpoint'
  /** The worker crashed; the page restarts it on the last good config. */
  | 'crash'
  | 'internal';

export type WorkerEvent =
  /**
   * `checkpoint`: the saved policy this run goes on from, when a load-checkpoint started it (its
   * bytes echoed, so that a worker replacing a dead one can load it again; the page's client keeps
   * them and passes the event on without them). `restarted`: set by the page's client (not the
   * worker) on the first `ready` of a worker that replaced a dead one.
   */
  | {
      type: 'ready';
      backend: BackendInfo;
      config: Config;
      task: TaskInfo;
      checkpoint?: { bytes: ArrayBuffer; iteration: number };
      restarted?: boolean;
    }
  /** `progress` in [0, 1] for anything slow (loading checkpoints, compiling shaders). */
  | { type: 'status'; state: RunState; iteration: number; message?: string; progress?: number }
  /** An iteration's rollout begins: its prompts [n × promptLength], before any token is sampled. */
  | {
      type: 'rollout-start';
      iteration: number;
      n: number;
      promptLength: number;
      width: number;
      group: number;
      prompts: Int32Array;
    }
  | { type: 'rollout-token'; iteration: number; batch: TokenBatch }
  | { type: 'rollout'; iteration: number; rollout: RolloutData }
  | { type: 'minibatch'; iteration: number; data: MinibatchData }
  /**
   * `applied`: the live parameters that took effect at this iteration (empty when none);
   * `numTensors`: tfjs tensors alive in the worker after it (flat over a run unless something leaks);
   * `kernels`: tfjs kernels the worker dispatched during it (the browser bench's kernel count);
   * `programs`: GPU programs those kernels ran (0 on wasm and cpu); `copies`: the buffer copies that
   * stood in for programs (WebGPU only).
   */
  | {
      type: 'iteration';
      metrics: Metrics;
      applied: Partial<LiveParams>;
      numTensors: number;
      kernels: number;
      programs: number;
      copies: number;
    }
  | { type: 'params-queued'; params: Partial<LiveParams>; atIteration: number }
  /** A saved policy file (engine/policy-checkpoint.ts). */
  | { type: 'checkpoint'; bytes: ArrayBuffer; iteration: number; fileName: string }
  /**
   * `fatal`: the worker cannot go on (e.g. the GPU device was lost); the client replaces it.
   * `reason`: for 'nan', whether the loss itself or only its gradient stopped being finite.
   */
  | { type: 'error'; kind: ErrorKind; message: string; iteration?: number; fatal?: boolean; reason?: NonFiniteReason };

/**
 * What the worker actually posts: the events of one frame, in order, so the page gets at
 * most about one message per frame however fast training runs. TrainingClient unpacks it
 * and hands listeners one WorkerEvent at a time.
 */
export interface WorkerPost {
  events: WorkerEvent[];
}

/** The buffers of an event's typed arrays, to pass as transferables to postMessage. */
export function transferablesOf(e: WorkerEvent): ArrayBuffer[] {
  const arrays = (o: object) =>
    Object.values(o)
      .filter((v): v is ArrayBufferView => ArrayBuffer.isView(v))
      .map((v) => v.buffer as ArrayBuffer);
  switch (e.type) {
    case 'rollout-start':
      return [e.prompts.buffer as ArrayBuffer];
    case 'rollout-token':
      return unique(arrays(e.batch));
    case 'rollout':
      return unique(arrays(e.rollout));
    case 'minibatch':
      return unique(arrays(e.data));
    case 'checkpoint':
      return [e.bytes];
    default:
      return [];
  }
}

const unique = (xs: ArrayBuffer[]) => [...new Set(xs)];
