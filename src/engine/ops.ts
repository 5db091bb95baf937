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
function oneHotFloat(ids: tf.Tensor1D, depth: number): tf.Tensor2D {
  return tf.oneHot(ids, depth).cast('float32');
}

/** Rows `ids` of `table` [V, D] → [N, D]; gradient flows to `table`. */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const vocab = table.shape[0];
  const f = tf.customGrad((...args) => {
    const t = args[0] as tf.Tensor;
    return {
      value: tf.gather(t, ids),
      gradFunc: (dy: tf.Tensor) => tf.matMul(oneHotFloat(ids, vocab), dy as tf.Tensor2D, true, false),
    };
  });
  return f(table) as tf.Tensor2D;
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

/** log softmax(logits / temperature) over the last axis. */
export function logProbs<T extends tf.Tensor>(logits: T, temperature: number): T {
  return tf.logSoftmax(temperature === 1 ? logits : logits.mul(1 / temperature)) as T;
}

/**
 * x [N, K] @ w [K, M] + b, optionally followed by ReLU, with a hand-written gradient.
 * Why: tfjs's own gradient of matMul multiplies with transpose flags set, and the wasm
 * backend runs flagged matMuls about 15× slower than plain ones (measured: [640,256]·[64,256]ᵀ
 * 16 ms vs 1.3 ms with an explicit transpose). Transposing explicitly keeps every matMul of
 * the backward pass on the fast path; on the other backends the transposes cost little.
 * The bias gradient, a sum over rows, is a product with a row of ones for the same reason:
 * wasm reduces over a leading axis by transposing first ([2048,256]: 3.9 ms against 0.2 ms).
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
    const [xi, wi, bi] = args as tf.Tensor2D[];
    const y = tf.fused.matMul({ a: xi!, b: wi!, bias: b ? bi : undefined, activation });
    save([xi!, wi!, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as tf.Tensor2D[];
        const g = (activation === 'relu' ? dy.mul(ys!.greater(0).cast('float32')) : dy) as tf.Tensor2D;
        const grads = [tf.matMul(g, ws!.transpose()), tf.matMul(xs!.transpose(), g)];
        return b ? [...grads, tf.matMul(tf.ones([1, g.shape[0]]), g).reshape([-1])] : grads;
      },
    };
  });
  return f(...inputs) as tf.Tensor2D;
}
