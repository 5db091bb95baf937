import { beforeAll, describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../../src/engine/checkpoint';
import { decodePolicyCheckpoint, encodePolicyCheckpoint } from '../../src/engine/policy-checkpoint';
import { makeTrainer, useBackend, withoutTime } from './helpers';

beforeAll(() => useBackend());

const small = { batch: 8, epochs: 1, minibatches: 1, model: 'small', seed: 2 } as const;

describe('policy checkpoints', () => {
  it('save, load into a fresh trainer: the same weights, iteration and β, and the next step runs from them', async () => {
    const a = await makeTrainer({ ...small, adaptiveBeta: true });
    const b = await makeTrainer({ ...small, adaptiveBeta: true });
    try {
      await a.step();
      await a.step();
      const saved = await a.savePolicy();
      const p = decodePolicyCheckpoint(encodePolicyCheckpoint(saved).slice().buffer);
      expect(p.config).toEqual(saved.config);
      expect(p.iteration).toBe(2);
      expect(p.beta).toBe(saved.beta);
      b.restorePolicy(p);
      expect(b.iteration).toBe(2);
      expect(b.config.beta).toBe(saved.beta);
      const again = await b.savePolicy();
      expect([...again.weights.values()].map((w) => [...w.data])).toEqual([...saved.weights.values()].map((w) => [...w.data]));
      const m = await b.step();
      expect(m.iter).toBe(3);
      // The loaded weights, not the reference: the policy has moved away from it.
      expect(withoutTime(m)['kl/ref_exact']).not.toBe(0);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('refuses corrupt, foreign and mismatched files with a message naming what is wrong', async () => {
    const a = await makeTrainer(small);
    const other = await makeTrainer({ ...small, model: 'base' });
    try {
      const good = encodePolicyCheckpoint(await a.savePolicy());
      const refuse = (bytes: Uint8Array) => () => decodePolicyCheckpoint(bytes.slice().buffer);
      expect(refuse(new TextEncoder().encode('hello, not a checkpoint'))).toThrow(/not a PPO Lab checkpoint/);
      expect(refuse(good.subarray(0, good.length - 8))).toThrow(/truncated/);
      const sft = encodeCheckpoint({ task: 'sort', model: 'small', info: {} }, new Map());
      expect(refuse(sft)).toThrow(/not a saved policy/);
      const broken = good.slice();
      broken[8] = 0x5d; // the header JSON now opens with "]"
      expect(refuse(broken)).toThrow(/header is not valid JSON/);
      const hostileConfig = encodeCheckpoint(
        { task: 'sort', model: 'small', info: { kind: 'policy', iteration: 1, beta: 0, config: '{"eps": 99}' } },
        new Map(),
      );
      expect(refuse(hostileConfig)).toThrow(/config is refused: .*eps/);
      const nan = decodePolicyCheckpoint(good.slice().buffer);
      const first = [...nan.weights.values()][0]!;
      first.data[0] = NaN;
      expect(refuse(encodePolicyCheckpoint(nan))).toThrow(/NaN or infinite/);
      const p = decodePolicyCheckpoint(good.slice().buffer);
      expect(() => other.restorePolicy(p)).toThrow(/does not fit this model: .*where this model has/);
      expect(other.iteration).toBe(0);
    } finally {
      a.dispose();
      other.dispose();
    }
  });
});
