/**
 * Small tensor helpers with hand-written gradients, so the same graph trains on every
 * tfjs backend: the wasm backend has no UnsortedSegmentSum, which tf.gather's gradient
 * needs, and a scatter-add gradient would run with atomics (non-deterministic) on WebGPU.
 * Both helpers gather in the forward pass and use a one-hot product only in the backward
 * pass, where its cost (N × V for a vocabulary of a few dozen tokens) is that of the
 * gradient itself.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * One-hot rows as float32. Built as int32 then cast: the wasm backend's OneHot returns all
 * zeros when asked for float32 directly (tfjs 4.22), which silently zeroes every gradient.
 */
export function oneHotFloat(ids: tf.Tensor1D, depth: number): tf.Tensor2D {
  return tf.oneHot(ids, depth).cast('float32');
}

/**
 * The lab's one-program gradient of `gatherRows` where a backend registers it (WebGPU,
 * gpu-kernels/webgpu-embedding.ts): inputs dy [N, D] and ids [N], attribute vocab; output [V, D].
 */
export const GATHER_ROWS_GRAD_KERNEL = 'LabGatherRowsGrad';

/** The gradient of rows `ids` of a table of `vocab` rows, dy [N, D] → [vocab, D]: each row, the sum of dy's rows that read it. */
function gatherRowsGrad(dy: tf.Tensor, ids: tf.Tensor, vocab: number): tf.Tensor2D {
  if (tf.getKernel(GATHER_ROWS_GRAD_KERNEL, tf.getBackend()))
    return tf.engine().runKernel(GATHER_ROWS_GRAD_KERNEL, { dy, ids }, { vocab }) as tf.Tensor2D;
  return tf.matMul(oneHotFloat(ids as tf.Tensor1D, vocab), dy as tf.Tensor2D, true, false);
}

/** Rows `ids` of `table` [V, D] → [N, D]; gradient flows to `table`. */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const vocab = table.shape[0];
  const f = tf.customGrad((...args) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    // Saved, not captured: `ids` may be an intermediate that tf.variableGrads frees before the backward pass.
    save([ids]);
    return {
      value: tf.gather(t, ids),
      gradFunc: (dy: tf.Tensor, [savedIds]: tf.Tensor[]) => gatherRowsGrad(dy, savedIds!, vocab),
    };
  });
  return f(table) as tf.Tensor2D;
}

/**
 * The lab's one-program embedding where a backend registers it (WebGPU, gpu-kernels/webgpu-embedding.ts):
 * inputs wte [V, D], wpe [T, D], tokens and positions [N]; output wte[tokens] + wpe[positions].
 */
export const EMBED_KERNEL = 'LabEmbed';

/** Token plus position embeddings, wte[tokens] + wpe[positions] → [N, D]; gradients flow to both tables. */
export function embed(wte: tf.Tensor2D, wpe: tf.Tensor2D, tokens: tf.Tensor1D, positions: tf.Tensor1D): tf.Tensor2D {
  if (!tf.getKernel(EMBED_KERNEL, tf.getBackend())) return addSame(gatherRows(wte, tokens), gatherRows(wpe, positions));
  const f = tf.customGrad((...args) => {
    const [te, pe, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    // Saved, not captured, as in gatherRows.
    save([tokens, positions]);
    return {
      value: tf.engine().runKernel(EMBED_KERNEL, { wte: te, wpe: pe, tokens, positions }) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor, [t, p]: tf.Tensor[]) => [
        gatherRowsGrad(dy, t!, wte.shape[0]),
        gatherRowsGrad(dy, p!, wpe.shape[0]),
      ],
    };
  });
  return f(wte, wpe) as tf.Tensor2D;
}

