/**
 * The sampler's policy and reference stepped as one model, so every op of a sampling step runs
 * once for both instead of once per model: half the kernels per token, and each dispatch has a
 * fixed cost on every backend.
 *
 * Layout: the two models sit side by side along the feature axis. Activations are [N, 2D]
 * (policy features, then the reference's); every weight matrix becomes block-diagonal
 * [2K, 2M] (policy block top-left, reference block bottom-right) with the biases joined, so a
 * projection is still one plain 2-D matMul with its bias and ReLU fused: the fast path on every
 * backend (a matMul with a batch of weight matrices runs about 40× slower on wasm: measured
 * [2,384,128]·[2,128,512] 354 ms against 9 ms for two plain products). The zero blocks double
 * the multiply-adds of a sampling step; at the sizes a run offers the per-kernel cost dominates.
 * In attention the reference's heads follow the policy's (2H heads), so one batched product
 * serves both. The value head rides along as one more output column of the final projection.
 *
 * Inference only (the sampler never differentiates). The same computation as
 * `Transformer.prefill`/`step` run on each model, compared in tests/engine/model.test.ts; only
 * float rounding may differ (the zero blocks add exact zeros, but the products sum in their own order).
 */
import * as tf from '@tensorflow/tfjs';
import { causalMask, type Transformer, type TransformerShape } from './model';
import { embed, fusedMatMul, selfAttention } from './ops';

/** The paired LayerNorm as one kernel, where a backend registers it (gpu-kernels/): inputs x [N, 2D], g and b [2, D]; output y. */
export const PAIRED_LAYER_NORM_KERNEL = 'LabPairedLayerNorm';

/** Both models' outputs for the last position of each sequence. */
export type PairStep = {
  /** [2, B, V] raw logits: policy at 0, reference at 1. */
  logits: tf.Tensor3D;
  /** [B] the policy's value estimates, or null when it has no value head (GRPO, REINFORCE). */
  values: tf.Tensor1D | null;
  cache: PairCache;
};

/**
 * The pair's cache: per layer, the qkv projection's rows of every position so far, [B, positions,
 * 6D] (q, k and v, each of both models' heads, as the projection lays them out). The lab's WebGPU
 * attention reads keys and values from these rows where they lie; a step appends its own row.
 */
export type PairCache = tf.Tensor3D[];

/** True when `a` and `b` can be paired: transformers of the same shape. */
export function samePairShape(a: TransformerShape, b: TransformerShape): boolean {
  return (
    a.vocabSize === b.vocabSize &&
    a.contextLength === b.contextLength &&
    a.dModel === b.dModel &&
    a.layers === b.layers &&
    a.heads === b.heads
  );
}

/**
 * Whether pairing is faster on `backend`: it halves the kernels but doubles
 * the multiply-adds. The GPU backends always pair (a dispatch costs more there than these small
 * products); the cpu backend, bound by arithmetic, never does; nor does wasm any more. Before the
 * lab's SIMD kernels (wasm-kernels/) wasm paired up to d = 64, where the dispatches it saved were
 * dear; with them, measured in Node (default config, rollout medians of 12 iterations, idle 2-core
 * machine): small (d = 32) 15.4 and 14.8 ms paired against 14.5 and 15.9 ms apart (a wash), base
 * (d = 64) 34 and 32 ms paired against 27 and 28 ms apart.
 */
export function pairPays(backend: string): boolean {
  return backend === 'webgl' || backend === 'webgpu';
}

/**
 * [[a, 0], [0, b]] for a, b [K, n·M], block by block in n groups of M columns: each group of a's
 * columns is followed by M zero columns, and each of b's preceded by them. With n = 1 the block
 * diagonal; with n = 3 the qkv projection, whose q, k and v each list the policy's heads, then the
 * reference's. Padding each half is one kernel, and stacking the halves by rows joins two runs.
 */
