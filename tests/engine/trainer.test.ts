import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { NonFiniteLossError, type MinibatchReport } from '../../src/engine/trainer';
import { makeTrainer, run, useBackend, withoutTime } from './helpers';

beforeAll(() => useBackend());

// Small batches keep these tests fast; the update logic is the same at any size.
const small = { batch: 16, epochs: 1, minibatches: 1 } as const;

describe('trainer', () => {
  it.each([1, 0.7])(
    'with 1 epoch and 1 minibatch every ratio is 1, clipfrac 0, approx KL 0 (temperature %s)',
    async (temperature) => {
      const ratios: number[] = [];
      const hooks = {
        onMinibatch: (r: MinibatchReport) =>
          r.lengths.forEach((len, j) => ratios.push(...r.ratio.subarray(j * r.width, j * r.width + len))),
      };
      const [m] = await run({ ...small, temperature }, 1, hooks);
      expect(ratios.length).toBeGreaterThan(16);
      // lp_old comes from the KV-cached sampling pass and lp_new from the full forward pass of the
      // update: the same function, computed in a different order, so equal to float32 rounding.
      for (const r of ratios) expect(Math.abs(r - 1)).toBeLessThan(1e-5);
      expect(m!['policy/clipfrac']).toBe(0);
      expect(m!['policy/clipfrac_cleanrl']).toBe(0);
      expect(m!['policy/approxkl']).toBeLessThan(1e-10);
      expect(m!['kl/ref_exact']).toBeLessThan(1e-6); // the policy starts as the reference
    },
  );

  it('is deterministic: the same config gives the same metrics', async () => {
    const config = { batch: 16, seed: 5 };
    const a = (await run(config, 3)).map(withoutTime);
    const b = (await run(config, 3)).map(withoutTime);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = (await run({ ...config, seed: 6 }, 1)).map(withoutTime);
    expect(JSON.stringify(c[0])).not.toBe(JSON.stringify(a[0]));
  });

  it('keeps tf.memory().numTensors flat across iterations', async () => {
    const trainer = await makeTrainer({ batch: 16 });
    try {
      await trainer.step(); // the first Adam step creates its slots
      const before = tf.memory().numTensors;
      for (let i = 0; i < 4; i++) await trainer.step();
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      trainer.dispose();
    }
  });

  it('applies live parameters at the next iteration', async () => {
    const trainer = await makeTrainer({ batch: 16 });
    try {
      const m1 = await trainer.step();
      expect(m1.eps).toBe(0.2);
      expect(trainer.setParams({ eps: 0.1, lr: 0.0005 })).toBe(2);
      const m2 = await trainer.step();
      expect(m2.eps).toBe(0.1);
      expect(m2['optim/lr']).toBe(0.0005);
      expect(() => trainer.setParams({ task: 'bandit' })).toThrow(/structural/);
      expect(() => trainer.setParams({ eps: 5 })).toThrow(/eps must be a number in \[0.01, 1\]/);
    } finally {
      trainer.dispose();
    }
  });

  it('adaptive beta rises while the KL to the reference is above target', async () => {
    const ms = await run({ batch: 16, adaptiveBeta: true, targetKl: 0.001, klHorizon: 100, beta: 0.05 }, 4);
    expect(ms[0]!.beta).toBe(0.05);
    expect(ms[3]!.beta).toBeGreaterThan(ms[1]!.beta);
    expect(ms[1]!['kl/ref']).toBeGreaterThan(0.001);
  });

  it('stops the remaining epochs early when approx KL passes its target', async () => {
    const [m] = await run({ batch: 16, epochs: 8, minibatches: 2, lr: 0.01, earlyStopKl: 0.0001 }, 1);
    expect(m!.epochs_run).toBeLessThan(8);
    expect(m!['policy/ratio_hist_by_epoch']).toHaveLength(m!.epochs_run);
  });

  it('a NaN loss throws before the update and keeps the last good weights', async () => {
    const trainer = await makeTrainer(
      { batch: 16 },
      { onRollout: (it, _r, targets) => void (it === 2 && targets.advantages.fill(NaN)) },
    );
    try {
      await trainer.step();
      const before = trainer.policy.trainable.map((v) => Array.from(v.dataSync()));
      await expect(trainer.step()).rejects.toBeInstanceOf(NonFiniteLossError);
      await expect(trainer.step()).rejects.toThrow(/iteration 2: the loss became NaN/);
      const after = trainer.policy.trainable.map((v) => Array.from(v.dataSync()));
      expect(after).toEqual(before);
    } finally {
      trainer.dispose();
    }
  });

  it('GRPO: group members share a prompt and no-spread groups are "no signal"', async () => {
    const G = 4;
    let prompts: Int32Array | null = null;
    let P = 0;
    let scores: Float32Array | null = null;
    const reports: MinibatchReport[] = [];
    const [m] = await run({ algo: 'grpo', batch: 16, group: G }, 1, {
      onPrompts: (_it, p, shape) => ((prompts = p.slice()), (P = shape.promptLength)),
      onRollout: (_it, r) => void (scores = r.scores.slice()),
      onMinibatch: (r) => reports.push(r),
    });
    expect(m!['loss/value']).toBeNull();
    // Members of a group share their prompt; consecutive groups are drawn apart.
    const prompt = (i: number) => Array.from(prompts!.subarray(i * P, (i + 1) * P));
    for (let i = 0; i < 16; i++) expect(prompt(i)).toEqual(prompt(i - (i % G)));
    expect(new Set(Array.from({ length: 4 }, (_, g) => prompt(g * G).join())).size).toBeGreaterThan(1);
    // A group whose task scores are all equal: every token of its members is "no signal" (case 0).
    const flat = (g: number) => new Set(Array.from(scores!.subarray(g * G, (g + 1) * G))).size === 1;
    const zeroGroups = [0, 1, 2, 3].filter(flat);
    expect(m!['grpo/frac_reward_zero_std']).toBe(zeroGroups.length / 4);
    for (const r of reports) {
      r.rows.forEach((seq, j) => {
        const noSignal = Array.from(r.cases.subarray(j * r.width, j * r.width + r.lengths[j]!)).every((c) => c === 0);
        expect(noSignal).toBe(zeroGroups.includes(Math.floor(seq / G)));
      });
    }
  });
});
