import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { klEstimate } from '../../src/engine/kl';
import { betaTrace } from '../../src/learn/beta';
import { softmax } from '../../src/learn/categorical';
import { ESTIMATORS, estimatorGradient, estimatorStats, exactKl, exactKlGradient, klSample } from '../../src/learn/kl';

const PI = [0.5, 0.3, 0.15, 0.05];
const REF = [0.25, 0.25, 0.25, 0.25];

describe('KL estimators on a small categorical', () => {
  it('the scalar estimators equal the engine’s tfjs ones', async () => {
    await tf.setBackend('cpu');
    const lp = [-0.1, -2, -0.7, -3];
    const lpRef = [-0.5, -1, -0.7, -0.2];
    for (const kind of ESTIMATORS) {
      const t = klEstimate(tf.tensor1d(lp), tf.tensor1d(lpRef), kind);
      const engine = Array.from(await t.data());
      t.dispose();
      lp.forEach((l, i) => expect(klSample(lpRef[i]! - l, kind)).toBeCloseTo(engine[i]!, 5));
    }
  });

  it('k1 and k3 are unbiased, k2 is not; k1 goes negative, k2 and k3 never do', () => {
    const kl = exactKl(PI, REF);
    expect(kl).toBeGreaterThan(0);
    const [k1, k2, k3] = ESTIMATORS.map((k) => estimatorStats(PI, REF, k));
    expect(k1!.bias).toBeCloseTo(0, 12);
    expect(k3!.bias).toBeCloseTo(0, 12);
    expect(Math.abs(k2!.bias)).toBeGreaterThan(1e-3);
    expect(k1!.negativeProbability).toBeGreaterThan(0);
    expect(Math.min(...k1!.values)).toBeLessThan(0);
    expect(k2!.negativeProbability).toBe(0);
    expect(k3!.negativeProbability).toBe(0);
    expect(Math.min(...k3!.values)).toBeGreaterThanOrEqual(0);
    expect(k3!.std).toBeLessThan(k1!.std);
  });

  it('exact KL of identical distributions is zero', () => {
    expect(exactKl(REF, REF)).toBe(0);
  });

  it('adaptive β moves toward the value that puts the KL on target', () => {
    const trace = betaTrace({ beta0: 0.02, target: 1, pull: 0.1, iterations: 400, episodes: 64, horizon: 1000 });
    const last = trace[trace.length - 1]!;
    expect(last.beta).toBeGreaterThan(0.02);
    expect(last.kl).toBeCloseTo(1, 1);
  });
});

describe('KL estimators as loss terms', () => {
  const z = [0.4, -0.2, 1.0, -1.3];
  const pi = softmax(z);
  it('the closed-form gradient of KL matches finite differences', () => {
    const g = exactKlGradient(pi, REF);
    const h = 1e-6;
    z.forEach((_, j) => {
      const kl = (s: number) => exactKl(softmax(z.map((v, i) => (i === j ? v + s : v))), REF);
      expect(g[j]).toBeCloseTo((kl(h) - kl(-h)) / (2 * h), 6);
    });
  });

  it('k1 pushes nowhere on average, k2 follows the true KL gradient, k3 the reverse KL', () => {
    const exact = exactKlGradient(pi, REF);
    estimatorGradient(pi, REF, 'k1').forEach((g) => expect(g).toBeCloseTo(0, 12));
    estimatorGradient(pi, REF, 'k2').forEach((g, j) => expect(g).toBeCloseTo(exact[j]!, 12));
    // ∂ KL(ref ‖ π) / ∂z_j = π_j − ref_j.
    estimatorGradient(pi, REF, 'k3').forEach((g, j) => expect(g).toBeCloseTo(pi[j]! - REF[j]!, 12));
  });
});
