import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ppoLoss, type LossSettings, type MinibatchTensors } from '../../src/engine/loss';
import { unpackLoss } from '../../src/engine/metrics';
import { lossWeights, type LossType } from '../../src/engine/minibatch';
import type { PolicyModel } from '../../src/engine/model';
import { stubModel, useBackend } from './helpers';

beforeAll(() => useBackend('cpu'));

const V = 4;

/** A stand-in policy whose outputs are fixed numbers: the loss can then be worked out by hand. */
function fixedModel(logits: number[][][], values: number[][] | null): PolicyModel {
  return stubModel(V, () => ({ logits: tf.tensor3d(logits), values: values ? tf.tensor2d(values) : null }));
}

/** The loss's report as numbers. */
const reportOf = (model: PolicyModel, mb: MinibatchTensors, s: LossSettings) =>
  unpackLoss(ppoLoss(model, mb, s).report.dataSync() as Float32Array);

const settings = (over: Partial<LossSettings> = {}): LossSettings => ({
  clipped: true,
  epsLow: 0.2,
  epsHigh: 0.2,
  critic: false,
  vfCoef: 0,
  vfClip: 0,
  entCoef: 0,
  klInLoss: false,
  klBeta: 0,
  klEstimator: 'k3',
  temperature: 1,
  promptLength: 1,
  ...over,
});

/** Minibatch tensors [b, T] from plain rows; the targets are token 0 everywhere. */
function minibatch(x: {
  lpOld: number[][];
  lpRef?: number[][];
  advantages?: number[][];
  returns?: number[][];
  valuesOld?: number[][];
  lengths: number[];
  lossType?: LossType;
}): MinibatchTensors {
  const b = x.lpOld.length;
  const T = x.lpOld[0]!.length;
  const zeros = x.lpOld.map((row) => row.map(() => 0));
  const w = lossWeights(
    Int32Array.from(x.lengths),
    x.lengths.map((_, i) => i),
    T,
    x.lossType ?? 'grpo',
  );
  return {
    inputs: tf.zeros([b, T], 'int32') as tf.Tensor2D,
    targets: tf.zeros([b * T], 'int32') as tf.Tensor1D,
    lpOld: tf.tensor2d(x.lpOld),
    lpRef: tf.tensor2d(x.lpRef ?? x.lpOld),
    advantages: tf.tensor2d(x.advantages ?? zeros),
    returns: tf.tensor2d(x.returns ?? zeros),
    valuesOld: tf.tensor2d(x.valuesOld ?? zeros),
    mask: tf.tensor2d(
      Uint8Array.from(w.token, (x) => (x > 0 ? 1 : 0)),
      [b, T],
      'bool',
    ),
    policyWeights: tf.tensor2d(w.policy, [b, T]),
    tokenWeights: tf.tensor2d(w.token, [b, T]),
  };
}

/** Uniform logits: every token has log-prob −log V, so lp_new is known exactly. */
const uniform = (b: number, T: number) => Array.from({ length: b }, () => Array.from({ length: T }, () => new Array(V).fill(0)));
const LP = -Math.log(V);

describe('loss weights of the three loss types', () => {
  // Two sequences of lengths 2 and 4 (width 4), advantage +1 on the first and −1 on the second, ratio 1.
  const lengths = [2, 4];
  const advantages = [
    [1, 1, 0, 0],
    [-1, -1, -1, -1],
  ];
  const lpOld = [
    [LP, LP, 0, 0],
    [LP, LP, LP, LP],
  ];

  it('weights per token: grpo 1/(|o|·b), bnpo 1/Σ|o|, dr_grpo 1/(b·T), 0 on padding', () => {
    const l = Int32Array.from(lengths);
    expect(Array.from(lossWeights(l, [0, 1], 4, 'grpo').policy)).toEqual([0.25, 0.25, 0, 0, 0.125, 0.125, 0.125, 0.125]);
    const bnpo = Array.from(lossWeights(l, [0, 1], 4, 'bnpo').policy);
    for (const [k, w] of bnpo.entries()) expect(w).toBeCloseTo(k === 2 || k === 3 ? 0 : 1 / 6, 7);
    expect(Array.from(lossWeights(l, [0, 1], 4, 'dr_grpo').policy)).toEqual([0.125, 0.125, 0, 0, 0.125, 0.125, 0.125, 0.125]);
  });

  it.each([
    // grpo: −(0.25·2 − 0.125·4) = 0: each sequence counts the same, whatever its length.
    ['grpo', 0],
    // bnpo: −(2 − 4)/6: the longer sequence has more tokens, so more say.
    ['bnpo', 1 / 3],
    // dr_grpo: −(2 − 4)/(2·4): a constant normaliser.
    ['dr_grpo', 0.25],
  ] as const)('%s gives the hand-computed policy loss %s', (lossType, expected) => {
    const mb = minibatch({ lpOld, advantages, lengths, lossType });
    const p = reportOf(fixedModel(uniform(2, 4), null), mb, settings());
    expect(p.scalars.policy).toBeCloseTo(expected, 6);
  });
});

