import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { Transformer, initTransformerWeights } from '../../src/engine/model';
import { TransformerPair } from '../../src/engine/model-pair';
import { Rng } from '../../src/engine/rng';
import { useBackend } from './helpers';

beforeAll(() => useBackend());

const shape = { vocabSize: 12, contextLength: 11, dModel: 32, layers: 2, heads: 4 };

describe('transformer', () => {
  it('sampling with the KV cache gives the logits and values of a full recomputation', () => {
    const weights = initTransformerWeights(shape, Rng.stream(3, 'init'));
    // A non-zero value head, so the comparison covers the values too.
    weights.set('vhead.w', { shape: [32, 1], data: Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)) });
    weights.set('vhead.b', { shape: [1], data: new Float32Array([0.3]) });
    const model = new Transformer(shape, weights, { trainable: false, valueHead: true });
    const rng = Rng.stream(3, 'sampling');
    const B = 3;
    const P = 4;
    const steps = 5;
    const seq = Array.from({ length: B * (P + steps) }, () => rng.int(0, 11));
    const full = tf.tidy(() => {
      const out = model.forward(tf.tensor2d(seq, [B, P + steps], 'int32'), P - 1);
      return { logits: out.logits.arraySync(), values: out.values!.arraySync() };
    });
    const rows = (from: number, len: number) =>
      Array.from({ length: B }, (_, b) => seq.slice(b * (P + steps) + from, b * (P + steps) + from + len));
    let state = model.prefill(tf.tensor2d(rows(0, P).flat(), [B, P], 'int32'));
    for (let t = 0; t <= steps; t++) {
      const logits = state.logits.arraySync();
      const values = state.values!.arraySync();
      for (let b = 0; b < B; b++) {
        for (let v = 0; v < 12; v++) expect(Math.abs(logits[b]![v]! - full.logits[b]![t]![v]!)).toBeLessThan(1e-5);
        expect(Math.abs(values[b]! - full.values[b]![t]!)).toBeLessThan(1e-5);
      }
      if (t === steps) break;
      const next = model.step(tf.tensor1d(rows(P + t, 1).flat(), 'int32'), P + t, state.cache);
      state = next;
    }
    model.dispose();
  });

  it('is causal: a later token does not change earlier outputs', () => {
    const model = new Transformer(shape, initTransformerWeights(shape, Rng.stream(4, 'init')), {
      trainable: false,
      valueHead: false,
    });
    const a = tf.tidy(() => model.forward(tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], 'int32'), 0).logits.arraySync());
    const b = tf.tidy(() => model.forward(tf.tensor2d([[1, 2, 3, 4, 9]], [1, 5], 'int32'), 0).logits.arraySync());
    expect(a[0]!.slice(0, 4)).toEqual(b[0]!.slice(0, 4));
    expect(a[0]![4]).not.toEqual(b[0]![4]);
    model.dispose();
  });

  it.each([true, false])(
    "the stacked pair gives each model's own outputs (value head: %s), and frees what it made",
    (valueHead) => {
      const policyWeights = initTransformerWeights(shape, Rng.stream(5, 'init'));
      if (valueHead) {
        policyWeights.set('vhead.w', { shape: [32, 1], data: Float32Array.from({ length: 32 }, (_, i) => Math.cos(i)) });
        policyWeights.set('vhead.b', { shape: [1], data: new Float32Array([-0.2]) });
      }
      const policy = new Transformer(shape, policyWeights, { trainable: true, valueHead });
      const reference = new Transformer(shape, initTransformerWeights(shape, Rng.stream(6, 'init')), {
        trainable: false,
        valueHead: false,
      });
      const rng = Rng.stream(5, 'sampling');
      const B = 3;
      const P = 4;
      const prompts = Int32Array.from({ length: B * P }, () => rng.int(0, 11));
      const close = (a: number[], b: number[]) => {
        expect(a.length).toBe(b.length);
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
      };
      // Each model builds and keeps its prompt mask on first use: build them before counting tensors.
      tf.tidy(() => [policy, reference].forEach((m) => m.prefill(tf.tensor2d(prompts, [B, P], 'int32'))));
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const pair = new TransformerPair(policy, reference);
        let both = pair.prefill(prompts, B);
        let pol = policy.prefill(tf.tensor2d(prompts, [B, P], 'int32'));
        let ref = reference.prefill(tf.tensor2d(prompts, [B, P], 'int32'));
        for (let t = 0; t < 4; t++) {
          const [lp, lr] = both.logits.arraySync();
          close(lp!.flat(), pol.logits.arraySync().flat());
          close(lr!.flat(), ref.logits.arraySync().flat());
          if (valueHead) close(Array.from(both.values!.dataSync()), Array.from(pol.values!.dataSync()));
          else expect(both.values).toBeNull();
          const tokens = Int32Array.from({ length: B }, () => rng.int(0, 11));
          both = pair.step(tokens, P + t, both.cache);
          pol = policy.step(tf.tensor1d(tokens, 'int32'), P + t, pol.cache);
          ref = reference.step(tf.tensor1d(tokens, 'int32'), P + t, ref.cache);
        }
        pair.dispose();
      });
      // The stacked weights and the pair's mask are kept past the tidy; dispose frees them.
      expect(tf.memory().numTensors).toBe(before);
      policy.dispose();
      reference.dispose();
    },
  );
});
