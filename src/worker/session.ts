/**
 * One training session: the worker's state machine, apart from the worker globals so that
 * it runs (and is tested) in Node as well. It takes Commands, owns the Trainer and the run
 * loop, and says everything through an Outbox.
 *
 * Commands are handled one at a time, in order. The run loop is not one of them: it runs
 * beside the queue, yielding to the event loop between iterations, so `pause` and
 * `set-params` are taken promptly and act at the next iteration boundary.
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, kindOf, NonFiniteLossError } from '../engine/errors';
import { KernelCounter } from '../engine/kernel-count';
import { Trainer, type CheckpointLoader, type TrainerHooks } from '../engine/trainer';
import type { Metrics } from '../engine/metrics';
import { effective, parseConfig, parseLiveParams, type Config, type LiveParams } from '../engine/params';
import type { Task } from '../engine/tasks';
import { decodePolicyCheckpoint, encodePolicyCheckpoint, policyFileName, weightMismatch } from '../engine/policy-checkpoint';
import type { BackendRequest } from './backend-choice';
import { Outbox, realClock, type Clock } from './outbox';
import {
  toMinibatchData,
  toRolloutData,
  type BackendInfo,
  type Command,
  type ErrorKind,
  type RunState,
  type TaskInfo,
  type WorkerEvent,
} from './protocol';

/** What a trainer must offer the session (the real Trainer, or a test double). */
export type TrainerLike = Pick<Trainer, 'step' | 'setParams' | 'iteration' | 'nextBoundary' | 'config' | 'task' | 'dispose'>;

export interface SessionHost {
  /** Posts one frame's events; `transfer` holds the buffers of their typed arrays. */
  post(events: WorkerEvent[], transfer: ArrayBuffer[]): void;
  /** Starts a tfjs backend ('auto' or forced, with fallback). */
  selectBackend(requested: BackendRequest, progress: (message: string) => void, config: Config): Promise<BackendInfo>;
  /** Reads a checkpoint (a path relative to public/), reporting the fraction received. */
  fetchCheckpoint(file: string, progress: (fraction: number) => void): Promise<ArrayBuffer>;
  createTrainer?: (config: Config, load: CheckpointLoader, hooks: TrainerHooks) => Promise<TrainerLike>;
  clock?: Clock;
}

/** Iterations slower than this report their progress (a first WebGPU step compiles shaders for ~30 s). */
const PROGRESS_AFTER_MS = 1000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function taskInfo(task: Task, config: Config): TaskInfo {
  return {
    name: task.name,
    title: task.title,
    description: task.description,
    vocab: [...task.vocab],
    eos: task.eos,
    promptLength: task.promptLength,
    maxTokens: effective(config, task).maxTokens,
    solvedThreshold: task.solvedThreshold,
  };
}

export class TrainingSession {
  private readonly outbox: Outbox;
  private readonly clock: Clock;
  private queue: Promise<void> = Promise.resolve();
  private trainer: TrainerLike | null = null;
  /** The config in force: the loaded one plus every live edit queued or applied (what reset rebuilds). */
  private config: Config | null = null;
  private backend: { requested: BackendRequest; info: BackendInfo } | null = null;
  /** Counts the kernels of the backend in use, for the iteration event's `kernels` (see bench-browser.ts). */
  private kernels: KernelCounter | null = null;
  private running = false;
  /** Iterations left before pausing: null while running freely (start), a count after `step`. */
  private stepsLeft: number | null = null;
  private loop: Promise<void> | null = null;
  /** Live edits by the iteration they take effect at: `applied` of the iteration event. */
  private appliedAt = new Map<number, Partial<LiveParams>>();
  /** Edits sent with a later `atIteration`, handed to the trainer just before that iteration. */
  private scheduled = new Map<number, Partial<LiveParams>>();
  private iterationStart = 0;
  private progressShown = false;
  private firstIteration = true;
  private disposed = false;

  constructor(private readonly host: SessionHost) {
    this.clock = host.clock ?? realClock;
    this.outbox = new Outbox(host.post, this.clock);
  }

  /** Takes a command from the page. Never throws: every failure becomes an `error` event. */
  handle(cmd: Command): void {
    // Watching speed is a viewing preference: it acts at once, even mid-load.
    if (cmd?.type === 'set-watch') return this.setWatch(cmd.stepsPerSecond);
    this.queue = this.queue
      .then(() => this.exec(cmd))
      .catch((e: unknown) => this.error('internal', `the worker failed on ${cmd?.type}: ${(e as Error).message ?? e}`));
  }

