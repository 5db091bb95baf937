/**
 * The policy: a decoder-only transformer in tfjs core ops, readable in one sitting
 * (after karpathy/nanoGPT). Token + learned position embeddings, pre-LayerNorm blocks
 * of causal multi-head self-attention and an MLP, a final LayerNorm, then two heads:
 * the policy head (next-token logits) and the value head (one scalar per position).
 *
 * Also here: the appendix's softmax "table" policy for the bandit, behind the same
 * interface, and the KV cache the sampler uses (one new position per step).
 *
 * Activations are kept as 2-D [tokens, d_model] between blocks so every projection is
 * one matMul for the whole batch and all heads; they are reshaped only inside attention.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from './rng';
import { addSame, attention, embed, layerNorm, linear, selfAttention, tailRows, view } from './ops';

export interface TransformerShape {
  vocabSize: number;
  /** Longest sequence (prompt + completion) the position embedding covers. */
  contextLength: number;
  dModel: number;
  layers: number;
  heads: number;
}

/** Per-position outputs of a forward pass. */
export type Outputs = {
  /** [B, n, V] raw next-token logits (divide by the temperature before any log-prob). */
  logits: tf.Tensor3D;
  /** [B, n] value estimates, or null for a model without a value head (the reference). */
  values: tf.Tensor2D | null;
};

/** One sampling step's outputs for the last position only. */
export type StepOutputs = {
  logits: tf.Tensor2D; // [B, V]
  values: tf.Tensor1D | null; // [B]
};

/** Keys and values per layer, [B, heads, positions so far, head size]. Owned by the sampler. */
export type KVCache = { k: tf.Tensor4D; v: tf.Tensor4D }[];

export interface PolicyModel {
  readonly kind: 'transformer' | 'table';
  readonly vocabSize: number;
  /** Trainable variables (empty for a frozen reference). */
  readonly trainable: tf.Variable[];
  /** Outputs at positions start..L-1 of `tokens` [B, L] (int32). */
  forward(tokens: tf.Tensor2D, start: number): Outputs;
  /** Runs the prompt [B, P] and returns the last position's outputs and a fresh cache. */
  prefill(prompt: tf.Tensor2D): StepOutputs & { cache: KVCache };
  /** Appends one token per sequence [B] at position `pos`; returns outputs and the grown cache. */
  step(tokens: tf.Tensor1D, pos: number, cache: KVCache): StepOutputs & { cache: KVCache };
  /** Weight values by name, for checkpoints (value head excluded: the reference has none). */
  weights(): Map<string, tf.Tensor>;
  dispose(): void;
}

/** Named weights as the checkpoint stores them. */
export type WeightMap = Map<string, { shape: number[]; data: Float32Array }>;

/** Seeded GPT-2 style initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 * layers). */
export function initTransformerWeights(shape: TransformerShape, rng: Rng): WeightMap {
  const { vocabSize: V, contextLength: T, dModel: D, layers: L } = shape;
  const w: WeightMap = new Map();
  const normal = (name: string, dims: number[], std: number) => {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
    w.set(name, { shape: dims, data });
  };
  const constant = (name: string, dims: number[], value: number) =>
    w.set(name, { shape: dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value) });
  normal('wte', [V, D], 0.02);
  normal('wpe', [T, D], 0.01);
  const residualStd = 0.02 / Math.sqrt(2 * L);
  for (let l = 0; l < L; l++) {
    constant(`h${l}.ln1.g`, [D], 1);
    constant(`h${l}.ln1.b`, [D], 0);
    normal(`h${l}.attn.wqkv`, [D, 3 * D], 0.02);
    constant(`h${l}.attn.bqkv`, [3 * D], 0);
    normal(`h${l}.attn.wo`, [D, D], residualStd);
    constant(`h${l}.attn.bo`, [D], 0);
    constant(`h${l}.ln2.g`, [D], 1);
    constant(`h${l}.ln2.b`, [D], 0);
    normal(`h${l}.mlp.w1`, [D, 4 * D], 0.02);
    constant(`h${l}.mlp.b1`, [4 * D], 0);
    normal(`h${l}.mlp.w2`, [4 * D, D], residualStd);
    constant(`h${l}.mlp.b2`, [D], 0);
  }
  constant('lnf.g', [D], 1);
  constant('lnf.b', [D], 0);
  normal('head', [D, V], 0.02);
  return w;
}

/** Creates variables from weight values; frozen models get non-trainable ones. */
function toVariables(weights: WeightMap, trainable: boolean): Map<string, tf.Variable> {
  const vars = new Map<string, tf.Variable>();
  // In a tidy: the variable keeps the data, the tensor it was made from is freed.
  for (const [name, { shape, data }] of weights)
    vars.set(
      name,
      tf.tidy(() => tf.variable(tf.tensor(data, shape), trainable)),
    );
  return vars;
}

/** Additive causal mask [n, n], kept (the caller disposes it): 0 on and below the diagonal, -1e9 above. */
export function causalMask(n: number): tf.Tensor2D {
  return tf.keep(
    tf.tidy(
      () =>
        tf.linalg
          .bandPart(tf.ones([n, n]), -1, 0)
          .sub(1)
          .mul(1e9) as tf.Tensor2D,
    ),
  );
}

