import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientFlows } from '../../src/engine/cases';
import { clippedSurrogate } from '../../src/engine/loss';
import { groupResult } from '../../src/learn/group';
import { tokenSurrogate } from '../../src/learn/surrogate';
import { completionWeights } from '../../src/learn/weights';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** dL/dr through tfjs autodiff of the engine's tensor surrogate. */
function tfGrad(r: number, a: number, lo: number, hi: number): number {
  return tf.tidy(
    () =>
      tf
        .grad((ratio: tf.Tensor) => clippedSurrogate(ratio, tf.scalar(a), lo, hi))(tf.scalar(r))
        .dataSync()[0]!,
  );
}

describe('chapter 5: one token of the clipped surrogate', () => {
  it('dL/dr equals tf.grad of the engine’s clippedSurrogate over a grid of r, A and ε', () => {
    for (const [lo, hi] of [
      [0.2, 0.2],
      [0.1, 0.28],
    ] as const)
      for (let r = 0.3; r <= 1.8; r += 0.037)
        for (const a of [-2, -0.5, 0, 0.7, 1.5]) {
          const mine = tokenSurrogate(r, a, lo, hi);
          expect(mine.gradR).toBeCloseTo(tfGrad(r, a, lo, hi), 5);
          const v = tf.tidy(() => clippedSurrogate(tf.scalar(r), tf.scalar(a), lo, hi).dataSync()[0]!);
          expect(mine.value).toBeCloseTo(v, 5);
        }
  });

  it('the computed gradient is zero exactly in the cases the engine marks clipped', () => {
    for (let r = 0.3; r <= 1.8; r += 0.05)
      for (const a of [-1, 1]) {
        const t = tokenSurrogate(r, a, 0.2, 0.2);
        expect(t.gradR !== 0).toBe(gradientFlows(t.case, true));
      }
  });
});

describe('loss-type weights of a short and a long completion', () => {
  it('grpo gives each completion the same total; bnpo each token the same; dr_grpo a constant', () => {
    const grpo = completionWeights([2, 8], 8, 'grpo');
    expect(grpo.perCompletion[0]).toBeCloseTo(grpo.perCompletion[1]!, 9);
    expect(grpo.perToken[0]).toBeCloseTo(4 * grpo.perToken[1]!, 9);
    const bnpo = completionWeights([2, 8], 8, 'bnpo');
    expect(bnpo.perToken[0]).toBeCloseTo(bnpo.perToken[1]!, 9);
    expect(bnpo.perCompletion[0]! + bnpo.perCompletion[1]!).toBeCloseTo(1, 6);
    const dr = completionWeights([2, 8], 8, 'dr_grpo');
    expect(dr.perToken[0]).toBeCloseTo(1 / 16, 9);
    expect(dr.perCompletion[0]! + dr.perCompletion[1]!).toBeCloseTo(10 / 16, 6);
  });
});

describe('group-normalised advantages', () => {
  it('scaled advantages have mean 0 and std ≈ 1; equal rewards give no signal', () => {
    const g = groupResult([1, 0, 0, 1, 1, 0.5]);
    const mean = g.scaled.reduce((a, b) => a + b, 0) / 6;
    expect(mean).toBeCloseTo(0, 6);
    const std = Math.sqrt(g.scaled.reduce((s, a) => s + a * a, 0) / 5);
    expect(std).toBeCloseTo(1, 3);
    expect(g.centered[0]).toBeCloseTo(1 - 3.5 / 6, 6);
    expect(g.noSignal).toBe(false);
    const flat = groupResult([0.4, 0.4, 0.4, 0.4]);
    expect(flat.noSignal).toBe(true);
    expect(flat.scaled.every((a) => a === 0)).toBe(true);
  });
});