  /** The worker cannot go on (GPU device lost): say so now, with `fatal` so the page replaces the worker. */
  fatal(kind: ErrorKind, message: string): void {
    this.running = false;
    this.outbox.event({ type: 'error', kind, message, fatal: true, iteration: this.trainer?.iteration });
    this.outbox.flushAll();
  }

  dispose(): void {
    this.disposed = true;
    this.running = false;
    this.trainer?.dispose();
    this.trainer = null;
    this.kernels?.dispose();
    this.kernels = null;
    this.outbox.dispose();
  }

  private async exec(cmd: Command): Promise<void> {
    switch (cmd?.type) {
      case 'load-config': {
        const v = parseConfig(cmd.config);
        if (!v.ok) return this.error('config', `config rejected: ${v.errors.join('; ')}`);
        return this.rebuild(v.config);
      }
      case 'reset':
        if (!this.config) return this.error('config', 'nothing to reset: no config is loaded yet');
        return this.rebuild(this.config);
      case 'pause':
        // The loop stops at the end of its iteration and then says 'paused'.
        this.running = false;
        if (!this.loop && this.trainer) this.status('paused');
        return;
      case 'start':
      case 'resume':
        return this.run(null);
      case 'step':
        // Running freely: finish this iteration, then pause. Already stepping: one more.
        if (this.loop && this.running) {
          this.stepsLeft = this.stepsLeft === null ? 1 : this.stepsLeft + 1;
          return;
        }
        return this.run(1);
      case 'set-params':
        return this.setParams(cmd.params, cmd.atIteration);
      case 'save-checkpoint':
        return this.saveCheckpoint();
      case 'load-checkpoint':
        return this.loadCheckpoint(cmd.bytes);
      default:
        return this.error('internal', `unknown command ${JSON.stringify((cmd as { type?: unknown })?.type)}`);
    }
  }

  private setWatch(stepsPerSecond: number | null): void {
    if (
      stepsPerSecond !== null &&
      !(typeof stepsPerSecond === 'number' && Number.isFinite(stepsPerSecond) && stepsPerSecond > 0)
    ) {
      return this.error(
        'config',
        `watch speed must be a positive number of token steps per second, or null for full speed; got ${JSON.stringify(stepsPerSecond)}`,
      );
    }
    this.outbox.setPace(stepsPerSecond);
  }

  private run(steps: number | null): void {
    if (!this.trainer) return this.error('config', 'nothing to run: no config is loaded (or the last one failed to load)');
    this.stepsLeft = steps;
    this.running = true;
    this.loop ??= this.runLoop();
  }

  private async runLoop(): Promise<void> {
    const trainer = this.trainer!;
    this.status('running');
    while (this.running && this.trainer === trainer && !this.disposed) {
      // In slow motion the page is still being shown the last iteration: wait for it.
      if (this.outbox.paced) await this.outbox.drained();
      await yieldToEventLoop();
      if (!this.running || this.trainer !== trainer) break;
      const next = trainer.iteration + 1;
      const due = this.scheduled.get(next);
      if (due) {
        this.scheduled.delete(next);
        this.queueParams(trainer, due);
      }
      let metrics: Metrics;
      this.iterationStart = this.clock.now();
      this.progressShown = false;
      const kernelsBefore = this.kernels?.total ?? 0;
      const programsBefore = this.kernels?.programs ?? 0;
      const copiesBefore = this.kernels?.copies ?? 0;
      try {
        metrics = await trainer.step();
      } catch (e) {
        if (e instanceof NonFiniteLossError) {
          this.outbox.event({
            type: 'error',
            kind: 'nan',
            reason: e.reason,
            iteration: e.iteration,
            message:
              `Training paused at iteration ${e.iteration}: ${e.detail} ` +
              'The weights are those of the last good step; change a parameter and resume, or reset.',
          });
        } else {
          this.error(kindOf(e), `iteration ${next} failed: ${(e as Error).message ?? e}`, next);
        }
        break;
      } finally {
        this.firstIteration = false;
      }
      const applied = this.appliedAt.get(metrics.iter) ?? {};
      this.appliedAt.delete(metrics.iter);
      const kernels = (this.kernels?.total ?? 0) - kernelsBefore;
      const programs = (this.kernels?.programs ?? 0) - programsBefore;
      const copies = (this.kernels?.copies ?? 0) - copiesBefore;
      this.outbox.event({ type: 'iteration', metrics, applied, numTensors: tf.memory().numTensors, kernels, programs, copies });
      if (this.progressShown) this.status('running');
      if (this.stepsLeft !== null && --this.stepsLeft <= 0) this.running = false;
    }
    // Synchronously with the loop's last check: a `start` handled after this starts a new loop.
    this.running = false;
    this.loop = null;
    if (this.trainer === trainer && !this.disposed) this.status('paused');
  }

