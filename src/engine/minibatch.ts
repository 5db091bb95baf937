/**
 * Builds the tensors of one minibatch from the rollout arrays, including the loss-type
 * weights that say how per-token terms are averaged (TRL's `loss_type` names):
 *   grpo:    1 / (|o_i| · b)      — per-sequence mean, then mean over sequences (the seed's 1/|o|)
 *   bnpo:    1 / Σ_i |o_i|        — mean over all completion tokens of the minibatch
 *   dr_grpo: 1 / (b · max tokens) — a constant, so no length bias at all
 */
import * as tf from '@tensorflow/tfjs';
import type { MinibatchTensors } from './loss';
import type { Rollout } from './rollout';

export type LossType = 'grpo' | 'bnpo' | 'dr_grpo';

/** Per-token data of the update, [n × T] like the rollout. */
export interface UpdateTargets {
  advantages: Float32Array;
  returns: Float32Array;
}

export function lossWeights(
  lengths: Int32Array,
  rows: readonly number[],
  width: number,
  lossType: LossType,
): { policy: Float32Array; token: Float32Array } {
  const b = rows.length;
  const tokens = rows.reduce((s, i) => s + lengths[i]!, 0);
  const policy = new Float32Array(b * width);
  const token = new Float32Array(b * width);
  rows.forEach((i, j) => {
    const len = lengths[i]!;
    const w = lossType === 'grpo' ? 1 / (len * b) : lossType === 'bnpo' ? 1 / tokens : 1 / (b * width);
    policy.fill(w, j * width, j * width + len);
    token.fill(1 / tokens, j * width, j * width + len);
  });
  return { policy, token };
}

/** Gathers rows of an [n × width] array. */
export function takeRows<A extends Float32Array | Int32Array>(a: A, rows: readonly number[], width: number): A {
  const out = new (a.constructor as new (n: number) => A)(rows.length * width);
  rows.forEach((i, j) => out.set(a.subarray(i * width, (i + 1) * width), j * width));
  return out;
}

export function buildMinibatch(r: Rollout, u: UpdateTargets, rows: readonly number[], lossType: LossType): MinibatchTensors {
  const b = rows.length;
  const { promptLength: P, width: T } = r;
  const L = P + T - 1;
  const inputs = new Int32Array(b * L);
  rows.forEach((i, j) => {
    inputs.set(r.prompts.subarray(i * P, (i + 1) * P), j * L);
    inputs.set(r.tokens.subarray(i * T, i * T + T - 1), j * L + P);
  });
  const w = lossWeights(r.lengths, rows, T, lossType);
  const t2 = (a: Float32Array) => tf.tensor2d(takeRows(a, rows, T), [b, T]);
  return {
    inputs: tf.tensor2d(inputs, [b, L], 'int32'),
    targets: tf.tensor1d(takeRows(r.tokens, rows, T), 'int32'),
    lpOld: t2(r.lpOld),
    lpRef: t2(r.lpRef),
    advantages: t2(u.advantages),
    returns: t2(u.returns),
    valuesOld: t2(r.values),
    mask: tf.tensor2d(
      Uint8Array.from(w.token, (x) => (x > 0 ? 1 : 0)),
      [b, T],
      'bool',
    ),
    policyWeights: tf.tensor2d(w.policy, [b, T]),
    tokenWeights: tf.tensor2d(w.token, [b, T]),
  };
}
