import { describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/engine/metrics';
import { RunRecord } from '../../src/ui/data/run-record';
import type { MinibatchData, RolloutData, WorkerEvent } from '../../src/worker/protocol';

const rollout = {
  n: 1,
  width: 2,
  tokens: new Int32Array([1, 0]),
  lpOld: new Float32Array([-1, 0]),
  lpRef: new Float32Array([-1, 0]),
} as RolloutData;
const pass = {
  epoch: 0,
  minibatch: 0,
  rows: new Int32Array([0]),
  width: 2,
  lengths: new Int32Array([1]),
  ratio: new Float32Array([1, 1]),
  lpNew: new Float32Array([-1, -3]),
  advantages: new Float32Array([0.5, 0]),
  cases: new Uint8Array([1, 0]),
  flows: new Uint8Array([1, 0]),
} as MinibatchData;

function iterate(r: RunRecord, iter: number): void {
  const events: WorkerEvent[] = [
    { type: 'rollout', iteration: iter, rollout },
    { type: 'minibatch', iteration: iter, data: pass },
    { type: 'iteration', metrics: { iter } as Metrics, applied: {}, numTensors: 0, kernels: 0, programs: 0, copies: 0 },
  ];
  for (const e of events) r.take(e);
}

describe('run record', () => {
  it('keeps every metric up to its cap and the tokens of the last iterations, and says what was dropped', () => {
    const r = new RunRecord(5, 3);
    for (let i = 1; i <= 4; i++) iterate(r, i);
    expect(r.tokensFrom).toBe(2);
    expect(r.tokensDropped).toBe(true);
    expect(r.metricsDropped).toBe(0);
    expect(r.tokensAt(1)).toBeNull();
    expect(r.tokensAt(3)?.passes).toEqual([pass]);
    expect(r.metricsAt(1)?.iter).toBe(1);
    for (let i = 5; i <= 7; i++) iterate(r, i);
    expect(r.metrics.map((m) => m.iter)).toEqual([3, 4, 5, 6, 7]);
    expect(r.metricsDropped).toBe(2);
    expect(r.tokenLines(['x', 'y']).trim().split('\n')).toHaveLength(3); // one token per kept iteration
  });

  it('a new run (ready) starts empty; a rollout without its iteration (a NaN) is not kept', () => {
    const r = new RunRecord();
    iterate(r, 1);
    r.take({ type: 'rollout', iteration: 2, rollout });
    r.take({ type: 'minibatch', iteration: 2, data: pass });
    iterate(r, 2);
    expect(r.tokensAt(2)?.passes).toHaveLength(1); // the aborted pass went with its rollout
    r.take({ type: 'ready' } as WorkerEvent);
    expect(r.metrics).toEqual([]);
    expect(r.tokensFrom).toBeNull();
  });
});