export class Transformer implements PolicyModel {
  readonly kind = 'transformer';
  readonly vocabSize: number;
  readonly trainable: tf.Variable[];
  private readonly p: Map<string, tf.Variable>;
  /** Additive causal masks by sequence length, built once: 0 on and below the diagonal, -1e9 above. */
  private readonly masks = new Map<number, tf.Tensor2D>();

  /**
   * @param valueHead when true the model has a value head (D → 1), zero-initialised so V starts
   *   at 0 unless `weights` bring one; the policy has one, the frozen reference does not.
   */
  constructor(
    readonly shape: TransformerShape,
    weights: WeightMap,
    opts: { trainable: boolean; valueHead: boolean },
  ) {
    this.vocabSize = shape.vocabSize;
    const all: WeightMap = new Map(weights);
    if (opts.valueHead && !all.has('vhead.w')) {
      all.set('vhead.w', { shape: [shape.dModel, 1], data: new Float32Array(shape.dModel) });
      all.set('vhead.b', { shape: [1], data: new Float32Array(1) });
    }
    this.p = toVariables(all, opts.trainable);
    this.trainable = opts.trainable ? [...this.p.values()] : [];
  }

  private w(name: string): tf.Variable {
    const v = this.p.get(name);
    if (!v) throw new Error(`model weight ${name} is missing`);
    return v;
  }

  private w1(name: string): tf.Tensor1D {
    return this.w(name) as tf.Tensor as tf.Tensor1D;
  }

  private w2(name: string): tf.Tensor2D {
    return this.w(name) as tf.Tensor as tf.Tensor2D;
  }

  private mask(length: number): tf.Tensor2D {
    let m = this.masks.get(length);
    if (!m) {
      m = causalMask(length);
      this.masks.set(length, m);
    }
    return m;
  }

  /**
   * Causal self-attention of x [B*T, D] (positions past..past+T-1) over the cached positions plus
   * its own; returns the output and, when `keep`, the keys and values of every position so far.
   */
  private attention(x: tf.Tensor2D, l: number, B: number, T: number, past: KVCache[number] | undefined, keep: boolean) {
    const { dModel: D, heads: H } = this.shape;
    // One matMul for q, k and v of all heads.
    const qkv = linear(x, this.w2(`h${l}.attn.wqkv`), this.w1(`h${l}.attn.bqkv`));
    // A whole sequence with nothing kept (training's forward pass): by the lab's kernels where the
    // backend has them (ops.ts).
    if (!keep)
      return {
        out: this.project(
          selfAttention(qkv, { batch: B, positions: T, queries: T, heads: H }, (n) => this.mask(n)),
          l,
        ),
      };
    // Sampling keeps each head's keys and values, so a step transposes only its own: [B, T, 3H, hd] → [B, 3H, T, hd].
    const [q, kNew, vNew] = tf.split(view<tf.Tensor4D>(qkv, [B, T, 3 * H, D / H]).transpose([0, 2, 1, 3]), 3, 1) as tf.Tensor4D[];
    const k = past ? tf.concat([past.k, kNew!], 2) : kNew!;
    const v = past ? tf.concat([past.v, vNew!], 2) : vNew!;
    // With a cache the new positions are single steps (T = 1) and see everything: no mask.
    const y = view<tf.Tensor2D>(
      attention(q!, k, v, !past && T > 1 ? this.mask(T) : null).transpose([0, 2, 1, 3]), // [B, T, H, hd]
      [B * T, D],
    );
    return { out: this.project(y, l), cache: { k, v } };
  }

  /** Attention's output projection. */
  private project(y: tf.Tensor2D, l: number): tf.Tensor2D {
    return linear(y, this.w2(`h${l}.attn.wo`), this.w1(`h${l}.attn.bo`));
  }

  /**
   * The trunk: embeddings and blocks over the tokens of B sequences of T, row by row ([B·T]), at
   * positions pos0.., after the positions in `cache` (an empty one to start a cache, null to keep
   * none) → [B*T, D] after the final LayerNorm, and the grown cache.
   */
  private trunk(
    tokens: tf.Tensor1D,
    B: number,
    T: number,
    pos0: number,
    cache: KVCache | null,
  ): { h: tf.Tensor2D; cache: KVCache } {
    // Position rows are gathered like token rows (ids pos0.. for every sequence): no slice and no 3-D reshapes.
    const positions = tf.tensor1d(
      Int32Array.from({ length: B * T }, (_, i) => pos0 + (i % T)),
      'int32',
    );
    let x = embed(this.w2('wte'), this.w2('wpe'), tokens, positions);
    const next: KVCache = [];
    for (let l = 0; l < this.shape.layers; l++) {
      const ln1 = layerNorm(x, this.w1(`h${l}.ln1.g`), this.w1(`h${l}.ln1.b`));
      const a = this.attention(ln1, l, B, T, cache?.[l], cache !== null);
      if (a.cache) next.push(a.cache);
      x = addSame(x, a.out);
      // ReLU rather than GELU: fused into the matMul on every backend, and as good at this size.
      const hidden = linear(
        layerNorm(x, this.w1(`h${l}.ln2.g`), this.w1(`h${l}.ln2.b`)),
        this.w2(`h${l}.mlp.w1`),
        this.w1(`h${l}.mlp.b1`),
        'relu',
      );
      x = addSame(x, linear(hidden, this.w2(`h${l}.mlp.w2`), this.w1(`h${l}.mlp.b2`)));
    }
    return { h: layerNorm(x, this.w1('lnf.g'), this.w1('lnf.b')), cache: next };
  }