/** Entry `ids[n]` of each row n of `x` [N, V] → [N]; gradient flows to `x`. */
export function pickColumns(x: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor1D {
  const [rows, cols] = x.shape;
  const f = tf.customGrad((...args) => {
    const t = args[0] as tf.Tensor;
    return {
      value: tf.gather(t.reshape([rows * cols]), tf.range(0, rows * cols, cols, 'int32').add(ids)),
      gradFunc: (dy: tf.Tensor) => oneHotFloat(ids, cols).mul(dy.reshape([rows, 1])),
    };
  });
  return f(x) as tf.Tensor1D;
}

/**
 * x + y for two tensors of one shape (the residual stream, the embeddings' sum), its gradient dy
 * to each. tfjs's Add keeps a copy of both operands for the backward pass and reshapes both
 * gradients, to undo a broadcast that cannot happen here: five kernels where this runs two.
 */
export function addSame<T extends tf.Tensor>(x: T, y: T): T {
  const f = tf.customGrad((a, b) => ({
    value: (a as tf.Tensor).add(b as tf.Tensor),
    // A tensor of its own for each input: the tape disposes a gradient once it adds another to it.
    gradFunc: (dy: tf.Tensor) => [dy, dy.clone()],
  }));
  return f(x, y) as T;
}

/**
 * x reshaped, for use under a gradient tape: tfjs's Reshape keeps a copy of its input (one more
 * kernel) only to read its shape in the backward pass, and that shape is known here.
 */
export function view<T extends tf.Tensor>(x: tf.Tensor, shape: number[]): T {
  const f = tf.customGrad((t) => ({
    value: (t as tf.Tensor).reshape(shape),
    gradFunc: (dy: tf.Tensor) => dy.reshape(x.shape),
  }));
  return f(x) as T;
}

/**
 * Rows start.. of each of the B sequences of L rows in h [B·L, D], as [B·(L − start), D]; the
 * gradient is dy in those rows and zero in the others. By hand, for the same reason as `view`.
 */
export function tailRows(h: tf.Tensor2D, B: number, start: number): tf.Tensor2D {
  const [rows, D] = h.shape;
  const L = rows / B;
  const n = L - start;
  const f = tf.customGrad((t) => ({
    value: (t as tf.Tensor2D)
      .reshape([B, L, D])
      .slice([0, start, 0], [B, n, D])
      .reshape([B * n, D]),
    gradFunc: (dy: tf.Tensor) =>
      dy
        .reshape([B, n, D])
        .pad([
          [0, 0],
          [start, 0],
          [0, 0],
        ])
        .reshape([rows, D]),
  }));
  return f(h) as tf.Tensor2D;
}

/**
 * tf.where(condition, a, b) for three tensors of one shape, as the one kernel it runs (tf.where
 * first broadcasts all three to a common shape: three copies).
 */
export function select<T extends tf.Tensor>(condition: tf.Tensor, a: T, b: T): T {
  return tf.engine().runKernel(tf.Select, { condition, t: a, e: b }) as T;
}

/**
 * log softmax over the last axis as one kernel where a backend registers it (WebGPU,
 * gpu-kernels/webgpu-log-softmax.ts): input x, attribute scale (1/τ); output log softmax(x · scale).
 */
export const LOG_SOFTMAX_KERNEL = 'LabLogSoftmax';

/**
 * log softmax(logits / temperature) over the last axis. Where the lab's kernel runs it, the
 * gradient is tfjs's for log softmax, dy − softmax · Σ dy, times 1/τ.
 */
export function logProbs<T extends tf.Tensor>(logits: T, temperature: number): T {
  if (!tf.getKernel(LOG_SOFTMAX_KERNEL, tf.getBackend()))
    return tf.logSoftmax(temperature === 1 ? logits : logits.mul(1 / temperature)) as T;
  const f = tf.customGrad((...args) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const value = tf.engine().runKernel(LOG_SOFTMAX_KERNEL, { x }, { scale: 1 / temperature }) as tf.Tensor;
    save([value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, [lp]: tf.Tensor[]) => {
        const dz = dy.sub(dy.sum(-1, true).mul(lp!.exp()));
        return temperature === 1 ? dz : dz.mul(1 / temperature);
      },
    };
  });
  return f(logits) as T;
}

/**
 * x [N, K] · w [K, M] + b, then the activation, as the one kernel tfjs fuses it into. Dispatched
 * directly, not through tf.fused.matMul, which reshapes to 3-D and back around it (three more
 * dispatches) and, under a gradient tape, runs the bias and the ReLU as kernels of their own.
 * (On wasm, tfjs's kernel reads 3-D shapes only; the lab's wasm-kernels/matmul.ts takes matrices.)
 */
export function fusedMatMul(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D | null,
  activation: 'linear' | 'relu' = 'linear',
): tf.Tensor2D {
  const operands: tf.NamedTensorMap = b ? { a: x, b: w, bias: b } : { a: x, b: w };
  return tf.engine().runKernel(tf._FusedMatMul, operands, { transposeA: false, transposeB: false, activation }) as tf.Tensor2D;
}

/**
 * x [N, K] @ w [K, M] + b, optionally followed by ReLU, with a hand-written gradient:
 *   dx = g · wᵀ,  dw = xᵀ · g,  db = Σ_rows g,  where g = dy (times ReLU's 0/1 mask).
 * Each is one kernel with the operands as they lie: the products take their transposes as flags
 * (on wasm the lab's kernels do what that needs, wasm-kernels/matmul.ts), and the bias gradient is
 * a sum over rows (wasm-kernels/sum.ts).
 */
