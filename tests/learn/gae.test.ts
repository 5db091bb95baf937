import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng';
import { gaeRows } from '../../src/learn/gae';
import { movedPolicies, ratioSecondMoment, sampleSequence, sequenceRatioStd, tokenRatioStd } from '../../src/learn/ratios';

describe('GAE per token (through the engine’s gae)', () => {
  it('matches a hand-computed three-token example', () => {
    // r = [−0.1·0.2, −0.1·0.1, 1 − 0.1·0.3] = [−0.02, −0.01, 0.97]; V = [0.5, 0.6, 0.8]; γ = 0.9, λ = 0.5.
    // δ2 = 0.97 − 0.8 = 0.17; δ1 = −0.01 + 0.9·0.8 − 0.6 = 0.11; δ0 = −0.02 + 0.9·0.6 − 0.5 = 0.02.
    // A2 = 0.17; A1 = 0.11 + 0.45·0.17 = 0.1865; A0 = 0.02 + 0.45·0.1865 = 0.103925.
    const rows = gaeRows({ score: 1, values: [0.5, 0.6, 0.8], kl: [0.2, 0.1, 0.3] }, 0.9, 0.5, 0.1);
    const expected = [
      { reward: -0.02, delta: 0.02, advantage: 0.103925 },
      { reward: -0.01, delta: 0.11, advantage: 0.1865 },
      { reward: 0.97, delta: 0.17, advantage: 0.17 },
    ];
    expected.forEach((e, t) => {
      expect(rows[t]!.reward).toBeCloseTo(e.reward, 6);
      expect(rows[t]!.delta).toBeCloseTo(e.delta, 6);
      expect(rows[t]!.advantage).toBeCloseTo(e.advantage, 6);
      expect(rows[t]!.ret).toBeCloseTo(e.advantage + rows[t]!.value, 6);
    });
  });

  it('λ = 0 gives one-step TD errors; λ = 1, γ = 1 gives return minus value', () => {
    const traj = { score: 1, values: [0.2, 0.4, 0.1, 0.7], kl: [0, 0, 0, 0] };
    for (const r of gaeRows(traj, 1, 0, 0)) expect(r.advantage).toBeCloseTo(r.delta, 6);
    gaeRows(traj, 1, 1, 0).forEach((r, t) => expect(r.advantage).toBeCloseTo(1 - traj.values[t]!, 6));
  });
});

describe('per-token ratios against the sequence product', () => {
  it('one token’s spread stays put while the product’s grows with length, as sampled', () => {
    const { old, current } = movedPolicies([0, 0.5, -0.3, 0.2], 0.4);
    const m = ratioSecondMoment(old, current);
    expect(m).toBeGreaterThan(1);
    expect(sequenceRatioStd(m, 16)).toBeGreaterThan(3 * sequenceRatioStd(m, 2));
    const rng = Rng.stream(5, 'sampling');
    const n = 20_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const s = sampleSequence(old, current, 4, rng);
      sum += s.product;
      sumSq += s.product ** 2;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(1, 1);
    expect(Math.sqrt(sumSq / n - mean ** 2)).toBeCloseTo(sequenceRatioStd(m, 4), 1);
    expect(tokenRatioStd(m)).toBeCloseTo(sequenceRatioStd(m, 1), 12);
  });
});
