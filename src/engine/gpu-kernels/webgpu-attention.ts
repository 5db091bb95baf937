/**
 * Causal self-attention on WebGPU as four programs, two per pass (ops.ts `selfAttention`). The plain
 * ops dispatch ten in the forward pass (a transpose, a split into q, k and v, the scaling, the
 * scores, the mask, the softmax, the second product, the transpose back) and a dozen in the
 * backward pass; here every program reads q, k and v where the qkv projection wrote them, rows of
 * [q of every head | k | v], and writes its result in the layout the next op reads.
 *
 *   forward:   p = softmax(q·kᵀ/√hd) over the positions up to the query's   [B, H, T, S]
 *              y = p·v, in rows                                             [B·T, W]
 *   backward:  ds = p ⊙ (dp − Σ dp ⊙ p),  dp = dy·vᵀ                          [B, H, T, S]
 *              dq = ds·k/√hd,  dk = dsᵀ·q/√hd,  dv = pᵀ·dy, in rows of qkv   [B·S, 3W]
 *
 * Every output element is one invocation that loops over the positions it needs: S is the
 * sequence length (tens of tokens here), so recomputing a row's maximum and sum per element costs
 * less than the dispatches it saves. Causality is the loop bound, not an additive mask: a query at
 * position i reads positions 0..i, and the probabilities past it are exact zeros.
 */
import type * as tf from '@tensorflow/tfjs';
import { ATTENTION_GRAD_KERNEL, ATTENTION_KERNEL, type AttentionShape } from '../ops';
import { runWgsl } from './webgpu';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The sizes a program bakes into its source. */
interface Sizes {
  /** Positions per sequence, queries (the last T positions), heads, head size and row width W. */
  S: number;
  T: number;
  H: number;
  hd: number;
  W: number;
}

/** A float as a WGSL literal (always with a point or an exponent). */
const f32 = (x: number) => (Number.isInteger(x) ? `${x}.0` : `${x}`);

/**
 * Declarations every program starts with: the sizes, and for an element of a [B, H, T, S] tensor
 * its coordinates and the absolute position `tq` of its query.
 */
const prelude = ({ S, T, H, hd, W }: Sizes) => `
    let S = ${S}; let T = ${T}; let H = ${H}; let HD = ${hd}; let W = ${W}; let W3 = ${3 * W};
    let SCALE = ${f32(1 / Math.sqrt(hd))};`;
const scoreCoords = `
    let s = index % S;
    let t = (index / S) % T;
    let h = (index / (S * T)) % H;
    let b = index / (S * T * H);
    let tq = t + S - T;
    let row = ((b * H + h) * T + t) * S;`;

/** `name` = q·k/√hd of the query at tq (its row from q0) and the key at position `r` (q scaled first, as the plain ops do). */
const dot = (name: string, r: string) => `var ${name} = 0.0;
    for (var j = 0; j < HD; j++) { ${name} += qkv[q0 + j] * SCALE * qkv[(b * S + ${r}) * W3 + W + h * HD + j]; }`;

