import { describe, expect, it } from 'vitest';
import { FRAME_MS, Outbox } from '../../src/worker/outbox';
import { ManualClock, PostLog, sampledStep } from './fakes';

function setup() {
  const clock = new ManualClock();
  const log = new PostLog();
  return { clock, log, outbox: new Outbox(log.post, clock) };
}

describe('outbox', () => {
  it('posts at most one message per frame, merging the tokens of the frame into one batch', () => {
    const { clock, log, outbox } = setup();
    outbox.step(1, sampledStep(0, [0, 1, 2])); // the first goes out at once
    for (let t = 1; t < 5; t++) {
      clock.advance(2);
      outbox.step(1, sampledStep(t, [0, 2]));
    }
    expect(log.posts).toHaveLength(1);
    clock.advance(FRAME_MS);
    expect(log.posts).toHaveLength(2);
    const [batch] = log.posts[1]!.events;
    expect(batch?.type).toBe('rollout-token');
    if (batch?.type !== 'rollout-token') throw new Error('expected a rollout-token batch');
    expect(Array.from(batch.batch.position)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(Array.from(batch.batch.sequence)).toEqual([0, 2, 0, 2, 0, 2, 0, 2]);
    expect(Array.from(batch.batch.token)).toEqual([1, 3, 2, 4, 3, 5, 4, 6]);
    // Every typed array of the batch travels as a transferable, once.
    expect(log.posts[1]!.transfer).toHaveLength(7);
    expect(new Set(log.posts[1]!.transfer).size).toBe(7);
  });

  it('keeps the order of tokens and other events, and splits batches by iteration', () => {
    const { clock, log, outbox } = setup();
    clock.advance(100);
    outbox.event({ type: 'status', state: 'running', iteration: 0 });
    outbox.step(1, sampledStep(0, [0]));
    outbox.step(1, sampledStep(1, [0]));
    outbox.event({ type: 'params-queued', params: { eps: 0.1 }, atIteration: 2 });
    outbox.step(2, sampledStep(0, [0]));
    clock.advance(FRAME_MS);
    const types = log.events.map((e) => (e.type === 'rollout-token' ? `tokens@${e.iteration}×${e.batch.token.length}` : e.type));
    expect(types).toEqual(['status', 'tokens@1×2', 'params-queued', 'tokens@2×1']);
  });

  it('keeps only the latest progress report, without splitting token batches or passing other events', () => {
    const { clock, log, outbox } = setup();
    outbox.event({ type: 'status', state: 'loading', iteration: 0, message: 'start' });
    // 0.1 and 0.5 are superseded by 0.9, and 0.9 by the later 0.2.
    for (const p of [0.1, 0.5, 0.9]) outbox.event({ type: 'status', state: 'loading', iteration: 0, progress: p });
    outbox.event({ type: 'error', kind: 'config', message: 'x' });
    outbox.step(1, sampledStep(0, [0]));
    outbox.event({ type: 'status', state: 'running', iteration: 0, progress: 0.2 });
    outbox.step(1, sampledStep(1, [0]));
    clock.advance(FRAME_MS);
    const rest = log.posts.slice(1).flatMap((p) => p.events);
    expect(rest.map((e) => (e.type === 'status' ? `status ${e.progress}` : e.type))).toEqual([
      'error',
      'rollout-token',
      'status 0.2',
    ]);
    // A state change supersedes a progress report still queued: the page never sees them reversed.
    outbox.event({ type: 'status', state: 'loading', iteration: 0, progress: 0.3 });
    outbox.event({ type: 'status', state: 'error', iteration: 0 });
    clock.advance(FRAME_MS);
    expect(log.posts.at(-1)!.events).toEqual([{ type: 'status', state: 'error', iteration: 0 }]);
  });

  it('in slow motion releases token steps at the requested rate, holding later events behind them', () => {
    const { clock, log, outbox } = setup();
    outbox.setPace(10); // one step per 100 ms
    for (let t = 0; t < 5; t++) outbox.step(1, sampledStep(t, [0, 1]));
    outbox.event({ type: 'rollout', iteration: 1, rollout: {} as never });
    const tokensSoFar = () => log.of('rollout-token').reduce((n, e) => n + e.batch.token.length / 2, 0);
    expect(tokensSoFar()).toBe(1);
    clock.advance(250);
    expect(tokensSoFar()).toBe(3);
    expect(log.of('rollout')).toHaveLength(0);
    clock.advance(200);
    expect(tokensSoFar()).toBe(5);
    expect(log.of('rollout')).toHaveLength(1);
  });

  it('does not burst after a stall, and returns to full speed when the pace is cleared', () => {
    const { clock, log, outbox } = setup();
    outbox.setPace(10);
    clock.advance(5_000); // idle for a long time: credit is capped
    for (let t = 0; t < 6; t++) outbox.step(1, sampledStep(t, [0]));
    clock.advance(1);
    expect(log.of('rollout-token').length).toBe(1);
    outbox.setPace(null);
    clock.advance(FRAME_MS);
    expect(log.of('rollout-token').reduce((n, e) => n + e.batch.token.length, 0)).toBe(6);
  });

  it('drained() resolves once everything queued is posted; flushAll() posts at once', async () => {
    const { clock, log, outbox } = setup();
    outbox.setPace(1);
    for (let t = 0; t < 3; t++) outbox.step(1, sampledStep(t, [0]));
    let drained = false;
    void outbox.drained().then(() => (drained = true));
    clock.advance(1_500);
    await Promise.resolve();
    expect(drained).toBe(false);
    outbox.flushAll();
    await Promise.resolve();
    expect(drained).toBe(true);
    expect(log.of('rollout-token').reduce((n, e) => n + e.batch.token.length, 0)).toBe(3);
  });
});