export function linear(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D | null,
  activation: 'linear' | 'relu' = 'linear',
): tf.Tensor2D {
  const inputs: tf.Tensor[] = b ? [x, w, b] : [x, w];
  const f = tf.customGrad((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    // args: x, w, the bias if there is one, then the save function.
    const [xi, wi, bi] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    const y = fusedMatMul(xi, wi, b ? bi : null, activation);
    // Saving a tensor copies it (one more kernel each): a weight variable outlives the backward
    // pass and is used as is, and y is needed only for the ReLU's mask.
    save([xi, ...(activation === 'relu' ? [y] : []), ...(w instanceof tf.Variable ? [] : [wi])]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ...rest] = saved as tf.Tensor2D[];
        const ys = activation === 'relu' ? rest.shift() : undefined;
        const ws = w instanceof tf.Variable ? w : rest[0];
        // ReLU's derivative is step(y): 1 where y > 0, 0 where the ReLU cut it (one kernel, no cast;
        // wasm's Sign, which gives the same 0/1 here, is ten times slower).
        const g = (activation === 'relu' ? dy.mul(tf.step(ys!)) : dy) as tf.Tensor2D;
        const grads = [tf.matMul(g, ws!, false, true), tf.matMul(xs!, g, true, false)];
        return b ? [...grads, g.sum(0)] : grads;
      },
    };
  });
  return f(...inputs) as tf.Tensor2D;
}

/**
 * The name of the lab's one-kernel LayerNorm forward pass (wasm-kernels/layer-norm.ts where wasm
 * SIMD runs, cpu-kernels.ts, gpu-kernels/ on WebGL and WebGPU), whose outputs are y, x̂ and 1/σ
 * (on the GPU, x and its row statistics instead, which only the GPU's backward kernel reads).
 */
export const LAYER_NORM_KERNEL = 'LabLayerNorm';
/** Its backward pass as one kernel, where registered: inputs dy, x̂, 1/σ and g; outputs dx and [dg, db]. */
export const LAYER_NORM_GRAD_KERNEL = 'LabLayerNormGrad';

/** LayerNorm's forward pass: y, x̂ and 1/σ [N, 1], by the lab's kernel where the backend has it, else eight plain ops. */
function layerNormForward(x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] {
  if (tf.getKernel(LAYER_NORM_KERNEL, tf.getBackend()))
    return tf.engine().runKernel(LAYER_NORM_KERNEL, { x, g, b }) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const xc = x.sub(x.mean(-1, true));
  const inv = xc.square().mean(-1, true).add(1e-5).rsqrt() as tf.Tensor2D;
  const xhat = xc.mul(inv) as tf.Tensor2D;
  return [xhat.mul(g).add(b), xhat, inv];
}

/** LayerNorm's backward pass: dx and [dg, db] (2·D), by the lab's kernel where the backend has it, else plain ops. */
function layerNormBackward(dy: tf.Tensor2D, xhat: tf.Tensor2D, inv: tf.Tensor2D, g: tf.Tensor1D): [tf.Tensor2D, tf.Tensor1D] {
  if (tf.getKernel(LAYER_NORM_GRAD_KERNEL, tf.getBackend()))
    return tf.engine().runKernel(LAYER_NORM_GRAD_KERNEL, { dy, xhat, inv, g }) as [tf.Tensor2D, tf.Tensor1D];
  const dxhat = dy.mul(g);
  const dx = dxhat
    .sub(dxhat.mean(-1, true))
    .sub(xhat.mul(dxhat.mul(xhat).mean(-1, true)))
    .mul(inv) as tf.Tensor2D;
  const sums = tf.concat([dy.mul(xhat), dy], 1).sum(0) as tf.Tensor1D;
  return [dx, sums];
}

/**
 * LayerNorm over the last axis of x [N, D]: (x − mean) / sqrt(var + 1e-5) · g + b, with a
 * hand-written gradient. Each pass is one of the lab's kernels where the backend registers one (wasm
 * with SIMD, cpu, WebGL, WebGPU), else the plain ops above (which the paired sampler of model-pair.ts
 * mirrors); the backward pass is the closed form, about a dozen plain kernels where
 * tfjs's autodiff of tf.moments runs three times as many and keeps a copy of every intermediate.
 *   dx = inv · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)),  dx̂ = dy · g,  dg = Σ dy · x̂,  db = Σ dy
 * (sums over rows).
 */
export function layerNorm(x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor2D {
  const f = tf.customGrad((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xi, gi, bi] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
    const [y, xhat, inv] = layerNormForward(xi, gi, bi);
    // As in `linear`, a weight variable is used as is rather than saved (copied).
    save(g instanceof tf.Variable ? [xhat, inv] : [xhat, inv, gi]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, iv, gSaved] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D?];
        const [dx, sums] = layerNormBackward(dy as tf.Tensor2D, xh, iv, gSaved ?? g);
        const [dg, db] = tf.split(sums, 2);
        return [dx, dg!, db!];
      },
    };
  });
  return f(x, g, b) as tf.Tensor2D;
}