const PROGRAMS = {
  // p [B, H, T, S]: the softmax of the query's scores over positions 0..tq; 0 past it.
  attnP: (z: Sizes) => `${prelude(z)}${scoreCoords}
    if (s > tq) { setOutputAtIndex(index, 0.0); return; }
    let q0 = (b * S + tq) * W3 + h * HD;
    var top = -3.402823e38;
    for (var r = 0; r <= tq; r++) {
      ${dot('x', 'r')}
      top = max(top, x);
    }
    var total = 0.0;
    var mine = 0.0;
    for (var r = 0; r <= tq; r++) {
      ${dot('x', 'r')}
      let e = exp(x - top);
      total += e;
      if (r == s) { mine = e; }
    }
    setOutputAtIndex(index, mine / total);`,
  // y [B·T, W]: Σ over positions of p · v, for the column's head.
  attnY: (z: Sizes) => `${prelude(z)}
    let c = index % W;
    let t = (index / W) % T;
    let b = index / (W * T);
    let h = c / HD;
    let row = ((b * H + h) * T + t) * S;
    var y = 0.0;
    for (var s = 0; s <= t + S - T; s++) { y += p[row + s] * qkv[(b * S + s) * W3 + 2 * W + c]; }
    setOutputAtIndex(index, y);`,
  // ds [B, H, T, S] = p ⊙ (dp − Σ dp ⊙ p), with dp = dy · v over the head's columns.
  attnDs: (z: Sizes) => `${prelude(z)}${scoreCoords}
    if (s > tq) { setOutputAtIndex(index, 0.0); return; }
    let dy0 = (b * T + t) * W + h * HD;
    var mine = 0.0;
    var weighted = 0.0;
    for (var r = 0; r <= tq; r++) {
      let v0 = (b * S + r) * W3 + 2 * W + h * HD;
      var dp = 0.0;
      for (var j = 0; j < HD; j++) { dp += dy[dy0 + j] * qkv[v0 + j]; }
      weighted += dp * p[row + r];
      if (r == s) { mine = dp; }
    }
    setOutputAtIndex(index, p[row + s] * (mine - weighted));`,
  // dqkv [B·S, 3W]: the gradient of each q, k and v entry, in the rows the projection wrote.
  attnDqkv: (z: Sizes) => `${prelude(z)}
    let c = index % W3;
    let s = (index / W3) % S;
    let b = index / (W3 * S);
    let part = c / W;
    let cc = c % W;
    let h = cc / HD;
    var total = 0.0;
    if (part == 0) {
      // dq at position s, a query if it is among the last T: Σ over keys r ≤ s of ds · k.
      let t = s - (S - T);
      if (t < 0) { setOutputAtIndex(index, 0.0); return; }
      let row = ((b * H + h) * T + t) * S;
      for (var r = 0; r <= s; r++) { total += ds[row + r] * qkv[(b * S + r) * W3 + W + cc]; }
      total *= SCALE;
    } else {
      // dk and dv at position s: Σ over the queries that see it (t ≥ s) of ds · q/√hd, or p · dy.
      for (var t = max(0, s - (S - T)); t < T; t++) {
        let at = ((b * H + h) * T + t) * S + s;
        if (part == 1) { total += ds[at] * (qkv[(b * S + t + S - T) * W3 + cc] * SCALE); }
        else { total += p[at] * dy[(b * T + t) * W + cc]; }
      }
    }
    setOutputAtIndex(index, total);`,
};

function sizesOf(qkv: tf.TensorInfo, a: AttentionShape): Sizes {
  const W = qkv.shape[1]! / 3;
  return { S: a.positions, T: a.queries, H: a.heads, hd: W / a.heads, W };
}

const keyOf = (name: string, z: Sizes) => `${name}_${z.S}_${z.T}_${z.H}_${z.hd}`;

function forward(args: KernelArgs): tf.TensorInfo[] {
  const a = args.attrs as unknown as AttentionShape;
  const qkv = args.inputs.qkv!;
  const z = sizesOf(qkv, a);
  const B = a.batch;
  const p = runWgsl(args, keyOf('attnP', z), PROGRAMS.attnP(z), { qkv }, [B, z.H, z.T, z.S]);
  const y = runWgsl(args, keyOf('attnY', z), PROGRAMS.attnY(z), { p, qkv }, [B * z.T, z.W]);
  return [y, p];
}

function backward(args: KernelArgs): tf.TensorInfo {
  const a = args.attrs as unknown as AttentionShape;
  const { dy, qkv, p } = args.inputs as Record<string, tf.TensorInfo>;
  const z = sizesOf(qkv!, a);
  const ds = runWgsl(args, keyOf('attnDs', z), PROGRAMS.attnDs(z), { dy: dy!, qkv: qkv!, p: p! }, [a.batch, z.H, z.T, z.S]);
  const dqkv = runWgsl(args, keyOf('attnDqkv', z), PROGRAMS.attnDqkv(z), { dy: dy!, qkv: qkv!, p: p!, ds }, qkv!.shape);
  (args.backend as tf.KernelBackend).disposeData(ds.dataId);
  return dqkv;
}

export const webgpuAttentionKernels = (): tf.KernelConfig[] => [
  { kernelName: ATTENTION_KERNEL, backendName: 'webgpu', kernelFunc: forward as tf.KernelFunc },
  { kernelName: ATTENTION_GRAD_KERNEL, backendName: 'webgpu', kernelFunc: backward as tf.KernelFunc },
];
