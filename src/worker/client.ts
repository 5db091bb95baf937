/**
 * The page's end of the training worker. Sends Commands, hands listeners WorkerEvents one
 * at a time (the worker posts them a frame at a time), and keeps the lab alive when the
 * worker dies: on a crash, or a fatal error such as a lost GPU device, it says so, starts
 * a fresh worker and replays the last good config with the live parameters queued since.
 */
import type { Config, LiveParams } from '../engine/params';
import type { Command, WorkerEvent, WorkerPost } from './protocol';

export interface TrainingClientOptions {
  createWorker?: () => Worker;
  /** Restarts allowed within `restartWindowMs` before the client gives up (a worker that dies on load would loop). */
  maxRestarts?: number;
  restartWindowMs?: number;
}

type Listener = (e: WorkerEvent) => void;

const defaultWorker = () =>
  new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'ppo-lab-training' });

export class TrainingClient {
  private worker: Worker;
  private readonly listeners = new Set<Listener>();
  private readonly createWorker: () => Worker;
  private readonly maxRestarts: number;
  private readonly restartWindowMs: number;
  private restarts: number[] = [];
  /** The last config the worker built (from `ready`), else the last one sent. */
  private goodConfig: Config | null = null;
  private sentConfig: Config | null = null;
  /** Live parameters the worker accepted since that config was built. */
  private liveSince: Partial<LiveParams> = {};
  private watch: number | null = null;
  private disposed = false;

  constructor(opts: TrainingClientOptions = {}) {
    this.createWorker = opts.createWorker ?? defaultWorker;
    this.maxRestarts = opts.maxRestarts ?? 3;
    this.restartWindowMs = opts.restartWindowMs ?? 60_000;
    this.worker = this.spawn();
  }

  send(cmd: Command): void {
    if (this.disposed) return;
    if (cmd.type === 'load-config') this.sentConfig = cmd.config;
    if (cmd.type === 'set-watch') this.watch = cmd.stepsPerSecond;
    this.worker.postMessage(cmd);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    this.disposed = true;
    this.worker.terminate();
    this.listeners.clear();
  }

  private spawn(): Worker {
    const w = this.createWorker();
    w.addEventListener('message', (e: MessageEvent<WorkerPost>) => {
      if (w !== this.worker) return;
      for (const event of e.data.events) this.receive(event);
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
    if (e.type === 'ready') {
      this.goodConfig = e.config;
      this.liveSince = {};
    } else if (e.type === 'params-queued') {
      this.liveSince = { ...this.liveSince, ...e.params };
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

  /** Replaces the worker and replays the run's setup. `why` null: the worker already explained (a fatal error). */
  private restart(why: string | null): void {
    if (this.disposed) return;
    this.worker.terminate();
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < this.restartWindowMs);
    if (this.restarts.length >= this.maxRestarts) {
      this.emit({
        type: 'error',
        kind: 'crash',
        message: `${why ?? 'The training worker stopped.'} It failed ${this.restarts.length + 1} times in a row, so it was not restarted: reload the page.`,
      });
      return;
    }
    this.restarts.push(now);
    const config = this.goodConfig ?? this.sentConfig;
    if (why) {
      this.emit({
        type: 'error',
        kind: 'crash',
        message: `${why} A new worker was started${config ? ' on the last good config (training restarts from the reference checkpoint)' : ''}.`,
      });
    }
    this.worker = this.spawn();
    if (config) this.worker.postMessage({ type: 'load-config', config } satisfies Command);
    if (Object.keys(this.liveSince).length)
      this.worker.postMessage({ type: 'set-params', params: this.liveSince } satisfies Command);
    if (this.watch !== null) this.worker.postMessage({ type: 'set-watch', stepsPerSecond: this.watch } satisfies Command);
  }
}
