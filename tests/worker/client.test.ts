import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/engine/params';
import { installAutomation, MAX_ITERATIONS } from '../../src/worker/automation';
import { TrainingClient } from '../../src/worker/client';
import type { BackendInfo, Command, WorkerEvent, WorkerPost } from '../../src/worker/protocol';
import { ManualClock } from './fakes';

/** A stand-in for the training worker: records commands, and lets the test post or crash. */
class FakeWorker extends EventTarget {
  readonly received: Command[] = [];
  terminated = false;
  postMessage(cmd: Command): void {
    this.received.push(cmd);
  }
  terminate(): void {
    this.terminated = true;
  }
  emit(...events: WorkerEvent[]): void {
    this.dispatchEvent(new MessageEvent<WorkerPost>('message', { data: { events } }));
  }
  crash(message: string): void {
    const e = new Event('error', { cancelable: true });
    Object.assign(e, { message });
    this.dispatchEvent(e);
  }
}

function setup(maxRestarts = 3) {
  const workers: FakeWorker[] = [];
  const clock = new ManualClock();
  const client = new TrainingClient({
    createWorker: () => workers[workers.push(new FakeWorker()) - 1] as unknown as Worker,
    maxRestarts,
    silenceMs: 10_000,
    clock,
  });
  const events: WorkerEvent[] = [];
  client.subscribe((e) => events.push(e));
  return { client, workers, events, clock, current: () => workers.at(-1)! };
}

const config = { ...defaultConfig(), seed: 7 };
const backend: BackendInfo = { name: 'wasm', description: 'd', skipped: [], fallback: false };
const ready = (c = config): WorkerEvent => ({
  type: 'ready',
  backend,
  config: c,
  task: { name: 'sort', title: '', description: '', vocab: [], eos: null, promptLength: 1, maxTokens: 1, solvedThreshold: 1 },
});

