import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { adaptBeta, klEstimate, type KlEstimator } from '../../src/engine/kl';
import { Rng } from '../../src/engine/rng';
import { useBackend } from './helpers';

beforeAll(() => useBackend());

const softmax = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};
// Two small categoricals: q is the sampling policy π, p the reference.
const q = softmax([1.2, -0.3, 0.5, 2.0, -1.0]);
const p = softmax([0.2, 0.4, 0.1, 1.0, 0.3]);
const exactKl = q.reduce((s, qi, i) => s + qi * (Math.log(qi) - Math.log(p[i]!)), 0);

/** The estimator's value at every outcome x, with lp = log q(x), lp_ref = log p(x). */
function perOutcome(kind: KlEstimator): number[] {
  const t = klEstimate(tf.tensor1d(q.map(Math.log)), tf.tensor1d(p.map(Math.log)), kind);
  return Array.from(t.dataSync());
}
const expectation = (values: number[]) => values.reduce((s, v, i) => s + q[i]! * v, 0);

describe('KL estimators against the exact KL of small categoricals', () => {
  it('k1 and k3 are unbiased: their expectation under q is the exact KL', () => {
    expect(expectation(perOutcome('k1'))).toBeCloseTo(exactKl, 5);
    expect(expectation(perOutcome('k3'))).toBeCloseTo(exactKl, 5);
  });

  it('k2 is biased', () => {
    expect(Math.abs(expectation(perOutcome('k2')) - exactKl)).toBeGreaterThan(1e-3);
  });

  it('k2 and k3 are never negative; k1 is on some outcomes', () => {
    expect(Math.min(...perOutcome('k2'))).toBeGreaterThanOrEqual(0);
    expect(Math.min(...perOutcome('k3'))).toBeGreaterThanOrEqual(0);
    expect(Math.min(...perOutcome('k1'))).toBeLessThan(0);
  });

  it('a seeded Monte-Carlo average of k1 and k3 converges to the exact KL', () => {
    const rng = Rng.stream(7, 'sampling');
    const k1 = perOutcome('k1');
    const k3 = perOutcome('k3');
    let s1 = 0;
    let s3 = 0;
    const N = 50_000;
    for (let i = 0; i < N; i++) {
      const x = rng.categorical(q);
      s1 += k1[x]!;
      s3 += k3[x]!;
    }
    expect(Math.abs(s1 / N - exactKl)).toBeLessThan(0.02);
    expect(Math.abs(s3 / N - exactKl)).toBeLessThan(0.02);
  });
});

describe('adaptive beta', () => {
  it('rises when the KL is above target and falls when below', () => {
    expect(adaptBeta(0.1, 2, 1, 64, 1000)).toBeGreaterThan(0.1);
    expect(adaptBeta(0.1, 0.5, 1, 64, 1000)).toBeLessThan(0.1);
    expect(adaptBeta(0.1, 1, 1, 64, 1000)).toBe(0.1);
  });

  it('moves by at most 20% × episodes / horizon per update', () => {
    expect(adaptBeta(0.1, 100, 1, 64, 1000)).toBeCloseTo(0.1 * (1 + (0.2 * 64) / 1000), 12);
    expect(adaptBeta(0.1, 0, 1, 64, 1000)).toBeCloseTo(0.1 * (1 - (0.2 * 64) / 1000), 12);
  });
});

describe('the gradient of each estimator as a loss term (issue 8.5)', () => {
  // E_{x~π}[∇_θ k(x)] with π = softmax(θ) held fixed as the sampling distribution, summed exactly
  // over the outcomes, against the gradients of the two KL directions.
  const theta = [1.2, -0.3, 0.5, 2.0, -1.0];
  const logRef = p.map(Math.log);
  function expectedGradient(kind: KlEstimator): number[] {
    const g = tf.grad((t: tf.Tensor) => {
      const lp = tf.logSoftmax(t as tf.Tensor1D);
      const k = klEstimate(lp, tf.tensor1d(logRef), kind);
      return k.mul(tf.tensor1d(q)).sum(); // q = softmax(theta), a constant weight
    })(tf.tensor1d(theta));
    return Array.from(g.dataSync());
  }
  const gradOf = (f: (lp: tf.Tensor1D) => tf.Scalar) =>
    Array.from(
      tf
        .grad((t: tf.Tensor) => f(tf.logSoftmax(t as tf.Tensor1D)))(tf.tensor1d(theta))
        .dataSync(),
    );
  // KL(π‖π_ref) = Σ π (log π − log π_ref);  KL(π_ref‖π) = Σ π_ref (log π_ref − log π).
  const forward = () =>
    gradOf((lp) =>
      lp
        .exp()
        .mul(lp.sub(tf.tensor1d(logRef)))
        .sum(),
    );
  const reverse = () => gradOf((lp) => tf.tensor1d(p).mul(tf.tensor1d(logRef).sub(lp)).sum());

  it('k1: zero expected gradient (it pulls toward nothing)', () => {
    for (const g of expectedGradient('k1')) expect(g).toBeCloseTo(0, 6);
  });
  it('k2: the gradient of KL(π‖π_ref)', () => {
    const f = forward();
    expectedGradient('k2').forEach((g, i) => expect(g).toBeCloseTo(f[i]!, 5));
  });
  it('k3: the gradient of KL(π_ref‖π), the other direction', () => {
    const [f, r] = [forward(), reverse()];
    expectedGradient('k3').forEach((g, i) => expect(g).toBeCloseTo(r[i]!, 5));
    expect(Math.max(...expectedGradient('k3').map((g, i) => Math.abs(g - f[i]!)))).toBeGreaterThan(0.01);
  });
});