describe('value loss', () => {
  // Two tokens. Token 0: V_old 0, V 1, return 1 → unclipped error 0, clipped V 0.2, error 0.64 (the max).
  // Token 1: V_old 0, V 0.1, return 1 → both errors 0.81 (inside the clip range).
  const mb = () => minibatch({ lpOld: [[LP, LP]], returns: [[1, 1]], valuesOld: [[0, 0]], lengths: [2], advantages: [[0, 0]] });
  const model = fixedModel(uniform(1, 2), [[1, 0.1]]);

  it('clipped: ½ · mean of max(unclipped, clipped) squared errors, and the share where clipping won', () => {
    const p = reportOf(model, mb(), settings({ critic: true, vfCoef: 1, vfClip: 0.2 }));
    expect(p.scalars.value).toBeCloseTo(0.5 * ((0.64 + 0.81) / 2), 6);
    expect(p.scalars.valueClipfrac).toBeCloseTo(0.5, 6);
  });

  it('unclipped: ½ · mean squared error', () => {
    const p = reportOf(model, mb(), settings({ critic: true, vfCoef: 1, vfClip: 0 }));
    expect(p.scalars.value).toBeCloseTo(0.5 * ((0 + 0.81) / 2), 6);
    expect(p.scalars.valueClipfrac).toBe(0);
  });
});

describe('padding never makes NaN (issue 8.1)', () => {
  it.each(['k1', 'k2', 'k3'] as const)('KL %s in the loss at temperature 0.1: loss, ratio and gradient finite', (klEstimator) => {
    // One real token and one padding slot. At the padding slot the pad target (token 0) has logit
    // −10, so at τ = 0.1 its log-prob is about −100: e^{0 − lp} overflows float32.
    const logits = tf.variable(
      tf.tensor3d([
        [
          [0, 0, 0, 0],
          [-10, 0, 0, 0],
        ],
      ]),
    );
    const model: PolicyModel = { ...fixedModel([], null), forward: () => ({ logits, values: null }), trainable: [logits] };
    const mb = minibatch({ lpOld: [[LP, 0]], lpRef: [[LP, 0]], advantages: [[1, 0]], lengths: [1] });
    const s = settings({ klInLoss: true, klBeta: 0.1, klEstimator, temperature: 0.1 });
    const { value, grads } = tf.variableGrads(() => ppoLoss(model, mb, s).total, [logits]);
    expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
    for (const g of grads[logits.name]!.dataSync()) expect(Number.isFinite(g)).toBe(true);
    const { ratio } = reportOf(model, mb, s);
    expect(ratio[1]).toBe(1); // exactly 1 on padding
    logits.dispose();
  });
});

describe('the KL term is reported when β = 0 (issue 8.13)', () => {
  it('KL in the loss with β = 0: the term is computed, and adds nothing to the total', () => {
    const logits = [[[1, 0, 0, 0]]];
    const mb = minibatch({ lpOld: [[LP]], lpRef: [[LP]], advantages: [[0]], lengths: [1] });
    const p = reportOf(fixedModel(logits, null), mb, settings({ klInLoss: true, klBeta: 0, klEstimator: 'k2' }));
    // lp = log softmax([1,0,0,0])[0], d = LP − lp; k2 = d²/2.
    const lp = 1 - Math.log(Math.E + 3);
    expect(p.scalars.kl).toBeCloseTo((LP - lp) ** 2 / 2, 5);
    expect(p.scalars.total).toBeCloseTo(p.scalars.policy, 7);
  });
});