  /** `checkpoint`: the saved policy the new run goes on from (loadCheckpoint restores it), for the `ready` event. */
  private async rebuild(config: Config, checkpoint?: { bytes: ArrayBuffer; iteration: number }): Promise<void> {
    this.running = false;
    await this.loop;
    // Whatever the old run still had queued goes out now, ahead of the new run's `ready`.
    this.outbox.flushAll();
    this.trainer?.dispose();
    this.trainer = null;
    this.appliedAt.clear();
    this.scheduled.clear();
    this.status('loading', { message: 'Preparing the run…' });
    try {
      if (!this.backend || this.backend.requested !== config.backend) {
        const info = await this.host.selectBackend(config.backend, (message) => this.status('loading', { message }), config);
        this.backend = { requested: config.backend, info };
        this.kernels?.dispose();
        this.kernels = new KernelCounter(info.name);
        if (info.fallback) {
          const why = info.skipped.find((s) => s.name === config.backend)?.reason ?? 'it did not start';
          this.error(
            'backend',
            `The ${config.backend} backend was requested but could not start (${why}); training runs on ${info.name} instead.`,
          );
        }
      }
    } catch (e) {
      this.backend = null;
      this.error('backend', (e as Error).message);
      return this.status('error');
    }
    const load: CheckpointLoader = (file) => {
      this.status('loading', { message: `Loading the reference checkpoint ${file}…`, progress: 0 });
      return this.host.fetchCheckpoint(file, (f) =>
        this.status('loading', { message: `Loading the reference checkpoint ${file}…`, progress: f }),
      );
    };
    try {
      const create = this.host.createTrainer ?? Trainer.create;
      this.trainer = await create(config, load, this.hooks());
    } catch (e) {
      // The trainer throws CheckpointError for anything the loader or the decoder refused.
      this.error(kindOf(e), (e as Error).message ?? String(e));
      return this.status('error');
    }
    this.config = { ...config };
    this.firstIteration = true;
    this.outbox.event({
      type: 'ready',
      backend: this.backend.info,
      config: { ...config },
      task: taskInfo(this.trainer.task, config),
      ...(checkpoint ? { checkpoint } : {}),
    });
    this.status('ready');
  }

  /** Saves the policy between iterations: a running loop finishes its iteration first, then goes on. */
  private async saveCheckpoint(): Promise<void> {
    const trainer = this.trainer as (TrainerLike & Partial<Pick<Trainer, 'savePolicy'>>) | null;
    if (!trainer?.savePolicy) return this.error('checkpoint', 'nothing to save: no run is loaded');
    const wasRunning = this.running;
    this.running = false;
    await this.loop;
    try {
      const p = await trainer.savePolicy();
      const bytes = encodePolicyCheckpoint(p);
      const fileName = policyFileName(p.config, p.iteration);
      this.outbox.event({ type: 'checkpoint', bytes: bytes.buffer as ArrayBuffer, iteration: p.iteration, fileName });
    } finally {
      if (wasRunning) this.run(null);
    }
  }

  /** A refused file changes nothing; an accepted one replaces the run by its config and weights. */
  private async loadCheckpoint(bytes: ArrayBuffer): Promise<void> {
    let p;
    try {
      p = decodePolicyCheckpoint(bytes);
    } catch (e) {
      return this.error('checkpoint', `checkpoint refused, the run goes on unchanged: ${(e as Error).message}`);
    }
    // The weights' shapes follow from task, model and algorithm: with the same three, the
    // running model can say now whether they fit, before anything is replaced.
    const current = this.trainer as (TrainerLike & Partial<Pick<Trainer, 'policy'>>) | null;
    const c = this.config;
    if (current?.policy && c && c.task === p.config.task && c.model === p.config.model && c.algo === p.config.algo) {
      const problem = weightMismatch(
        current.policy.trainable.map((v) => v.shape),
        p.weights,
      );
      if (problem) return this.error('checkpoint', `checkpoint refused, the run goes on unchanged: ${problem}`);
    }
    await this.rebuild(p.config, { bytes, iteration: p.iteration });
    const trainer = this.trainer as (TrainerLike & Partial<Pick<Trainer, 'restorePolicy'>>) | null;
    if (!trainer?.restorePolicy) return;
    try {
      trainer.restorePolicy(p);
    } catch (e) {
      return this.error('checkpoint', `${(e as Error).message}; the run starts from the reference instead`);
    }
    this.status('ready', { message: `Continuing from the saved policy at iteration ${p.iteration}` });
  }

