/** The hand-written gradients of ops.ts against tfjs's autodiff of the plain ops they replace. */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { attention, gatherRows, layerNorm, linear } from '../../src/engine/ops';
import { Rng } from '../../src/engine/rng';
import { useBackend } from './helpers';

beforeAll(() => useBackend());

const rng = Rng.stream(11, 'init');
const randn = (shape: number[], std = 1) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal() * std),
    shape,
  );

/** Max |a − b| over every element of two lists of tensors, relative to the largest |a|. */
function relativeGap(a: tf.Tensor[], b: tf.Tensor[]): number {
  let gap = 0;
  let scale = 0;
  a.forEach((t, i) => {
    const x = t.dataSync();
    const y = b[i]!.dataSync();
    expect(y.length).toBe(x.length);
    x.forEach((v, j) => {
      gap = Math.max(gap, Math.abs(v - y[j]!));
      scale = Math.max(scale, Math.abs(v));
    });
  });
  return gap / scale;
}

/** Value and gradients (through a fixed random projection of the output) of f at `inputs`. */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], probe: tf.Tensor) {
  return tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads(
      (...xs: tf.Tensor[]) =>
        f(...xs)
          .mul(probe)
          .sum() as tf.Scalar,
    )(inputs);
    return { out: f(...inputs), value, grads };
  });
}

function plainLayerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return x
    .sub(mean)
    .mul(tf.rsqrt(variance.add(1e-5)))
    .mul(g)
    .add(b);
}

function plainAttention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, mask: tf.Tensor2D | null): tf.Tensor {
  let s = tf.matMul(q.mul(1 / Math.sqrt(q.shape[3])), k, false, true);
  if (mask) s = s.add(mask);
  return tf.matMul(tf.softmax(s), v);
}

describe('fused ops', () => {
  it("layerNorm: the plain ops' output and gradients within float32 rounding (its forward pass is one kernel on wasm)", () => {
    const x = randn([6, 8], 3).add(1);
    const g = randn([8]).add(1);
    const b = randn([8]);
    const probe = randn([6, 8]);
    const fused = valueAndGrads(
      (...t) => layerNorm(t[0] as tf.Tensor2D, t[1] as tf.Tensor1D, t[2] as tf.Tensor1D),
      [x, g, b],
      probe,
    );
    const plain = valueAndGrads((...t) => plainLayerNorm(t[0]!, t[1]!, t[2]!), [x, g, b], probe);
    expect(relativeGap([plain.out], [fused.out])).toBeLessThan(1e-6);
    expect(relativeGap(plain.grads, fused.grads)).toBeLessThan(1e-5);
    // The gradients are not trivially equal because they are zero.
    expect(Math.max(...plain.grads.map((t) => t.abs().max().dataSync()[0]!))).toBeGreaterThan(0.1);
  });

  it('attention: the same output as per-op attention, with and without a causal mask, gradients within rounding', () => {
    const [B, H, T, hd] = [2, 3, 5, 4];
    const q = randn([B, H, T, hd]) as tf.Tensor4D;
    const k = randn([B, H, T, hd]) as tf.Tensor4D;
    const v = randn([B, H, T, hd]) as tf.Tensor4D;
    const mask = tf.linalg
      .bandPart(tf.ones([T, T]), -1, 0)
      .sub(1)
      .mul(1e9) as tf.Tensor2D;
    const probe = randn([B, H, T, hd]);
    for (const m of [mask, null]) {
      const fused = valueAndGrads(
        (...t) => attention(t[0] as tf.Tensor4D, t[1] as tf.Tensor4D, t[2] as tf.Tensor4D, m),
        [q, k, v],
        probe,
      );
      const plain = valueAndGrads(
        (...t) => plainAttention(t[0] as tf.Tensor4D, t[1] as tf.Tensor4D, t[2] as tf.Tensor4D, m),
        [q, k, v],
        probe,
      );
      expect(fused.out.dataSync()).toEqual(plain.out.dataSync());
      expect(relativeGap(plain.grads, fused.grads)).toBeLessThan(1e-5);
    }
  });

  it('linear: gradients of tf.fused.matMul (ReLU or not, weights as variable or as tensor)', () => {
    const x = randn([7, 5]) as tf.Tensor2D;
    const w = randn([5, 3]) as tf.Tensor2D;
    const wVar = tf.variable(w);
    const b = randn([3]) as tf.Tensor1D;
    const probe = randn([7, 3]);
    for (const activation of ['linear', 'relu'] as const) {
      for (const weight of [w, wVar]) {
        const fused = valueAndGrads((xi, bi) => linear(xi as tf.Tensor2D, weight, bi as tf.Tensor1D, activation), [x, b], probe);
        const plain = valueAndGrads((xi, bi) => tf.fused.matMul({ a: xi, b: weight, bias: bi, activation }), [x, b], probe);
        expect(fused.out.dataSync()).toEqual(plain.out.dataSync());
        expect(relativeGap(plain.grads, fused.grads)).toBeLessThan(1e-5);
      }
      // And the weight's own gradient, with the weight as an input.
      const fused = valueAndGrads((xi, wi) => linear(xi as tf.Tensor2D, wi as tf.Tensor2D, null, activation), [x, w], probe);
      const plain = valueAndGrads((xi, wi) => tf.fused.matMul({ a: xi, b: wi, activation }), [x, w], probe);
      expect(relativeGap(plain.grads, fused.grads)).toBeLessThan(1e-5);
    }
    wVar.dispose();
  });

  it('gatherRows: the gradient of a one-hot product, even when the ids are made inside the differentiated function', () => {
    const table = randn([5, 3]);
    const probe = randn([4, 3]);
    const ids = [4, 0, 4, 2];
    // The ids tensor is an intermediate: tf.valueAndGrads frees it before the backward pass runs.
    const fused = valueAndGrads((t) => gatherRows(t as tf.Tensor2D, tf.tensor1d(ids, 'int32')), [table], probe);
    const plain = valueAndGrads((t) => tf.matMul(tf.oneHot(tf.tensor1d(ids, 'int32'), 5).toFloat(), t), [table], probe);
    expect(fused.out.dataSync()).toEqual(plain.out.dataSync());
    expect(relativeGap(plain.grads, fused.grads)).toBeLessThan(1e-6);
  });
});
