/**
 * The fused loss (loss.ts): the same forward numbers as the plain ops it replaces, bit for bit, and
 * a closed-form gradient that matches tfjs's autodiff of those ops, for every combination of the
 * settings that change the gradient (clipping, the critic and its clip, the entropy bonus, the KL
 * estimators with β, the temperature), with padding and with ratios on and off the clip edges.
 * The plain version below is the oracle: the loss as tfjs ops, term by term, differentiated by tfjs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { clippedSurrogate, ppoLoss, type LossSettings, type MinibatchTensors } from '../../src/engine/loss';
import { klFromLogDiff } from '../../src/engine/kl';
import { lossWeights } from '../../src/engine/minibatch';
import type { PolicyModel } from '../../src/engine/model';
import { logProbs, pickColumns } from '../../src/engine/ops';
import { Rng } from '../../src/engine/rng';
import { stubModel, useBackend } from './helpers';

beforeAll(() => useBackend('wasm'));

const [b, T, V] = [5, 4, 7];
const lengths = [4, 2, 3, 1, 4];
const rng = Rng.stream(3, 'init');
const randn = (n: number, std = 1) => Array.from({ length: n }, () => rng.normal() * std);

/** The loss as tfjs ops, term by term: what loss.ts computed before its gradient was written by hand. */
function plainLoss(logits: tf.Tensor3D, values: tf.Tensor2D | null, mb: MinibatchTensors, s: LossSettings): tf.Scalar {
  const weighted = (x: tf.Tensor, w: tf.Tensor2D) => x.mul(w).sum() as tf.Scalar;
  const logp = logProbs(logits.reshape([b * T, V]) as tf.Tensor2D, s.temperature);
  const lp = pickColumns(logp, mb.targets).reshape([b, T]) as tf.Tensor2D;
  const onTokens = (x: tf.Tensor2D) => tf.where(mb.mask, x, tf.zerosLike(x));
  const ratio = onTokens(lp.sub(mb.lpOld)).exp() as tf.Tensor2D;
  const surrogate = s.clipped ? clippedSurrogate(ratio, mb.advantages, s.epsLow, s.epsHigh) : ratio.mul(mb.advantages);
  const policy = weighted(surrogate, mb.policyWeights).neg();
  const entropy = weighted(logp.exp().mul(logp).sum(-1).neg().reshape([b, T]), mb.tokenWeights);
  let value = tf.scalar(0);
  if (s.critic && values) {
    const err = values.sub(mb.returns).square();
    if (s.vfClip > 0) {
      const clippedV = mb.valuesOld.add(values.sub(mb.valuesOld).clipByValue(-s.vfClip, s.vfClip));
      value = weighted(tf.maximum(err, clippedV.sub(mb.returns).square()), mb.tokenWeights).mul(0.5);
    } else value = weighted(err, mb.tokenWeights).mul(0.5);
  }
  const kl = s.klInLoss
    ? weighted(klFromLogDiff(onTokens(mb.lpRef.sub(lp) as tf.Tensor2D), s.klEstimator), mb.policyWeights)
    : tf.scalar(0);
  return policy
    .add(value.mul(s.critic ? s.vfCoef : 0))
    .sub(entropy.mul(s.entCoef))
    .add(kl.mul(s.klBeta)) as tf.Scalar;
}

/** A stand-in model whose forward pass returns the given logits and values. */
const modelOf = (logits: tf.Tensor3D, values: tf.Tensor2D | null): PolicyModel => stubModel(V, () => ({ logits, values }));

function minibatch(): MinibatchTensors {
  const w = lossWeights(Int32Array.from(lengths), [0, 1, 2, 3, 4], T, 'grpo');
  const mask = Uint8Array.from(w.token, (x) => (x > 0 ? 1 : 0));
  // lp_old near the policy's own log-probs (ratios near 1, some past the clip edges); 0 on padding as the rollout leaves it.
  const near = (x: number[]) =>
    tf.tensor2d(
      x.map((v, i) => (mask[i] ? v : 0)),
      [b, T],
    );
  return {
    inputs: tf.zeros([b, T], 'int32'),
    targets: tf.tensor1d(
      Array.from({ length: b * T }, () => rng.int(0, V - 1)),
      'int32',
    ),
    lpOld: near(randn(b * T, 0.3).map((x) => x - 2)),
    lpRef: near(randn(b * T, 0.3).map((x) => x - 2)),
    advantages: tf.tensor2d(randn(b * T), [b, T]),
    returns: tf.tensor2d(randn(b * T), [b, T]),
    valuesOld: tf.tensor2d(randn(b * T, 0.5), [b, T]),
    mask: tf.tensor2d(mask, [b, T], 'bool'),
    policyWeights: tf.tensor2d(w.policy, [b, T]),
    tokenWeights: tf.tensor2d(w.token, [b, T]),
  };
}

const base: LossSettings = {
  clipped: true,
  epsLow: 0.2,
  epsHigh: 0.28,
  critic: true,
  vfCoef: 0.5,
  vfClip: 0.2,
  entCoef: 0.01,
  klInLoss: true,
  klBeta: 0.1,
  klEstimator: 'k3',
  temperature: 1,
  promptLength: 1,
};

const cases: [string, Partial<LossSettings>][] = [
  ['PPO: clipped, critic with a clipped value loss, entropy, KL k3 in the loss', {}],
  ['the value loss unclipped', { vfClip: 0 }],
  ['KL k1', { klEstimator: 'k1' }],
  ['KL k2 at temperature 0.7', { klEstimator: 'k2', temperature: 0.7 }],
  ['KL in the loss with β = 0', { klBeta: 0 }],
  ['GRPO: no critic, no entropy bonus', { critic: false, entCoef: 0 }],
  ['REINFORCE: unclipped, no KL in the loss', { clipped: false, klInLoss: false, klBeta: 0, critic: false }],
];

describe('the fused loss', () => {
  for (const [name, over] of cases)
    it(`${name}: same value as the plain ops, and autodiff's gradient`, () => {
      const s = { ...base, ...over };
      const mb = minibatch();
      const logits = tf.tensor3d(randn(b * T * V, 1.5), [b, T, V]);
      const values = s.critic ? tf.tensor2d(randn(b * T), [b, T]) : null;
      const inputs = values ? [logits, values] : [logits];
      const fused = tf.grads(
        (l: tf.Tensor, v?: tf.Tensor) => ppoLoss(modelOf(l as tf.Tensor3D, (v as tf.Tensor2D) ?? null), mb, s).total,
      );
      const plain = tf.grads((l: tf.Tensor, v?: tf.Tensor) => plainLoss(l as tf.Tensor3D, (v as tf.Tensor2D) ?? null, mb, s));
      const got = fused(inputs);
      const want = plain(inputs);
      expect(ppoLoss(modelOf(logits, values), mb, s).total.dataSync()[0]).toBe(plainLoss(logits, values, mb, s).dataSync()[0]);
      got.forEach((g, i) => {
        const x = g.dataSync();
        const y = want[i]!.dataSync();
        const scale = Math.max(...y.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        x.forEach((v, j) => expect(Math.abs(v - y[j]!)).toBeLessThan(1e-5 * scale));
      });
      // Padding positions get no gradient at all.
      const perPosition = got[0]!.sum(-1).dataSync();
      lengths.forEach((len, row) => {
        for (let t = len; t < T; t++) expect(perPosition[row * T + t]).toBe(0);
      });
    });
});
