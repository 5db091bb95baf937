/** Test doubles for the worker layer: a manual clock, and a recorder of what the worker posts. */
import type { Clock } from '../../src/worker/outbox';
import type { SampledStep } from '../../src/engine/rollout';
import type { WorkerEvent } from '../../src/worker/protocol';

/** Time only moves when the test says so; timers fire in order as it does. */
export class ManualClock implements Clock {
  private t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

export interface Post {
  events: WorkerEvent[];
  transfer: ArrayBuffer[];
}

export class PostLog {
  readonly posts: Post[] = [];
  readonly post = (events: WorkerEvent[], transfer: ArrayBuffer[]) => {
    this.posts.push({ events, transfer });
  };
  get events(): WorkerEvent[] {
    return this.posts.flatMap((p) => p.events);
  }
  of<T extends WorkerEvent['type']>(type: T): Extract<WorkerEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<WorkerEvent, { type: T }> => e.type === type);
  }
}

export function sampledStep(position: number, sequences: number[]): SampledStep {
  const f = () => Float32Array.from(sequences, (s) => s / 10 + position);
  return {
    position,
    sequences: Int32Array.from(sequences),
    tokens: Int32Array.from(sequences, (s) => s + position),
    lp: f(),
    lpRef: f(),
    klExact: f(),
    value: f(),
  };
}
