/**
 * The worker's outgoing stream. Everything the worker says goes through here, in order, and
 * leaves as at most one message per frame (~16 ms): sampled tokens of the frame are merged
 * into one TokenBatch of transferable typed arrays, and a progress report is dropped once a
 * newer status is queued. Posting never waits for the page: the page cannot slow training down.
 *
 * Slow motion (`setPace`) releases sampled token steps at a fixed rate instead, with the
 * events that follow each step (rollout, minibatches, the iteration) held behind it, so the
 * page sees the iteration unfold at watching speed. Training itself runs at full speed and
 * its timings stay honest; the session waits for `drained()` before starting the next
 * iteration, so the queue never holds more than one iteration.
 */
import type { SampledStep } from '../engine/rollout';
import { transferablesOf, type TokenBatch, type WorkerEvent } from './protocol';

export const FRAME_MS = 16;

/** Time source and timers, injectable so the pacing can be tested without waiting. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

type Item = { kind: 'event'; event: WorkerEvent } | { kind: 'step'; iteration: number; step: SampledStep };

/** A status report that only says how far along something is: only the latest one matters. */
const isProgress = (e: WorkerEvent) => e.type === 'status' && e.progress !== undefined;

export class Outbox {
  private queue: Item[] = [];
  private lastPost = -Infinity;
  private timer: { handle: unknown; at: number } | null = null;
  private pace: number | null = null;
  /** Token steps that may be released now (slow motion only). */
  private credit = 1;
  private creditAt = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly send: (events: WorkerEvent[], transfer: ArrayBuffer[]) => void,
    private readonly clock: Clock = realClock,
  ) {}

  /** Queues an event behind everything queued before it. */
  event(e: WorkerEvent): void {
    // Any newer status supersedes a progress report still queued.
    if (e.type === 'status') this.queue = this.queue.filter((it) => !(it.kind === 'event' && isProgress(it.event)));
    this.queue.push({ kind: 'event', event: e });
    this.pump();
  }

  /** Queues one sampled position (the engine's arrays are fresh per step: no copy needed). */
  step(iteration: number, step: SampledStep): void {
    this.queue.push({ kind: 'step', iteration, step });
    this.pump();
  }

  /** Token steps per second for slow motion; null = as fast as training goes. */
  setPace(stepsPerSecond: number | null): void {
    this.pace = stepsPerSecond;
    this.credit = 1;
    this.creditAt = this.clock.now();
    this.cancelTimer();
    this.pump();
  }

  get paced(): boolean {
    return this.pace !== null;
  }

  /** Posts everything queued now, ignoring pace and frame (a reset or a fatal error). */
  flushAll(): void {
    this.cancelTimer();
    if (this.queue.length) this.post(this.queue.splice(0), this.clock.now());
    this.settle();
  }

  /** Resolves once everything queued so far has been posted. */
  drained(): Promise<void> {
    if (!this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  dispose(): void {
    this.cancelTimer();
    this.queue = [];
    this.settle();
  }

  private pump(): void {
    if (!this.queue.length) return;
    const now = this.clock.now();
    const frameLeft = this.lastPost + FRAME_MS - now;
    if (frameLeft > 0) return this.schedule(now + frameLeft);
    let take = this.queue.length;
    if (this.pace !== null) {
      this.refill(now);
      take = 0;
      while (take < this.queue.length) {
        if (this.queue[take]!.kind === 'step') {
          if (this.credit < 1) break;
          this.credit -= 1;
        }
        take++;
      }
      if (take === 0) return this.schedule(now + ((1 - this.credit) * 1000) / this.pace);
    }
    this.post(this.queue.splice(0, take), now);
    if (this.queue.length) this.schedule(now + FRAME_MS);
    else this.settle();
  }

  private refill(now: number): void {
    const pace = this.pace!;
    // At most two frames' worth of steps: after a stall (a long update) slow motion resumes, it does not burst.
    const cap = Math.max(1, (2 * pace * FRAME_MS) / 1000);
    this.credit = Math.min(cap, this.credit + ((now - this.creditAt) * pace) / 1000);
    this.creditAt = now;
  }

  private schedule(at: number): void {
    if (this.timer && this.timer.at <= at) return;
    this.cancelTimer();
    const handle = this.clock.setTimeout(
      () => {
        this.timer = null;
        this.pump();
      },
      Math.max(0, at - this.clock.now()),
    );
    this.timer = { handle, at };
  }

  private cancelTimer(): void {
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = null;
  }

  private settle(): void {
    if (this.queue.length) return;
    const waiters = this.waiters.splice(0);
    for (const w of waiters) w();
  }

  /**
   * One message: consecutive steps merged into one token batch. A progress report never
   * splits a batch: it moves past the steps after it (not past any other event).
   */
  private post(items: Item[], now: number): void {
    const events: WorkerEvent[] = [];
    let progress: WorkerEvent | null = null;
    let run: Extract<Item, { kind: 'step' }>[] = [];
    const closeRun = () => {
      if (run.length)
        events.push({ type: 'rollout-token', iteration: run[0]!.iteration, batch: mergeSteps(run.map((r) => r.step)) });
      run = [];
      if (progress) events.push(progress);
      progress = null;
    };
    for (const it of items) {
      if (it.kind === 'step') {
        if (run.length && run[0]!.iteration !== it.iteration) closeRun();
        run.push(it);
      } else if (isProgress(it.event)) {
        if (!run.length) events.push(it.event);
        else progress = it.event;
      } else {
        closeRun();
        events.push(it.event);
      }
    }
    closeRun();
    this.lastPost = now;
    this.send(events, [...new Set(events.flatMap(transferablesOf))]);
  }
}

/** Concatenates sampled positions into one TokenBatch (one entry per token). */
export function mergeSteps(steps: SampledStep[]): TokenBatch {
  const total = steps.reduce((n, s) => n + s.sequences.length, 0);
  const b: TokenBatch = {
    sequence: new Int32Array(total),
    position: new Int32Array(total),
    token: new Int32Array(total),
    lp: new Float32Array(total),
    lpRef: new Float32Array(total),
    klExact: new Float32Array(total),
    value: new Float32Array(total),
  };
  let o = 0;
  for (const s of steps) {
    b.sequence.set(s.sequences, o);
    b.position.fill(s.position, o, o + s.sequences.length);
    b.token.set(s.tokens, o);
    b.lp.set(s.lp, o);
    b.lpRef.set(s.lpRef, o);
    b.klExact.set(s.klExact, o);
    b.value.set(s.value, o);
    o += s.sequences.length;
  }
  return b;
}