function blockDiagonal(a: tf.Tensor2D, b: tf.Tensor2D, groups = 1): tf.Tensor2D {
  const [K, N] = a.shape;
  const M = N / groups;
  const half = (t: tf.Tensor2D, zerosFirst: boolean) =>
    t
      .reshape([K, groups, M])
      .pad([[0, 0], [0, 0], zerosFirst ? [M, 0] : [0, M]])
      .reshape([K, 2 * N]);
  return tf.concat([half(a, false), half(b, true)], 0) as tf.Tensor2D;
}

export class TransformerPair {
  private readonly w = new Map<string, tf.Tensor>();
  private readonly shape: TransformerShape;
  private readonly hasValue: boolean;
  /** The prompt's causal mask, by length (prefill only; steps see every cached position). */
  private readonly masks = new Map<number, tf.Tensor2D>();

  /** Joins the current weights of `policy` and `reference`. Dispose after the rollout. */
  constructor(policy: Transformer, reference: Transformer) {
    if (!samePairShape(policy.shape, reference.shape)) throw new Error('policy and reference differ in shape');
    this.shape = policy.shape;
    const D = this.shape.dModel;
    const pw = policy.weights();
    const rw = reference.weights();
    const vhead = policy.valueHead();
    this.hasValue = vhead !== null;
    tf.tidy(() => {
      for (const [name, a] of pw) {
        const b = rw.get(name);
        if (!b) throw new Error(`reference weight ${name} is missing`);
        let joined: tf.Tensor;
        if (name === 'wte' || name === 'wpe') {
          // One gather reads both models' embedding rows: [V, 2D].
          joined = tf.concat([a, b], 1);
        } else if (name.endsWith('.attn.wqkv') || name.endsWith('.attn.bqkv')) {
          // Columns as [q_pol, q_ref, k_pol, k_ref, v_pol, v_ref]: q, k and v each list the policy's heads, then the reference's.
          if (a.rank === 2) joined = blockDiagonal(a as tf.Tensor2D, b as tf.Tensor2D, 3);
          else {
            const [qa, ka, va] = tf.split(a, 3);
            const [qb, kb, vb] = tf.split(b, 3);
            joined = tf.concat([qa!, qb!, ka!, kb!, va!, vb!]);
          }
        } else if (a.rank === 2) {
          joined = blockDiagonal(a as tf.Tensor2D, b as tf.Tensor2D);
        } else if (/\.ln\d\.|^lnf\./.test(name)) {
          // LayerNorm gains and offsets, applied to [N, 2, D]: [2, D].
          joined = tf.stack([a, b]);
        } else {
          joined = tf.concat([a, b]);
        }
        this.w.set(name, tf.keep(joined));
      }
      if (!vhead) return;
      // The final projection with the policy's value column appended: [2D, 2V + 1], bias [2V + 1].
      const head = this.w.get('head')!;
      const valueColumn = vhead.w.pad([
        [0, D],
        [0, 0],
      ]);
      this.w.set('head', tf.keep(tf.concat([head, valueColumn], 1)));
      this.w.set('head.b', tf.keep(tf.concat([tf.zeros([2 * this.shape.vocabSize]), vhead.b])));
      head.dispose();
    });
  }

  private get(name: string): tf.Tensor {
    const t = this.w.get(name);
    if (!t) throw new Error(`joined weight ${name} is missing`);
    return t;
  }

  private mask(n: number): tf.Tensor2D {
    let m = this.masks.get(n);
    if (!m) this.masks.set(n, (m = causalMask(n)));
    return m;
  }

  /** x [N, 2K] · w [2K, 2M] + b, ReLU optional: one fused product for both models. */
  private linear(x: tf.Tensor2D, w: string, b: string | null, activation: 'linear' | 'relu' = 'linear'): tf.Tensor2D {
    return fusedMatMul(x, this.get(w) as tf.Tensor2D, b ? (this.get(b) as tf.Tensor1D) : null, activation);
  }

