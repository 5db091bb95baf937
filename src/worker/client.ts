/**
 * The page's end of the training worker. Sends Commands, hands listeners WorkerEvents one
 * at a time (the worker posts them a frame at a time), and keeps the lab alive when the
 * worker dies: on a crash, a fatal error such as a lost GPU device, or a worker that falls
 * silent (killed without an error event: `terminate()`, an out-of-memory kill), it says so,
 * starts a fresh worker and replays the run from its start: the last good config, then every
 * live edit at the iteration it was queued for, so the new run is the old one again.
 */
import type { Config, LiveParams } from '../engine/params';
import { realClock, type Clock } from './outbox';
import type { Command, RunState, WorkerEvent, WorkerPost } from './protocol';

export interface TrainingClientOptions {
  createWorker?: () => Worker;
  /** Restarts allowed within `restartWindowMs` before the client gives up (a worker that dies on load would loop). */
  maxRestarts?: number;
  restartWindowMs?: number;
  /**
   * A worker that owes the page a message (it is running or loading, or a command was sent) and
   * sends nothing for this long is taken for dead. Generous: a slow first WebGPU iteration still
   * reports its progress every second or so.
   */
  silenceMs?: number;
  clock?: Clock;
}

type Listener = (e: WorkerEvent) => void;

/** A live edit as the worker queued it: what, and at which iteration. */
interface QueuedEdit {
  params: Partial<LiveParams>;
  atIteration: number;
}

const DEFAULT_SILENCE_MS = 60_000;

const defaultWorker = () =>
  new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'ppo-lab-training' });

/** States in which the worker keeps sending (tokens, progress) until it says otherwise. */
const BUSY: readonly RunState[] = ['running', 'loading'];

export class TrainingClient {
  private worker: Worker;
  private readonly listeners = new Set<Listener>();
  private readonly createWorker: () => Worker;
  private readonly maxRestarts: number;
  private readonly restartWindowMs: number;
  private readonly clock: Clock;
  private silenceMs: number;
  private restarts: number[] = [];
  /** The last config the worker built (from `ready`), else the last one sent. */
  private goodConfig: Config | null = null;
  /** The saved policy the current run goes on from (its `ready` said so), replayed after a crash instead of the config. */
  private goodCheckpoint: { bytes: ArrayBuffer; iteration: number } | null = null;
  private sentConfig: Config | null = null;
  /** Every live edit the worker queued since that config was built, with its iteration. */
  private edits: QueuedEdit[] = [];
  private watch: number | null = null;
  private state: RunState | null = null;
  /** Pause was asked for and the worker has not reported a state since (a restart must not undo it). */
  private pauseAsked = false;
  /** A command was sent and nothing has come back since. */
  private awaiting = false;
  private watchdog: unknown = null;
  /** The next `ready` is the first of a replacement worker. */
  private restarted = false;
  private stopped = false;
  private disposed = false;

  constructor(opts: TrainingClientOptions = {}) {
    this.createWorker = opts.createWorker ?? defaultWorker;
    this.maxRestarts = opts.maxRestarts ?? 3;
    this.restartWindowMs = opts.restartWindowMs ?? 60_000;
    this.silenceMs = opts.silenceMs ?? DEFAULT_SILENCE_MS;
    this.clock = opts.clock ?? realClock;
    this.worker = this.spawn();
  }

  send(cmd: Command): void {
    // A stopped client has no worker: the page says so and offers a reload instead.
    if (this.disposed || this.stopped) return;
    if (cmd.type === 'load-config') this.sentConfig = cmd.config;
    if (cmd.type === 'pause') this.pauseAsked = true;
    if (cmd.type === 'start' || cmd.type === 'resume' || cmd.type === 'step') this.pauseAsked = false;
    if (cmd.type === 'set-watch') this.watch = cmd.stepsPerSecond;
    // Every command but set-watch is answered (a status, an event or an error).
    else this.awaiting = true;
    this.worker.postMessage(cmd);
    this.arm();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.disposed = true;
    this.disarm();
    this.worker.terminate();
    this.listeners.clear();
  }

  /**
   * Fault injection for the fault suite (through `window.ppoLab.faults`): ends the worker the way
   * a browser or an out-of-memory kill does, with no event at all.
   */
  terminateWorkerSilently(): void {
    this.worker.terminate();
  }

  /** How long a worker that owes a message may stay silent (the fault suite shortens it). */
  setSilenceLimit(ms: number): void {
    this.silenceMs = ms;
    this.arm();
  }