/**
 * The names of the lab's attention kernels (gpu-kernels/webgpu-attention.ts, WebGPU only). The
 * forward pass reads q, k and v straight from the rows of the qkv projection and writes y in rows,
 * so the transposes, splits, mask and softmax around the two products are not dispatched: outputs y
 * and the probabilities p [B, H, T, S]. The backward pass takes dy, qkv and p and gives dqkv.
 */
export const ATTENTION_KERNEL = 'LabAttention';
export const ATTENTION_GRAD_KERNEL = 'LabAttentionGrad';

/** The sizes of a self-attention over qkv rows: B sequences of S positions, the last T of them querying, in `heads` heads. */
export interface AttentionShape {
  batch: number;
  positions: number;
  queries: number;
  heads: number;
}

/**
 * Causal multi-head self-attention over qkv [B·S, 3W] (each row a position's q, k and v of all
 * heads, W = heads × head size): the last T positions of each sequence attend to every position
 * up to their own; returns y [B·T, W]. T = S is a whole sequence; T = 1 is a sampling step over a
 * cache of rows, which sees every position. By the lab's kernels where the backend has them, else
 * as the plain ops of `attention`, with the additive mask [T, T] that `causalMask` gives (asked for
 * only there: the kernels bound their loops instead).
 */
export function selfAttention(qkv: tf.Tensor2D, shape: AttentionShape, causalMask: (n: number) => tf.Tensor2D): tf.Tensor2D {
  if (tf.getKernel(ATTENTION_KERNEL, tf.getBackend())) return attentionByKernel(qkv, shape);
  const { batch: B, positions: S, queries: T, heads: H } = shape;
  if (T !== S && T !== 1) throw new Error(`selfAttention: ${T} queries of ${S} positions (the plain ops take all or one)`);
  const W = qkv.shape[1] / 3;
  // [B·S, 3W] → [B, S, 3H, hd] → [B, 3H, S, hd], split into q, k, v of H heads each.
  const all = view<tf.Tensor4D>(qkv, [B, S, 3 * H, W / H]).transpose([0, 2, 1, 3]);
  const [qAll, k, v] = tf.split(all, 3, 1) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  const q = T === S ? qAll : qAll.slice([0, 0, S - T, 0], [B, H, T, W / H]);
  return view<tf.Tensor2D>(attention(q, k, v, T > 1 ? causalMask(T) : null).transpose([0, 2, 1, 3]), [B * T, W]);
}

/** `selfAttention` by the lab's kernels, with their backward pass as its gradient. */
function attentionByKernel(qkv: tf.Tensor2D, shape: AttentionShape): tf.Tensor2D {
  const attrs = { ...shape };
  const f = tf.customGrad((...args) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const [y, p] = tf.engine().runKernel(ATTENTION_KERNEL, { qkv: x }, attrs) as [tf.Tensor2D, tf.Tensor4D];
    save([x, p!]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor, [xs, ps]: tf.Tensor[]) =>
        tf.engine().runKernel(ATTENTION_GRAD_KERNEL, { dy, qkv: xs!, p: ps! }, attrs) as tf.Tensor2D,
    };
  });
  return f(qkv) as tf.Tensor2D;
}

/**
 * Causal-or-not attention of q [B, H, T, hd] over k, v [B, H, S, hd] for all heads at once:
 * softmax(q·kᵀ/√hd + mask)·v, with `mask` [T, S] additive (or null). Batched products over
 * heads, and a hand-written gradient that keeps only q, k, v and the probabilities:
 *   dv = pᵀ·dy,  dp = dy·vᵀ,  ds = p ⊙ (dp − Σ dp ⊙ p),  dq = ds·k/√hd,  dk = dsᵀ·q/√hd.
 */
export function attention(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, mask: tf.Tensor2D | null): tf.Tensor4D {
  const scale = 1 / Math.sqrt(q.shape[3]);
  const f = tf.customGrad((...args) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [qi, ki, vi] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const qs = qi.mul(scale) as tf.Tensor4D;
    let s = tf.matMul(qs, ki, false, true);
    if (mask) s = s.add(mask);
    const p = tf.softmax(s);
    save([qs, ki, vi, p]);
    return {
      value: tf.matMul(p, vi),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [qss, ks, vs, ps] = saved as tf.Tensor4D[];
        const d = dy as tf.Tensor4D;
        const dp = tf.matMul(d, vs!, false, true);
        const ds = ps!.mul(dp.sub(dp.mul(ps!).sum(-1, true)));
        return [tf.matMul(ds, ks!).mul(scale), tf.matMul(ds, qss!, true, false), tf.matMul(ps!, d, true, false)];
      },
    };
  });
  return f(q, k, v) as tf.Tensor4D;
}
