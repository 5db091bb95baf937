import { describe, expect, it } from 'vitest';
import {
  broadcast,
  gae,
  groupAdvantages,
  groupSpread,
  reinforceAdvantages,
  rewardToGo,
  tokenRewards,
  whiten,
} from '../../src/engine/advantages';

describe('GAE', () => {
  it('matches a hand-computed example', () => {
    // One completion of 3 tokens (width 4: one padding slot), γ = 0.9, λ = 0.5.
    const rewards = new Float32Array([0, 0, 1, 0]);
    const values = new Float32Array([0.5, 0.6, 0.7, 0]);
    const lengths = new Int32Array([3]);
    const { advantages, returns } = gae(rewards, values, lengths, 4, 0.9, 0.5);
    // δ2 = 1 + 0 − 0.7 = 0.3;           A2 = 0.3
    // δ1 = 0 + 0.9·0.7 − 0.6 = 0.03;    A1 = 0.03 + 0.45·0.3 = 0.165
    // δ0 = 0 + 0.9·0.6 − 0.5 = 0.04;    A0 = 0.04 + 0.45·0.165 = 0.11425
    expect(advantages[2]).toBeCloseTo(0.3, 6);
    expect(advantages[1]).toBeCloseTo(0.165, 6);
    expect(advantages[0]).toBeCloseTo(0.11425, 6);
    expect(advantages[3]).toBe(0); // padding
    expect(returns[0]).toBeCloseTo(0.11425 + 0.5, 6);
  });

  it('with λ = 1 and γ = 1 the advantage is the return minus the value', () => {
    const rewards = new Float32Array([0.1, 0.2, 0.3]);
    const values = new Float32Array([1, 2, 3]);
    const { advantages } = gae(rewards, values, new Int32Array([3]), 3, 1, 1);
    expect(Array.from(advantages).map((x) => +x.toFixed(5))).toEqual([0.6 - 1, 0.5 - 2, 0.3 - 3].map((x) => +x.toFixed(5)));
  });
});

describe('GRPO group advantages', () => {
  it('sum to zero in every group and count groups with no spread', () => {
    const scores = [1, 0, 0.5, 0.25, 0.7, 0.7, 0.7, 0.7, 0, 1, 1, 1];
    const { perSequence, zeroStdGroups } = groupAdvantages(scores, 4);
    for (let g = 0; g < 3; g++) {
      const sum = perSequence.slice(g * 4, g * 4 + 4).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum)).toBeLessThan(1e-5);
    }
    expect(zeroStdGroups).toBe(1);
    expect(Array.from(perSequence.slice(4, 8))).toEqual([0, 0, 0, 0]);
    // (1 − 0.4375) / (Bessel std + 1e-4) for the first member.
    const mean = 0.4375;
    const std = Math.sqrt([1, 0, 0.5, 0.25].reduce((s, x) => s + (x - mean) ** 2, 0) / 3);
    expect(perSequence[0]).toBeCloseTo((1 - mean) / (std + 1e-4), 5);
  });
});

describe('GRPO reward scaling (TRL scale_rewards; issue 8.4)', () => {
  const totals = [1, 0, 0.5, 0.25, 0.7, 0.7, 0.7, 0.1];
  it("'none' (Dr. GRPO) is the reward minus its group mean, unscaled", () => {
    const { perSequence } = groupAdvantages(totals, 4, 'none');
    expect(perSequence[0]).toBeCloseTo(1 - 0.4375, 6);
    expect(perSequence[7]).toBeCloseTo(0.1 - 0.55, 6);
  });
  it("'batch' divides by the batch's std, the same for every group", () => {
    const { perSequence } = groupAdvantages(totals, 4, 'batch');
    const m = totals.reduce((a, b) => a + b, 0) / 8;
    const std = Math.sqrt(totals.reduce((s, x) => s + (x - m) ** 2, 0) / 7);
    expect(perSequence[0]).toBeCloseTo((1 - 0.4375) / (std + 1e-4), 5);
    expect(perSequence[7]).toBeCloseTo((0.1 - 0.55) / (std + 1e-4), 5);
  });
});

describe('group spread on task scores (issue 8.3, 8.13)', () => {
  it('counts groups with no spread up to a tolerance and averages the group stds', () => {
    // Group 2 differs only by float noise, as KL-shaped totals or float32 sums do.
    const scores = [1, 0, 1, 0, 0.7, 0.7 + 1e-9, 0.7, 0.7];
    const { meanStd, zeroStdGroups } = groupSpread(scores, 4);
    expect(zeroStdGroups).toBe(1);
    expect(meanStd).toBeCloseTo((Math.sqrt(1 / 3) + 0) / 2, 6);
  });
});

describe('rewards, returns and baselines', () => {
  it('puts the score on the last token and −β·KL on every token', () => {
    const r = tokenRewards([2], new Int32Array([3]), 4, new Float32Array([0.1, 0.2, 0.3, 0]), 0.5);
    expect(Array.from(r).map((x) => +x.toFixed(5))).toEqual([-0.05, -0.1, 2 - 0.15, 0]);
  });

  it('REINFORCE subtracts the leave-one-out mean of the other returns (RLOO), at every token', () => {
    const lengths = new Int32Array([2, 1, 1]);
    const g = rewardToGo(new Float32Array([0, 1, 3, 0, 5, 0]), lengths, 2, 1);
    expect(Array.from(g)).toEqual([1, 1, 3, 0, 5, 0]);
    const a = reinforceAdvantages(g, lengths, 2);
    // b_0 = (3 + 5)/2 = 4, b_1 = (1 + 5)/2 = 3, b_2 = (1 + 3)/2 = 2; G_t − b_i on each real token.
    expect(Array.from(a)).toEqual([-3, -3, 0, 0, 3, 0]);
  });

  it('whitening gives zero mean and unit variance over real tokens, leaving padding at 0', () => {
    const lengths = new Int32Array([3, 2]);
    const w = whiten(new Float32Array([1, 2, 3, 9, 4, 5, 9, 9]), lengths, 4);
    const real = [w[0]!, w[1]!, w[2]!, w[4]!, w[5]!];
    const mean = real.reduce((a, b) => a + b, 0) / 5;
    const variance = real.reduce((s, x) => s + (x - mean) ** 2, 0) / 4;
    expect(mean).toBeCloseTo(0, 6);
    expect(variance).toBeCloseTo(1, 4);
    expect(w[3]).toBe(0);
    expect(w[6]).toBe(0);
  });

  it('broadcasts one value per sequence to its tokens only', () => {
    expect(Array.from(broadcast(new Float32Array([2, -1]), new Int32Array([1, 2]), 3))).toEqual([2, 0, 0, -1, -1, 0]);
  });
});