  private heads(h: tf.Tensor2D): { logits: tf.Tensor2D; values: tf.Tensor1D | null } {
    const logits = linear(h, this.w2('head'), null);
    if (!this.p.has('vhead.w')) return { logits, values: null };
    const values = linear(h, this.w2('vhead.w'), this.w1('vhead.b'));
    return { logits, values: view<tf.Tensor1D>(values, [-1]) };
  }

  forward(tokens: tf.Tensor2D, start: number): Outputs {
    const [B, L] = tokens.shape;
    const n = L - start;
    const { h } = this.trunk(view(tokens, [B * L]), B, L, 0, null);
    // Only positions start.. feed the heads: the prompt's own next-token logits are never used.
    const { logits, values } = this.heads(tailRows(h, B, start));
    return {
      logits: view<tf.Tensor3D>(logits, [B, n, this.vocabSize]),
      values: values ? view<tf.Tensor2D>(values, [B, n]) : null,
    };
  }

  prefill(prompt: tf.Tensor2D) {
    const [B, P] = prompt.shape;
    const D = this.shape.dModel;
    const { h, cache } = this.trunk(view(prompt, [B * P]), B, P, 0, []);
    const last = h
      .reshape([B, P, D])
      .slice([0, P - 1, 0], [B, 1, D])
      .reshape([B, D]) as tf.Tensor2D;
    return { ...this.heads(last), cache };
  }

  step(tokens: tf.Tensor1D, pos: number, cache: KVCache) {
    const { h, cache: next } = this.trunk(tokens, tokens.shape[0], 1, pos, cache);
    return { ...this.heads(h), cache: next };
  }

  /** The value head's weights [D, 1] and bias [1], or null for a model without one. */
  valueHead(): { w: tf.Tensor; b: tf.Tensor } | null {
    const w = this.p.get('vhead.w');
    const b = this.p.get('vhead.b');
    return w && b ? { w, b } : null;
  }

  weights(): Map<string, tf.Tensor> {
    return new Map([...this.p].filter(([name]) => !name.startsWith('vhead.')));
  }

  dispose(): void {
    for (const v of this.p.values()) v.dispose();
    for (const m of this.masks.values()) m.dispose();
    this.masks.clear();
  }
}

/**
 * The appendix's softmax policy: π(x) = softmax(z)_x with one logit z_x per token,
 * whatever the context, and a single learned baseline as its value. Used for the bandit.
 */
export class SoftmaxTable implements PolicyModel {
  readonly kind = 'table';
  readonly trainable: tf.Variable[];
  private readonly z: tf.Variable;
  private readonly v: tf.Variable | null;

  constructor(
    readonly vocabSize: number,
    weights: WeightMap,
    opts: { trainable: boolean; valueHead: boolean },
  ) {
    const z = weights.get('logits');
    this.z = tf.tidy(() => tf.variable(z ? tf.tensor(z.data, z.shape) : tf.zeros([vocabSize]), opts.trainable));
    this.v = opts.valueHead ? tf.tidy(() => tf.variable(tf.zeros([1]), opts.trainable)) : null;
    this.trainable = opts.trainable ? [this.z, ...(this.v ? [this.v] : [])] : [];
  }

  static initWeights(vocabSize: number): WeightMap {
    return new Map([['logits', { shape: [vocabSize], data: new Float32Array(vocabSize) }]]);
  }

  private outputs(B: number, n: number): Outputs {
    const V = this.vocabSize;
    return {
      logits: this.z.reshape([1, 1, V]).tile([B, n, 1]) as tf.Tensor3D,
      values: this.v ? (this.v.reshape([1, 1]).tile([B, n]) as tf.Tensor2D) : null,
    };
  }

  forward(tokens: tf.Tensor2D, start: number): Outputs {
    return this.outputs(tokens.shape[0], tokens.shape[1] - start);
  }

  prefill(prompt: tf.Tensor2D) {
    const { logits, values } = this.outputs(prompt.shape[0], 1);
    return {
      logits: logits.squeeze([1]) as tf.Tensor2D,
      values: values ? (values.reshape([-1]) as tf.Tensor1D) : null,
      cache: [],
    };
  }

  step(tokens: tf.Tensor1D, _pos: number, cache: KVCache) {
    const { logits, values } = this.prefill(tokens.reshape([-1, 1]));
    return { logits, values, cache };
  }

  weights(): Map<string, tf.Tensor> {
    return new Map([['logits', this.z]]);
  }

  dispose(): void {
    this.z.dispose();
    this.v?.dispose();
  }
}
