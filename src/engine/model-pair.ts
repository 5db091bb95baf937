/**
 * The sampler's policy and reference stepped as one model: their weights stacked along a new
 * leading axis (policy at 0, reference at 1), so every op of a sampling step runs once for both
 * (a batched matMul over the pair) instead of once per model. That halves the kernels the
 * rollout dispatches per token; each dispatch has a fixed cost on every backend.
 *
 * Inference only (the sampler never differentiates), and the same computation as
 * `Transformer.prefill`/`step` run on each model (tests/engine/model.test.ts compares them);
 * only float rounding may differ, as batched products sum in the same order per row but the
 * bias is added as its own op rather than inside the matMul.
 *
 * The value head rides along as one more output column of the final projection: the policy's
 * column holds its value weights, the reference's holds zeros (the reference has no value);
 * its bias is added to the policy's column only, after the product.
 */
import * as tf from '@tensorflow/tfjs';
import { causalMask, type KVCache, type Transformer, type TransformerShape } from './model';
import { attention } from './ops';

/** Both models' outputs for the last position of each sequence. */
export type PairStep = {
  /** [2, B, V] raw logits: policy at 0, reference at 1. */
  logits: tf.Tensor3D;
  /** [B] the policy's value estimates, or null when it has no value head (GRPO, REINFORCE). */
  values: tf.Tensor1D | null;
  /** Keys and values per layer, [2B, heads, positions, head size] (policy rows first). */
  cache: KVCache;
};

/** True when `a` and `b` can be stacked: transformers of the same shape. */
export function samePairShape(a: TransformerShape, b: TransformerShape): boolean {
  return (
    a.vocabSize === b.vocabSize &&
    a.contextLength === b.contextLength &&
    a.dModel === b.dModel &&
    a.layers === b.layers &&
    a.heads === b.heads
  );
}

export class TransformerPair {
  private readonly w = new Map<string, tf.Tensor>();
  private readonly shape: TransformerShape;
  private readonly hasValue: boolean;
  /** The prompt's causal mask, by length (prefill only; steps see every cached position). */
  private readonly masks = new Map<number, tf.Tensor2D>();

  /** Stacks the current weights of `policy` and `reference`. Dispose after the rollout. */
  constructor(policy: Transformer, reference: Transformer) {
    if (!samePairShape(policy.shape, reference.shape)) throw new Error('policy and reference differ in shape');
    this.shape = policy.shape;
    const { vocabSize: V, contextLength: T, dModel: D } = this.shape;
    const pw = policy.weights();
    const rw = reference.weights();
    const vhead = policy.valueHead();
    this.hasValue = vhead !== null;
    tf.tidy(() => {
      for (const [name, a] of pw) {
        const b = rw.get(name);
        if (!b) throw new Error(`reference weight ${name} is missing`);
        let s = tf.stack([a, b]);
        // Embedding tables as one [2V, D] table: the reference's ids are offset by V (or T).
        if (name === 'wte') s = s.reshape([2 * V, D]);
        else if (name === 'wpe') s = s.reshape([2 * T, D]);
        // LayerNorm gains and offsets broadcast over the rows of each model: [2, 1, D].
        else if (s.rank === 2) s = s.reshape([2, 1, s.shape[1]!]);
        this.w.set(name, tf.keep(s));
      }
      if (!vhead) return;
      // The final projection with the value column appended: [2, D, V + 1].
      const head = this.w.get('head')!;
      const valueColumn = tf.stack([vhead.w, tf.zerosLike(vhead.w)]);
      this.w.set('head', tf.keep(tf.concat([head, valueColumn], 2)));
      head.dispose();
      this.w.set('vhead.b', tf.keep(vhead.b.clone()));
    });
  }

  private get(name: string): tf.Tensor {
    const t = this.w.get(name);
    if (!t) throw new Error(`stacked weight ${name} is missing`);
    return t;
  }

  private mask(n: number): tf.Tensor2D {
    let m = this.masks.get(n);
    if (!m) this.masks.set(n, (m = causalMask(n)));
    return m;
  }

  private layerNorm(x: tf.Tensor3D, prefix: string): tf.Tensor3D {
    // The same ops, in the same order, as ops.ts `layerNorm`'s forward pass.
    const xc = x.sub(x.mean(-1, true));
    const inv = xc.square().mean(-1, true).add(1e-5).rsqrt();
    return xc
      .mul(inv)
      .mul(this.get(`${prefix}.g`))
      .add(this.get(`${prefix}.b`));
  }