  /**
   * LayerNorm of each model's half of x [N, 2D]: one kernel where the backend has the lab's
   * (gpu-kernels/), else the same ops, in the same order, as ops.ts `layerNorm`'s forward pass.
   */
  private layerNorm(x: tf.Tensor2D, prefix: string): tf.Tensor2D {
    const g = this.get(`${prefix}.g`);
    const b = this.get(`${prefix}.b`);
    if (tf.getKernel(PAIRED_LAYER_NORM_KERNEL, tf.getBackend()))
      return tf.engine().runKernel(PAIRED_LAYER_NORM_KERNEL, { x, g, b }) as tf.Tensor2D;
    const [N, D2] = x.shape;
    const halves = x.reshape([N, 2, D2 / 2]);
    const xc = halves.sub(halves.mean(-1, true));
    const inv = xc.square().mean(-1, true).add(1e-5).rsqrt();
    return xc.mul(inv).mul(g).add(b).reshape([N, D2]) as tf.Tensor2D;
  }

  /** Tokens [B·T] (ids) at positions pos0.. through both models, with the caches `past` (or none). */
  private run(tokens: Int32Array, B: number, T: number, pos0: number, past: PairCache | null): PairStep {
    const { vocabSize: V, dModel: D, heads: H, layers } = this.shape;
    const N = B * T;
    const ids = tf.tensor1d(tokens, 'int32');
    const pos = tf.tensor1d(
      Int32Array.from({ length: N }, (_, i) => pos0 + (i % T)),
      'int32',
    );
    let x = embed(this.get('wte') as tf.Tensor2D, this.get('wpe') as tf.Tensor2D, ids, pos);
    const cache: PairCache = [];
    for (let l = 0; l < layers; l++) {
      // Rows [B·T, 6D] of q, k and v, each with the policy's heads, then the reference's (2H heads).
      const qkv = this.linear(this.layerNorm(x, `h${l}.ln1`), `h${l}.attn.wqkv`, `h${l}.attn.bqkv`);
      const prev = past?.[l];
      const rows = (prev ? tf.concat([prev, qkv.reshape([B, T, 6 * D])], 1) : qkv.reshape([B, T, 6 * D])) as tf.Tensor3D;
      cache.push(rows);
      const S = rows.shape[1];
      const y = selfAttention(
        prev ? (rows.reshape([B * S, 6 * D]) as tf.Tensor2D) : qkv,
        { batch: B, positions: S, queries: T, heads: 2 * H },
        (n) => this.mask(n),
      );
      x = x.add(this.linear(y, `h${l}.attn.wo`, `h${l}.attn.bo`));
      const hidden = this.linear(this.layerNorm(x, `h${l}.ln2`), `h${l}.mlp.w1`, `h${l}.mlp.b1`, 'relu');
      x = x.add(this.linear(hidden, `h${l}.mlp.w2`, `h${l}.mlp.b2`));
    }
    const h = this.layerNorm(x, 'lnf');
    // Only each sequence's last position feeds the heads.
    const last =
      T === 1
        ? h
        : (h
            .reshape([B, T, 2 * D])
            .slice([0, T - 1, 0], [B, 1, 2 * D])
            .reshape([B, 2 * D]) as tf.Tensor2D);
    const out = this.linear(last, 'head', this.hasValue ? 'head.b' : null); // [B, 2V (+1)]
    const logits = (this.hasValue ? out.slice([0, 0], [B, 2 * V]) : out).reshape([B, 2, V]).transpose([1, 0, 2]) as tf.Tensor3D;
    return {
      logits,
      values: this.hasValue ? (out.slice([0, 2 * V], [B, 1]).reshape([B]) as tf.Tensor1D) : null,
      cache,
    };
  }

  /** Runs the prompts [B × P] and returns both models' last-position outputs and a fresh cache. */
  prefill(prompts: Int32Array, B: number): PairStep {
    return this.run(prompts, B, prompts.length / B, 0, null);
  }

  /** Appends one token per sequence at position `pos`. */
  step(tokens: Int32Array, pos: number, cache: PairCache): PairStep {
    return this.run(tokens, tokens.length, 1, pos, cache);
  }

  dispose(): void {
    for (const t of [...this.w.values(), ...this.masks.values()]) t.dispose();
    this.w.clear();
    this.masks.clear();
  }
}
