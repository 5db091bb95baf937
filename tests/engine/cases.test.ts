import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { clipCase, gradientFlows, surrogateValue } from '../../src/engine/cases';
import { clippedSurrogate } from '../../src/engine/loss';
import { useBackend } from './helpers';

beforeAll(() => useBackend());

const eps = 0.2;
// One representative (ratio, advantage) per case of the table in algorithms.md.
const CASES = [
  { n: 1, r: 1.1, a: 1.5, flows: true },
  { n: 2, r: 0.9, a: -1.5, flows: true },
  { n: 3, r: 0.6, a: 1.5, flows: true },
  { n: 4, r: 0.6, a: -1.5, flows: false },
  { n: 5, r: 1.4, a: 1.5, flows: false },
  { n: 6, r: 1.4, a: -1.5, flows: true },
];

/** d L / d r of the clipped surrogate at (r, A), through tfjs autodiff. */
function gradAt(r: number, a: number): number {
  const g = tf.grad((ratio: tf.Tensor) => clippedSurrogate(ratio, tf.scalar(a), eps, eps))(tf.scalar(r));
  return g.dataSync()[0]!;
}

describe('the six cases of the clipped surrogate', () => {
  it.each(CASES)('case $n: label, and gradient zero exactly when clipped', ({ n, r, a, flows }) => {
    expect(clipCase(r, a, eps, eps)).toBe(n);
    expect(gradientFlows(n, true)).toBe(flows);
    const g = gradAt(r, a);
    if (flows)
      expect(g).toBeCloseTo(a, 6); // d(r·A)/dr = A
    else expect(g).toBe(0);
  });

  it('the value the min picks matches the table', () => {
    const value = (r: number, a: number) => clippedSurrogate(tf.scalar(r), tf.scalar(a), eps, eps).dataSync()[0]!;
    expect(value(0.6, -1.5)).toBeCloseTo((1 - eps) * -1.5, 6); // case 4: (1−ε)·A
    expect(value(1.4, 1.5)).toBeCloseTo((1 + eps) * 1.5, 6); // case 5: (1+ε)·A
    expect(value(0.6, 1.5)).toBeCloseTo(0.6 * 1.5, 6); // case 3: r·A
    expect(value(1.4, -1.5)).toBeCloseTo(1.4 * -1.5, 6); // case 6: r·A
  });

  it('the scalar L(r) used for the teaching plot equals the training loss term', () => {
    const rs = [0.3, 0.79, 0.8, 0.95, 1, 1.1, 1.2, 1.21, 1.5, 3];
    for (const a of [-2, -0.5, 0.5, 2]) {
      const tfValues = clippedSurrogate(tf.tensor1d(rs), tf.fill([rs.length], a), 0.2, 0.28).dataSync();
      rs.forEach((r, i) => expect(surrogateValue(r, a, 0.2, 0.28)).toBeCloseTo(tfValues[i]!, 6));
    }
  });

  it('A = 0 is "no signal", not a case', () => {
    expect(clipCase(1.4, 0, eps, eps)).toBe(0);
    expect(gradientFlows(0, true)).toBe(false);
  });

  it('an asymmetric eps_high moves only the upper edge', () => {
    expect(clipCase(1.25, 1, 0.2, 0.28)).toBe(1);
    expect(clipCase(1.3, 1, 0.2, 0.28)).toBe(5);
    expect(clipCase(0.79, -1, 0.2, 0.28)).toBe(4);
  });

  it('without clipping (REINFORCE) the gradient always flows where A ≠ 0', () => {
    for (const c of [1, 2, 3, 4, 5, 6]) expect(gradientFlows(c, false)).toBe(true);
  });
});

describe('labels agree with the float32 gradient at the clip bounds (issue 8.8)', () => {
  // The ratio is a float32 and tfjs clips at float32(1 ± ε): compare the label with autodiff
  // exactly on each bound and one float32 step beyond it.
  const up = (x: number) => {
    const f = new Float32Array([x]);
    const i = new Int32Array(f.buffer);
    i[0]! += 1;
    return f[0]!;
  };
  const down = (x: number) => {
    const f = new Float32Array([x]);
    const i = new Int32Array(f.buffer);
    i[0]! -= 1;
    return f[0]!;
  };
  const hi = Math.fround(1 + eps);
  const lo = Math.fround(1 - eps);
  it.each([
    { r: hi, a: 1 },
    { r: up(hi), a: 1 },
    { r: down(hi), a: 1 },
    { r: lo, a: -1 },
    { r: down(lo), a: -1 },
    { r: up(lo), a: -1 },
  ])('r = $r, A = $a', ({ r, a }) => {
    const flows = gradientFlows(clipCase(r, a, eps, eps), true);
    expect(gradAt(r, a) !== 0).toBe(flows);
  });
  it('r = float32(1.2) with A > 0 is inside the band (case 1): its gradient flows', () => {
    expect(clipCase(Math.fround(1.2), 1, 0.2, 0.2)).toBe(1);
  });
});
