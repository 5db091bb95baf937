/**
 * The worker's state machine, run in Node on the wasm backend with the real trainer: the
 * same code the worker runs, minus the worker globals.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend, loadCheckpointFromDisk } from '../../src/cli/node-backend';
import { defaultConfig, type Config } from '../../src/engine/params';
import { ConfigError, NonFiniteLossError } from '../../src/engine/errors';
import { Trainer } from '../../src/engine/trainer';
import type { BackendInfo, Command, WorkerEvent } from '../../src/worker/protocol';
import { TrainingSession, type SessionHost } from '../../src/worker/session';
import { parseConfig } from '../../src/engine/params';
import { PostLog } from './fakes';

beforeAll(() => initNodeBackend('wasm'));

const tiny: Config = { ...defaultConfig('sort'), model: 'small', batch: 8, epochs: 1, minibatches: 2, seed: 3 };
const WASM: BackendInfo = { name: 'wasm', description: 'node wasm', skipped: [], fallback: false };

function makeSession(overrides: Partial<SessionHost> = {}) {
  const log = new PostLog();
  const session = new TrainingSession({
    post: log.post,
    selectBackend: async () => WASM,
    fetchCheckpoint: (file) => loadCheckpointFromDisk(file),
    ...overrides,
  });
  const send = (cmd: Command) => session.handle(cmd);
  /** Resolves once the events posted so far satisfy `pred`. */
  const until = async (pred: (events: WorkerEvent[]) => boolean, what: string, timeoutMs = 30_000) => {
    const t0 = Date.now();
    while (!pred(log.events)) {
      if (Date.now() - t0 > timeoutMs)
        throw new Error(`timed out waiting for ${what}; got ${log.events.map((e) => e.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const lastStatus = () => log.of('status').at(-1)?.state;
  return { session, log, send, until, lastStatus };
}

const iterationsOf = (log: PostLog) => log.of('iteration').map((e) => e.metrics);
const noTime = (m: object) => JSON.stringify(Object.entries(m).filter(([k]) => !k.startsWith('time/')));

describe('training session', () => {
  it('loads a config: ready with the backend, the config and the task, then state ready', async () => {
    const { session, log, send, until, lastStatus } = makeSession();
    send({ type: 'load-config', config: tiny });
    await until((ev) => ev.some((e) => e.type === 'ready'), 'ready');
    const [ready] = log.of('ready');
    expect(ready!.backend).toEqual(WASM);
    expect(ready!.config).toEqual(tiny);
    expect(ready!.task).toMatchObject({ name: 'sort', promptLength: expect.any(Number), maxTokens: expect.any(Number) });
    await until(() => lastStatus() === 'ready', 'status ready');
    // The checkpoint load reported its progress.
    expect(log.of('status').some((s) => s.state === 'loading')).toBe(true);
    session.dispose();
  });

  it('rejects a bad config with a clear message and keeps the current run', async () => {
    const { session, log, send, until } = makeSession();
    send({ type: 'load-config', config: tiny });
    await until((ev) => ev.some((e) => e.type === 'ready'), 'ready');
    send({ type: 'load-config', config: { ...tiny, eps: 7, bogus: 1 } as unknown as Config });
    await until((ev) => ev.some((e) => e.type === 'error'), 'error');
    const [err] = log.of('error');
    expect(err!.kind).toBe('config');
    expect(err!.message).toMatch(/unknown parameter bogus/);
    expect(err!.message).toMatch(/eps must be a number in \[0.01, 1\]/);
    expect(parseConfig({ ...tiny, algo: 'grpo', group: 1 })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/grpo needs group/)],
    });
    // The loaded run still works.
    send({ type: 'step' });
    await until((ev) => ev.some((e) => e.type === 'iteration'), 'iteration');
    session.dispose();
  });

  it('step runs exactly one iteration, streaming tokens, the rollout and its minibatches, then pauses', async () => {
    const { session, log, send, until, lastStatus } = makeSession();
    send({ type: 'load-config', config: tiny });
    send({ type: 'step' });
    await until(() => log.of('iteration').length === 1 && lastStatus() === 'paused', 'one iteration then paused');
    await new Promise((r) => setTimeout(r, 300));
    expect(log.of('iteration')).toHaveLength(1);
    const tokens = log.of('rollout-token').reduce((n, e) => n + e.batch.token.length, 0);
    const [rollout] = log.of('rollout');
    expect(rollout!.rollout.n).toBe(8);
    // Every sampled token was streamed: as many as the completions' lengths add up to.
    expect(tokens).toBe(rollout!.rollout.lengths.reduce((a, b) => a + b, 0));
    expect(log.of('minibatch').map((e) => [e.data.epoch, e.data.minibatch])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    // Events come in order: tokens, the rollout, the minibatches, the iteration.
    const order = log.events.map((e) => e.type).filter((t) => ['rollout-token', 'rollout', 'minibatch', 'iteration'].includes(t));
    expect(order.lastIndexOf('rollout-token')).toBeLessThan(order.indexOf('rollout'));
    expect(order.indexOf('iteration')).toBe(order.length - 1);
    session.dispose();
  });

  it('start runs until pause; pause takes effect at the end of the iteration', async () => {
    const { session, log, send, until, lastStatus } = makeSession();
    send({ type: 'load-config', config: tiny });
    send({ type: 'start' });
    await until(() => log.of('iteration').length >= 2, 'two iterations');
    send({ type: 'pause' });
    await until(() => lastStatus() === 'paused', 'paused');
    const n = log.of('iteration').length;
    await new Promise((r) => setTimeout(r, 500));
    expect(log.of('iteration')).toHaveLength(n);
    send({ type: 'resume' });
    await until(() => log.of('iteration').length >= n + 1, 'one more iteration after resume');
    send({ type: 'pause' });
    await until(() => lastStatus() === 'paused', 'paused again');
    const iters = iterationsOf(log).map((m) => m.iter);
    expect(iters).toEqual(iters.map((_, i) => i + 1));
    session.dispose();
  });

  it('reset rebuilds the same run: same seed, same numbers', async () => {
    const { session, log, send, until, lastStatus } = makeSession();
    send({ type: 'load-config', config: tiny });
    send({ type: 'step' });
    await until(() => log.of('iteration').length === 1 && lastStatus() === 'paused', 'first run');
    send({ type: 'step' });
    await until(() => log.of('iteration').length === 2 && lastStatus() === 'paused', 'second iteration');
    send({ type: 'reset' });
    await until(() => log.of('ready').length === 2, 'ready after reset');
    send({ type: 'step' });
    send({ type: 'step' });
    await until(() => log.of('iteration').length === 4 && lastStatus() === 'paused', 'rerun');
    const m = iterationsOf(log);
    expect(m.map((x) => x.iter)).toEqual([1, 2, 1, 2]);
    expect(noTime(m[2]!)).toBe(noTime(m[0]!));
    expect(noTime(m[3]!)).toBe(noTime(m[1]!));
    session.dispose();
  });

  it('set-params answers with the iteration they take effect at, and that iteration lists them as applied', async () => {
    const { session, log, send, until, lastStatus } = makeSession();
    send({ type: 'load-config', config: tiny });
    send({ type: 'step' });
    await until(() => log.of('iteration').length === 1 && lastStatus() === 'paused', 'iteration 1');
    send({ type: 'set-params', params: { eps: 0.1 } });
    await until((ev) => ev.some((e) => e.type === 'params-queued'), 'params-queued');
    expect(log.of('params-queued')[0]).toEqual({ type: 'params-queued', params: { eps: 0.1 }, atIteration: 2 });
    send({ type: 'step' });
    await until(() => log.of('iteration').length === 2, 'iteration 2');
    const [m1, m2] = log.of('iteration');
    expect(m1!.applied).toEqual({});
    expect(m2!.applied).toEqual({ eps: 0.1 });
    expect(m2!.metrics.eps).toBe(0.1);
    // A structural key or a value out of range is refused, naming it.
    send({ type: 'set-params', params: { batch: 4 } as never });
    send({ type: 'set-params', params: { eps: 3 } });
    await until(() => log.of('error').length === 2, 'two errors');
    expect(log.of('error').map((e) => [e.kind, e.message])).toEqual([
      ['config', expect.stringMatching(/batch is structural/)],
      ['config', expect.stringMatching(/eps must be a number in \[0.01, 1\]/)],
    ]);
    session.dispose();
  });

  it('parameters sent while an iteration runs apply to the one after it', async () => {
    const { session, log, send, until } = makeSession();
    send({ type: 'load-config', config: tiny });
    await until((ev) => ev.some((e) => e.type === 'ready'), 'ready');
    send({ type: 'start' });
    // Mid-iteration: the first tokens of iteration 1 are out, its metrics are not.
    await until((ev) => ev.some((e) => e.type === 'rollout-token'), 'tokens of iteration 1');
    send({ type: 'set-params', params: { eps: 0.3 } });
    await until(() => log.of('iteration').length >= 3, 'three iterations');
    send({ type: 'pause' });
    const queued = log.of('params-queued')[0]!;
    const applied = log.of('iteration').find((e) => Object.keys(e.applied).length)!;
    expect(applied.metrics.iter).toBe(queued.atIteration);
    expect(applied.metrics.eps).toBe(0.3);
    const before = log.of('iteration').find((e) => e.metrics.iter === queued.atIteration - 1)!;
    expect(before.metrics.eps).toBe(0.2);
    session.dispose();
  });

  it('set-params with atIteration waits for exactly that iteration (a link timeline replays exactly)', async () => {
    const { session, log, send, until, lastStatus } = makeSession();
    send({ type: 'load-config', config: tiny });
    send({ type: 'set-params', params: { eps: 0.15 }, atIteration: 3 });
    await until((ev) => ev.some((e) => e.type === 'params-queued'), 'params-queued');
    expect(log.of('params-queued')[0]!.atIteration).toBe(3);
    send({ type: 'start' });
    await until(() => log.of('iteration').length >= 3, 'three iterations');
    send({ type: 'pause' });
    await until(() => lastStatus() === 'paused', 'paused');
    const its = log.of('iteration');
    expect(its.map((e) => e.metrics.eps).slice(0, 3)).toEqual([0.2, 0.2, 0.15]);
    expect(its[2]!.applied).toEqual({ eps: 0.15 });
    session.dispose();
  });

  it('a NaN loss pauses the run with an error naming the iteration; the last good state is kept', async () => {
    let trainer: Trainer | null = null;
    const createTrainer: SessionHost['createTrainer'] = async (config, load, hooks) => {
      trainer = await Trainer.create(config, load, hooks);
      const t = trainer;
      return {
        get iteration() {
          return t.iteration;
        },
        get nextBoundary() {
          return t.nextBoundary;
        },
        get config() {
          return t.config;
        },
        get task() {
          return t.task;
        },
        setParams: (p) => t.setParams(p),
        dispose: () => t.dispose(),
        step: async () => {
          if (t.iteration === 1) throw new NonFiniteLossError(2, 'loss', 'NaN');
          return t.step();
        },
      };
    };
    const { session, log, send, until, lastStatus } = makeSession({ createTrainer });
    send({ type: 'load-config', config: tiny });
    send({ type: 'start' });
    await until((ev) => ev.some((e) => e.type === 'error'), 'the NaN error');
    await until(() => lastStatus() === 'paused', 'paused');
    const [err] = log.of('error');
    expect(err!.kind).toBe('nan');
    expect(err!.iteration).toBe(2);
    expect(err!.reason).toBe('loss');
    expect(err!.message).toMatch(/^Training paused at iteration 2: the loss became NaN\./);
    expect(log.of('iteration').map((e) => e.metrics.iter)).toEqual([1]);
    expect(trainer!.iteration).toBe(1);
    session.dispose();
  });

  it('in slow motion the next iteration starts only once the page has been shown the last one', async () => {
    const postedAtStep: number[] = [];
    let log: PostLog | null = null;
    const createTrainer: SessionHost['createTrainer'] = async (config, load, hooks) => {
      const t = await Trainer.create(config, load, hooks);
      return {
        get iteration() {
          return t.iteration;
        },
        get nextBoundary() {
          return t.nextBoundary;
        },
        get config() {
          return t.config;
        },
        get task() {
          return t.task;
        },
        setParams: (p) => t.setParams(p),
        dispose: () => t.dispose(),
        step: () => {
          postedAtStep.push(log!.of('iteration').length);
          return t.step();
        },
      };
    };
    const s = makeSession({ createTrainer });
    log = s.log;
    s.send({ type: 'load-config', config: tiny });
    s.send({ type: 'set-watch', stepsPerSecond: 50 });
    s.send({ type: 'step' });
    s.send({ type: 'step' });
    s.send({ type: 'step' });
    await s.until(() => s.log.of('iteration').length === 3 && s.lastStatus() === 'paused', 'three paced iterations');
    // When iteration k starts, the k − 1 before it have all reached the page.
    expect(postedAtStep).toEqual([0, 1, 2]);
    const tokens = s.log.of('rollout-token');
    // At 50 steps/s (under one per frame) each message carries one sampled position, never a whole rollout.
    expect(tokens.length).toBeGreaterThan(3);
    for (const e of tokens) expect(new Set(e.batch.position).size).toBe(1);
    s.session.dispose();
  });

  it('a forced backend that fell back is announced as a backend error; a bad watch speed is refused', async () => {
    const fallback: BackendInfo = {
      name: 'wasm',
      description: 'x',
      skipped: [{ name: 'webgpu', reason: 'no adapter' }],
      fallback: true,
    };
    const { session, log, send, until } = makeSession({ selectBackend: async () => fallback });
    send({ type: 'load-config', config: { ...tiny, backend: 'webgpu' } });
    await until((ev) => ev.some((e) => e.type === 'ready'), 'ready');
    expect(log.of('error')[0]).toMatchObject({
      kind: 'backend',
      message: expect.stringMatching(/webgpu backend was requested but could not start \(no adapter\); training runs on wasm/),
    });
    send({ type: 'set-watch', stepsPerSecond: -2 });
    expect(log.events.length).toBeGreaterThan(0);
    await until(() => log.of('error').length === 2, 'watch error');
    expect(log.of('error')[1]!.message).toMatch(/watch speed must be a positive number/);
    session.dispose();
  });

  it('a missing checkpoint is a checkpoint error, not a crash', async () => {
    const { session, log, send, until, lastStatus } = makeSession({
      fetchCheckpoint: async (f) => {
        throw new Error(`${f}: HTTP 404`);
      },
    });
    send({ type: 'load-config', config: tiny });
    await until(() => lastStatus() === 'error', 'error state');
    expect(log.of('error')[0]).toMatchObject({ kind: 'checkpoint', message: expect.stringMatching(/HTTP 404/) });
    send({ type: 'start' });
    await until(() => log.of('error').length === 2, 'start refused');
    expect(log.of('error')[1]!.message).toMatch(/nothing to run/);
    session.dispose();
  });

  it('sorts failures by their type, not their wording: a corrupt checkpoint, a refused config, anything else', async () => {
    const corrupt = makeSession({ fetchCheckpoint: async () => new TextEncoder().encode('not a checkpoint').buffer });
    corrupt.send({ type: 'load-config', config: tiny });
    await corrupt.until(() => corrupt.lastStatus() === 'error', 'error state');
    expect(corrupt.log.of('error')[0]).toMatchObject({ kind: 'checkpoint', message: expect.stringMatching(/bad magic/) });
    corrupt.session.dispose();

    const refused = makeSession({
      createTrainer: async () => {
        throw new ConfigError('invalid config: eps must be a number in [0.01, 1]');
      },
    });
    refused.send({ type: 'load-config', config: tiny });
    await refused.until(() => refused.lastStatus() === 'error', 'error state');
    expect(refused.log.of('error')[0]!.kind).toBe('config');
    refused.session.dispose();

    // A plain Error that merely mentions a checkpoint is not a checkpoint error.
    const other = makeSession({
      createTrainer: async () => {
        throw new Error('the checkpoint cache exploded');
      },
    });
    other.send({ type: 'load-config', config: tiny });
    await other.until(() => other.lastStatus() === 'error', 'error state');
    expect(other.log.of('error')[0]!.kind).toBe('internal');
    other.session.dispose();
  });

  it('each iteration event reports the tensors alive in the worker, flat from one iteration to the next', async () => {
    const { session, log, send, until } = makeSession();
    send({ type: 'load-config', config: tiny });
    send({ type: 'step' });
    send({ type: 'step' });
    send({ type: 'step' });
    await until(() => log.of('iteration').length === 3, 'three iterations');
    const counts = log.of('iteration').map((e) => e.numTensors);
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts.slice(1)).size).toBe(1);
    session.dispose();
  });

  it('each iteration event counts the kernels the worker dispatched during it, and the count stops with the session', async () => {
    const { session, log, send, until } = makeSession();
    send({ type: 'load-config', config: tiny });
    send({ type: 'step' });
    await until(() => log.of('iteration').length === 1, 'one iteration');
    const kernels = log.of('iteration')[0]!.kernels;
    // At least one kernel per sampled token of the batch, and the count is an integer.
    expect(kernels).toBeGreaterThan(log.of('iteration')[0]!.metrics['completions/max_length']);
    expect(Number.isInteger(kernels)).toBe(true);
    session.dispose();
    // Disposing restores the backend's own kernels: a new session counts from its own start.
    const again = makeSession();
    again.send({ type: 'load-config', config: tiny });
    again.send({ type: 'step' });
    await again.until(() => again.log.of('iteration').length === 1, 'one iteration');
    expect(again.log.of('iteration')[0]!.kernels).toBe(kernels);
    again.session.dispose();
  });
});