  private spawn(): Worker {
    const w = this.createWorker();
    w.addEventListener('message', (e: MessageEvent<WorkerPost>) => {
      if (w !== this.worker) return;
      for (const event of e.data.events) this.receive(event);
      this.arm();
    });
    w.addEventListener('error', (e: ErrorEvent) => {
      if (w !== this.worker) return;
      e.preventDefault?.();
      this.restart(`The training worker crashed${e.message ? ` (${e.message})` : ''}.`);
    });
    w.addEventListener('messageerror', () => {
      if (w === this.worker) this.restart('The training worker sent a message the page could not read.');
    });
    return w;
  }

  private receive(e: WorkerEvent): void {
    this.awaiting = false;
    if (e.type === 'ready') {
      const { checkpoint, ...ready } = e;
      this.goodConfig = e.config;
      this.goodCheckpoint = checkpoint ?? null;
      this.edits = [];
      e = ready;
      if (this.restarted) {
        this.restarted = false;
        e = { ...e, restarted: true };
      }
    } else if (e.type === 'params-queued') {
      this.edits.push({ params: e.params, atIteration: e.atIteration });
    } else if (e.type === 'status') {
      this.state = e.state;
      this.pauseAsked = false;
    }
    this.emit(e);
    if (e.type === 'error' && e.fatal) this.restart(null);
  }

  private emit(e: WorkerEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        // One broken listener must not starve the others (or kill the stream).
        console.error('TrainingClient listener failed:', err);
      }
    }
  }

  /** (Re)starts the silence deadline while the worker owes a message; stops it otherwise. */
  private arm(): void {
    this.disarm();
    if (this.disposed || this.stopped) return;
    if (!this.awaiting && !(this.state !== null && BUSY.includes(this.state))) return;
    this.watchdog = this.clock.setTimeout(() => {
      this.watchdog = null;
      this.restart(`The training worker stopped answering (nothing for ${Math.round(this.silenceMs / 1000)} s).`);
    }, this.silenceMs);
  }

  private disarm(): void {
    if (this.watchdog !== null) this.clock.clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  /** Replaces the worker and replays the run from its start. `why` null: the worker already explained (a fatal error). */
  private restart(why: string | null): void {
    if (this.disposed || this.stopped) return;
    this.disarm();
    this.worker.terminate();
    const now = this.clock.now();
    this.restarts = this.restarts.filter((t) => now - t < this.restartWindowMs);
    if (this.restarts.length >= this.maxRestarts) {
      this.stopped = true;
      this.emit({
        type: 'error',
        kind: 'crash',
        message: `${why ?? 'The training worker stopped.'} It failed ${this.restarts.length + 1} times in a row, so it was not restarted: reload the page.`,
      });
      this.emit({ type: 'status', state: 'stopped', iteration: 0, message: 'the training worker is gone: reload the page' });
      return;
    }
    this.restarts.push(now);
    const config = this.goodConfig ?? this.sentConfig;
    const checkpoint = this.goodCheckpoint;
    const wasRunning = this.state === 'running' && !this.pauseAsked;
    if (why) {
      const from = checkpoint
        ? `from the saved policy it was loaded from (iteration ${checkpoint.iteration})`
        : 'from iteration 0 on the last good config';
      this.emit({
        type: 'error',
        kind: 'crash',
        message:
          `${why} A new worker was started` +
          (config
            ? `: the run starts over ${from}, with the same seed, and every live edit` +
              ` at the iteration it was queued for${wasRunning ? '; training goes on' : ''}.`
            : '.'),
      });
    }
    // Until the new worker speaks, the page must not show the dead one's state (or count its iterations as running).
    this.emit({ type: 'status', state: 'loading', iteration: 0, message: 'starting a new training worker' });
    this.state = null;
    this.pauseAsked = false;
    this.restarted = config !== null;
    this.worker = this.spawn();
    // A saved policy carries its config: loading it again rebuilds the run on that config.
    if (checkpoint) this.send({ type: 'load-checkpoint', bytes: checkpoint.bytes });
    else if (config) this.send({ type: 'load-config', config });
    for (const edit of this.edits) this.send({ type: 'set-params', params: edit.params, atIteration: edit.atIteration });
    if (this.watch !== null) this.send({ type: 'set-watch', stepsPerSecond: this.watch });
    if (config && wasRunning) this.send({ type: 'start' });
  }
}