  private setParams(params: Partial<LiveParams>, atIteration: number | undefined): void {
    const trainer = this.trainer;
    if (!trainer || !this.config) return this.error('config', 'parameters cannot be set yet: no config is loaded');
    if (typeof params !== 'object' || params === null)
      return this.error('config', 'set-params needs an object of live parameters');
    if (atIteration !== undefined && !(Number.isInteger(atIteration) && atIteration >= 1)) {
      return this.error('config', `atIteration must be an iteration number ≥ 1; got ${JSON.stringify(atIteration)}`);
    }
    if (atIteration === undefined || atIteration <= trainer.nextBoundary) {
      this.queueParams(trainer, params);
      return;
    }
    const checked = parseLiveParams({ ...this.config, ...this.scheduledUpTo(atIteration) }, params, trainer.task.maxCompletion);
    if (!checked.ok) return this.error('config', checked.error);
    this.scheduled.set(atIteration, { ...this.scheduled.get(atIteration), ...checked.value });
    this.outbox.event({ type: 'params-queued', params: checked.value, atIteration });
  }

  private scheduledUpTo(iteration: number): Partial<LiveParams> {
    const keys = [...this.scheduled.keys()].filter((k) => k <= iteration).sort((a, b) => a - b);
    return Object.assign({}, ...keys.map((k) => this.scheduled.get(k)));
  }

  /** Hands edits to the trainer for its next iteration boundary and announces them. */
  private queueParams(trainer: TrainerLike, params: Partial<LiveParams>): void {
    const checked = parseLiveParams(this.config!, params, trainer.task.maxCompletion);
    if (!checked.ok) return this.error('config', checked.error);
    let at: number;
    try {
      at = trainer.setParams(checked.value);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return this.error('config', e.message);
    }
    this.appliedAt.set(at, { ...this.appliedAt.get(at), ...checked.value });
    this.config = { ...this.config!, ...checked.value };
    this.outbox.event({ type: 'params-queued', params: checked.value, atIteration: at });
  }

  private hooks(): TrainerHooks {
    return {
      onPrompts: (iteration, prompts, shape) => {
        // The trainer keeps using the prompts after the hook: send a copy.
        this.outbox.event({
          type: 'rollout-start',
          iteration,
          ...shape,
          group: this.config?.group ?? 1,
          prompts: prompts.slice(),
        });
      },
      onSample: (iteration, step) => {
        this.outbox.step(iteration, step);
        const T = this.config && this.trainer ? effective(this.config, this.trainer.task).maxTokens : 1;
        this.progress(iteration, (0.5 * (step.position + 1)) / T, `sampling token ${step.position + 1} of ${T}`);
      },
      onRollout: (iteration, r, targets) => {
        this.outbox.event({ type: 'rollout', iteration, rollout: toRolloutData(r, targets, this.config?.group ?? 1) });
      },
      onMinibatch: (m) => {
        this.outbox.event({ type: 'minibatch', iteration: m.iteration, data: toMinibatchData(m) });
        const total = m.epochs * m.minibatchesPerEpoch;
        const done = m.epoch * m.minibatchesPerEpoch + m.minibatch + 1;
        this.progress(m.iteration, 0.5 + (0.5 * done) / total, `update: minibatch ${done} of ${total}`);
      },
    };
  }

  /** Progress of a slow iteration (over a second), so a long first WebGPU step is not a frozen page. */
  private progress(iteration: number, fraction: number, what: string): void {
    if (this.clock.now() - this.iterationStart < PROGRESS_AFTER_MS) return;
    this.progressShown = true;
    const compiling = this.firstIteration && (this.backend?.info.name === 'webgpu' || this.backend?.info.name === 'webgl');
    const message = `Iteration ${iteration}: ${what}${compiling ? ' (the first iteration compiles GPU shaders)' : ''}`;
    this.status('running', { message, progress: Math.min(1, fraction) });
  }

  private status(state: RunState, extra: { message?: string; progress?: number } = {}): void {
    this.outbox.event({ type: 'status', state, iteration: this.trainer?.iteration ?? 0, ...extra });
  }

  private error(kind: ErrorKind, message: string, iteration?: number): void {
    this.outbox.event({ type: 'error', kind, message, ...(iteration === undefined ? {} : { iteration }) });
  }
}