describe('training client', () => {
  it('sends commands and delivers the events of each message one at a time, in order', () => {
    const { client, events, current } = setup();
    client.send({ type: 'load-config', config });
    expect(current().received).toEqual([{ type: 'load-config', config }]);
    current().emit(ready(), { type: 'status', state: 'ready', iteration: 0 });
    expect(events.map((e) => e.type)).toEqual(['ready', 'status']);
  });

  it('on a crash: reports it, starts a new worker, and replays the last good config, the live params queued since and the watch speed', () => {
    const { client, workers, events, current } = setup();
    client.send({ type: 'load-config', config });
    current().emit(ready());
    client.send({ type: 'set-params', params: { eps: 0.1 } });
    current().emit(
      { type: 'params-queued', params: { eps: 0.1 }, atIteration: 1 },
      { type: 'params-queued', params: { beta: 0.2 }, atIteration: 3 },
    );
    client.send({ type: 'set-watch', stepsPerSecond: 5 });
    const first = current();
    first.crash('out of memory');
    expect(workers).toHaveLength(2);
    expect(first.terminated).toBe(true);
    expect(events.at(-2)).toMatchObject({
      type: 'error',
      kind: 'crash',
      message: expect.stringMatching(/crashed \(out of memory\).*new worker.*starts over from iteration 0/),
    });
    // The page stops showing the dead worker's state at once.
    expect(events.at(-1)).toMatchObject({ type: 'status', state: 'loading' });
    expect(current().received).toEqual([
      { type: 'load-config', config },
      { type: 'set-params', params: { eps: 0.1 }, atIteration: 1 },
      { type: 'set-params', params: { beta: 0.2 }, atIteration: 3 },
      { type: 'set-watch', stepsPerSecond: 5 },
    ]);
    // The dead worker is no longer listened to.
    first.emit({ type: 'status', state: 'running', iteration: 9 });
    expect(events.some((e) => e.type === 'status' && e.iteration === 9)).toBe(false);
    // Commands go to the new worker.
    client.send({ type: 'start' });
    expect(current().received.at(-1)).toEqual({ type: 'start' });
  });

  it('replays the config the worker last built, not a later one it refused', () => {
    const { client, current } = setup();
    client.send({ type: 'load-config', config });
    current().emit(ready());
    client.send({ type: 'load-config', config: { ...config, seed: 99 } });
    current().emit({ type: 'error', kind: 'config', message: 'refused' });
    current().crash('boom');
    expect(current().received[0]).toEqual({ type: 'load-config', config });
  });

  it('a fatal error (a lost GPU device) replaces the worker without a second error', () => {
    const { client, workers, events, current } = setup();
    client.send({ type: 'load-config', config });
    current().emit(ready());
    current().emit({ type: 'error', kind: 'backend', message: 'The WebGPU device was lost', fatal: true });
    expect(workers).toHaveLength(2);
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1);
    expect(current().received).toEqual([{ type: 'load-config', config }]);
  });

  it('gives up after repeated crashes, saying so and saying the state is stopped; later commands go nowhere', () => {
    const { client, workers, events, current } = setup(2);
    client.send({ type: 'load-config', config });
    for (let i = 0; i < 3; i++) current().crash(`crash ${i}`);
    expect(workers).toHaveLength(3);
    expect(events.at(-2)).toMatchObject({
      type: 'error',
      kind: 'crash',
      message: expect.stringMatching(/not restarted: reload the page/),
    });
    expect(events.at(-1)).toMatchObject({ type: 'status', state: 'stopped' });
    const sent = current().received.length;
    client.send({ type: 'start' });
    expect(current().received).toHaveLength(sent);
    expect(workers).toHaveLength(3);
  });

  it('a worker that falls silent while running (killed without an error event) is replaced, and training goes on', () => {
    const { client, workers, events, clock, current } = setup();
    client.send({ type: 'load-config', config });
    current().emit(ready(), { type: 'status', state: 'ready', iteration: 0 });
    client.send({ type: 'start' });
    current().emit({ type: 'status', state: 'running', iteration: 0 });
    // Messages keep it alive...
    for (let i = 0; i < 5; i++) {
      clock.advance(9_000);
      current().emit({ type: 'rollout-token', iteration: 1, batch: {} as never });
    }
    expect(workers).toHaveLength(1);
    // ...silence does not.
    clock.advance(10_000);
    expect(workers).toHaveLength(2);
    expect(workers[0]!.terminated).toBe(true);
    expect(events.at(-2)).toMatchObject({ type: 'error', kind: 'crash', message: expect.stringMatching(/stopped answering/) });
    expect(events.at(-1)).toMatchObject({ type: 'status', state: 'loading' });
    expect(current().received).toEqual([{ type: 'load-config', config }, { type: 'start' }]);
    // The replacement's first ready is marked as such.
    current().emit(ready());
    expect(events.at(-1)).toMatchObject({ type: 'ready', restarted: true });
  });

  it('a pause the silent worker never answered is kept: the replacement loads the run but does not start it', () => {
    const { client, workers, clock, current } = setup();
    client.send({ type: 'load-config', config });
    current().emit(ready(), { type: 'status', state: 'running', iteration: 3 });
    client.send({ type: 'pause' });
    clock.advance(10_000);
    expect(workers).toHaveLength(2);
    expect(current().received).toEqual([{ type: 'load-config', config }]);
    // Once the worker has answered the pause, a later start counts again.
    current().emit(ready(), { type: 'status', state: 'paused', iteration: 0 });
    client.send({ type: 'start' });
    current().emit({ type: 'status', state: 'running', iteration: 1 });
    current().crash('gone');
    expect(current().received).toEqual([{ type: 'load-config', config }, { type: 'start' }]);
  });

  it('a paused worker owes nothing: its silence is not a failure, but a command left unanswered is', () => {
    const { client, workers, clock, current } = setup();
    client.send({ type: 'load-config', config });
    current().emit(ready(), { type: 'status', state: 'paused', iteration: 4 });
    clock.advance(60_000);
    expect(workers).toHaveLength(1);
    client.send({ type: 'resume' });
    clock.advance(10_000);
    expect(workers).toHaveLength(2);
  });

  it('a run loaded from a saved policy goes on from that policy after a crash, not from the reference', () => {
    const { client, events, current } = setup();
    client.send({ type: 'load-config', config });
    current().emit(ready(), { type: 'status', state: 'ready', iteration: 0 });
    const bytes = Uint8Array.of(1, 2, 3).buffer;
    client.send({ type: 'load-checkpoint', bytes });
    const loadedConfig = { ...config, seed: 9 };
    current().emit(
      { ...(ready(loadedConfig) as Extract<WorkerEvent, { type: 'ready' }>), checkpoint: { bytes, iteration: 12 } },
      { type: 'status', state: 'running', iteration: 12 },
    );
    // The page's listeners get the ready without the bytes.
    expect(events.find((e) => e.type === 'ready' && e.config.seed === 9)).not.toHaveProperty('checkpoint');
    current().crash('boom');
    expect(events.at(-2)).toMatchObject({
      type: 'error',
      kind: 'crash',
      message: expect.stringMatching(/starts over from the saved policy it was loaded from \(iteration 12\).*training goes on/),
    });
    expect(current().received).toEqual([{ type: 'load-checkpoint', bytes }, { type: 'start' }]);
    // A later load-config starts a run of its own: a crash after it replays the config.
    client.send({ type: 'load-config', config });
    current().emit(ready(), { type: 'status', state: 'ready', iteration: 0 });
    current().crash('boom');
    expect(current().received).toEqual([{ type: 'load-config', config }]);
  });

  it('after a restart every live edit keeps its iteration: a link edit for iteration 50 is not moved to 1', () => {
    const { client, current } = setup();
    client.send({ type: 'load-config', config });
    current().emit(ready());
    client.send({ type: 'set-params', params: { eps: 0.1 }, atIteration: 50 });
    current().emit({ type: 'params-queued', params: { eps: 0.1 }, atIteration: 50 });
    current().emit({ type: 'status', state: 'running', iteration: 60 });
    current().crash('boom');
    expect(current().received.filter((c) => c.type === 'set-params')).toEqual([
      { type: 'set-params', params: { eps: 0.1 }, atIteration: 50 },
    ]);
  });

  it('window.ppoLab collects the current run: backend, iterations, tokens, errors', () => {
    const { client, current } = setup();
    const target: { ppoLab?: ReturnType<typeof installAutomation> } = {};
    const lab = installAutomation(client, target);
    expect(target.ppoLab).toBe(lab);
    lab.send({ type: 'load-config', config });
    expect(current().received).toHaveLength(1);
    current().emit(ready());
    const batch = {
      sequence: new Int32Array(3),
      position: new Int32Array(3),
      token: new Int32Array(3),
      lp: new Float32Array(3),
      lpRef: new Float32Array(3),
      klExact: new Float32Array(3),
      value: new Float32Array(3),
    };
    current().emit(
      { type: 'rollout-token', iteration: 1, batch },
      { type: 'iteration', metrics: { iter: 1 } as never, applied: {}, numTensors: 5, kernels: 0, programs: 0, copies: 0 },
      { type: 'error', kind: 'nan', message: 'm', iteration: 2 },
    );
    expect(lab.backend()).toEqual(backend);
    expect(lab.tokens()).toBe(3);
    expect(lab.iterations()).toEqual([{ iter: 1 }]);
    expect(lab.lastError()).toEqual({ kind: 'nan', message: 'm', iteration: 2 });
    // A new run (or a reset) starts the lists over; errors stay.
    current().emit(ready());
    expect(lab.iterations()).toEqual([]);
    expect(lab.tokens()).toBe(0);
    expect(lab.errors()).toHaveLength(1);
  });

  it("window.ppoLab counts iterations past the ones it keeps, and reports the worker's tensors", () => {
    const { client, current } = setup();
    const lab = installAutomation(client, {});
    current().emit(ready());
    for (let i = 1; i <= MAX_ITERATIONS + 10; i++)
      current().emit({
        type: 'iteration',
        metrics: { iter: i } as never,
        applied: {},
        numTensors: 40,
        kernels: 0,
        programs: 0,
        copies: 0,
      });
    expect(lab.iterationCount()).toBe(MAX_ITERATIONS + 10);
    expect(lab.iterations()).toHaveLength(MAX_ITERATIONS);
    expect(lab.iterations()[0]).toEqual({ iter: 11 });
    expect(lab.numTensors()).toBe(40);
    expect(lab.memory().iterationsKept).toBe(MAX_ITERATIONS);
  });
});
