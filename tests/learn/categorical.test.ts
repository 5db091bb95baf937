import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng';
import {
  armAt,
  covarianceEstimate,
  exactGradient,
  exactSampleVariance,
  objective,
  reinforceEstimate,
  softmax,
} from '../../src/learn/categorical';

const Z = [0.3, -0.5, 1.1, 0.0];
const R = [0.2, 0.9, 0.1, 0.5];

describe('K-armed categorical', () => {
  it('the exact gradient matches central finite differences of J', () => {
    const g = exactGradient(Z, R);
    const h = 1e-5;
    Z.forEach((_, j) => {
      const up = Z.map((z, i) => (i === j ? z + h : z));
      const down = Z.map((z, i) => (i === j ? z - h : z));
      expect(g[j]).toBeCloseTo((objective(up, R) - objective(down, R)) / (2 * h), 8);
    });
    // Softmax is shift-invariant, so the gradient sums to zero.
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
  });

  it('the REINFORCE mean converges to the exact gradient as N grows, with or without a baseline', () => {
    const g = exactGradient(Z, R);
    const err = (n: number, b: number, seed: number) => {
      const est = reinforceEstimate(Z, R, n, b, Rng.stream(seed, 'sampling'));
      return Math.sqrt(est.mean.reduce((s, m, j) => s + (m - g[j]!) ** 2, 0));
    };
    for (const b of [0, objective(Z, R)]) {
      const small = [1, 2, 3, 4].map((s) => err(20, b, s)).reduce((a, c) => a + c) / 4;
      const large = [1, 2, 3, 4].map((s) => err(20_000, b, s)).reduce((a, c) => a + c) / 4;
      expect(large).toBeLessThan(small / 5);
      expect(large).toBeLessThan(0.01);
    }
  });

  it('the sample variance agrees with the exact one, and a baseline at J lowers it', () => {
    const est = reinforceEstimate(Z, R, 50_000, 0, Rng.stream(7, 'sampling'));
    const exact = exactSampleVariance(Z, R, 0);
    expect(est.sampleVariance.reduce((a, b) => a + b, 0)).toBeCloseTo(exact, 2);
    expect(est.totalVariance).toBeCloseTo(exact / 50_000, 5);
    expect(exactSampleVariance(Z, R, objective(Z, R))).toBeLessThan(exact);
  });

  it('the covariance of R and the score estimates the gradient', () => {
    const est = reinforceEstimate(Z, R, 40_000, 0, Rng.stream(3, 'sampling'));
    const cov = covarianceEstimate(Z, R, est.draws);
    exactGradient(Z, R).forEach((g, j) => expect(cov[j]).toBeCloseTo(g, 2));
  });

  it('softmax sums to one and is stable for large logits', () => {
    const p = softmax([1000, 1001, 999]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[1]).toBeGreaterThan(p[0]!);
  });
});

describe('a sample has no gradient path', () => {
  it('with u fixed, the arm drawn is piecewise constant in the logits while J moves smoothly', () => {
    const u = 0.62;
    const arms = new Set<number>();
    let jumps = 0;
    let prev = armAt(softmax(Z), u);
    for (let s = -3; s <= 3; s += 0.01) {
      const k = armAt(softmax(Z.map((z, i) => (i === 1 ? z + s : z))), u);
      arms.add(k);
      if (k !== prev) jumps++;
      prev = k;
    }
    expect(arms.size).toBeGreaterThan(1);
    expect(jumps).toBeLessThan(arms.size + 1);
    expect(armAt([0.25, 0.25, 0.25, 0.25], 0.6)).toBe(2);
  });
});