  /** Tokens [B, T] (ids) at positions pos0.. through both models, with the caches `past` (or none). */
  private run(tokens: Int32Array, B: number, T: number, pos0: number, past: KVCache | null): PairStep {
    const { vocabSize: V, contextLength: C, dModel: D, heads: H, layers } = this.shape;
    const hd = D / H;
    const N = B * T;
    // Row r of model g reads token id + g·V and position id + g·C from the stacked tables.
    const ids = new Int32Array(2 * N);
    const pos = new Int32Array(2 * N);
    for (let g = 0; g < 2; g++)
      for (let i = 0; i < N; i++) {
        ids[g * N + i] = tokens[i]! + g * V;
        pos[g * N + i] = pos0 + (i % T) + g * C;
      }
    const idsT = tf.tensor1d(ids, 'int32');
    const posT = tf.tensor1d(pos, 'int32');
    let x = tf
      .gather(this.get('wte'), idsT)
      .add(tf.gather(this.get('wpe'), posT))
      .reshape([2, N, D]) as tf.Tensor3D;
    const cache: KVCache = [];
    for (let l = 0; l < layers; l++) {
      const a = this.layerNorm(x, `h${l}.ln1`);
      // [2, B·T, 3D] → [2B, T, 3H, hd] → [2B, 3H, T, hd], split into q, k, v as in Transformer.attention.
      const qkv = tf
        .matMul(a, this.get(`h${l}.attn.wqkv`) as tf.Tensor3D)
        .add(this.get(`h${l}.attn.bqkv`))
        .reshape([2 * B, T, 3 * H, hd])
        .transpose([0, 2, 1, 3]);
      const [q, kNew, vNew] = tf.split(qkv, 3, 1) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const prev = past?.[l];
      const k = prev ? tf.concat([prev.k, kNew], 2) : kNew;
      const v = prev ? tf.concat([prev.v, vNew], 2) : vNew;
      cache.push({ k, v });
      const y = attention(q, k, v, !prev && T > 1 ? this.mask(T) : null)
        .transpose([0, 2, 1, 3])
        .reshape([2, N, D]);
      x = x.add(tf.matMul(y as tf.Tensor3D, this.get(`h${l}.attn.wo`) as tf.Tensor3D).add(this.get(`h${l}.attn.bo`)));
      const hidden = tf.relu(
        tf.matMul(this.layerNorm(x, `h${l}.ln2`), this.get(`h${l}.mlp.w1`) as tf.Tensor3D).add(this.get(`h${l}.mlp.b1`)),
      ) as tf.Tensor3D;
      x = x.add(tf.matMul(hidden, this.get(`h${l}.mlp.w2`) as tf.Tensor3D).add(this.get(`h${l}.mlp.b2`)));
    }
    const h = this.layerNorm(x, 'lnf');
    // Only each sequence's last position feeds the heads.
    const last =
      T === 1
        ? h
        : h
            .reshape([2, B, T, D])
            .slice([0, 0, T - 1, 0], [2, B, 1, D])
            .reshape([2, B, D]);
    const out = tf.matMul(last as tf.Tensor3D, this.get('head') as tf.Tensor3D) as tf.Tensor3D;
    if (!this.hasValue) return { logits: out, values: null, cache };
    return {
      logits: out.slice([0, 0, 0], [2, B, V]) as tf.Tensor3D,
      values: out.slice([0, 0, V], [1, B, 1]).add(this.get('vhead.b')).reshape([B]) as tf.Tensor1D,
      cache,
    };
  }

  /** Runs the prompts [B × P] and returns both models' last-position outputs and a fresh cache. */
  prefill(prompts: Int32Array, B: number): PairStep {
    return this.run(prompts, B, prompts.length / B, 0, null);
  }

  /** Appends one token per sequence at position `pos`. */
  step(tokens: Int32Array, pos: number, cache: KVCache): PairStep {
    return this.run(tokens, tokens.length, 1, pos, cache);
  }

  dispose(): void {
    for (const t of [...this.w.values(), ...this.masks.values()]) t.dispose();
    this.w.clear();
    this.masks.clear();
  }
}
