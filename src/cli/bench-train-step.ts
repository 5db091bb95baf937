/**
 * The bench's train-step figure: one PPO update step (update-step.ts: the composite loss, its
 * gradient, gradient clipping and the packed Adam step) on a minibatch of 64 sequences of 32
 * tokens, for a model of the base shape (d = 64, 2 layers, 4 heads) on a 32-token vocabulary. It is
 * the unit the lab's speed was first compared in against PyTorch on the same CPU, and it does not
 * depend on a task: weights are fresh (seeded), tokens random, the per-token targets synthetic.
 */
import * as tf from '@tensorflow/tfjs';
import { PackedAdam } from '../engine/adam';
import { KernelCounter } from '../engine/kernel-count';
import type { LossSettings, MinibatchTensors } from '../engine/loss';
import { initTransformerWeights, Transformer } from '../engine/model';
import { clipRange, defaultConfig } from '../engine/params';
import { Rng } from '../engine/rng';
import { MODEL_SIZES } from '../engine/sizes';
import { updateStep } from '../engine/update-step';
import { median, round } from './bench-stats';

const SEQUENCES = 64;
const TOKENS = 32;
const VOCAB = 32;

/** A minibatch of SEQUENCES × TOKENS predicted tokens (a one-token prompt), every token counted once. */
function syntheticMinibatch(rng: Rng): MinibatchTensors {
  const n = SEQUENCES * TOKENS;
  const tokens = () => Int32Array.from({ length: n }, () => rng.int(0, VOCAB - 1));
  const around = (mean: number, std: number) => Float32Array.from({ length: n }, () => mean + std * rng.normal());
  const shape: [number, number] = [SEQUENCES, TOKENS];
  return {
    inputs: tf.tensor2d(tokens(), shape, 'int32'),
    targets: tf.tensor1d(tokens(), 'int32'),
    lpOld: tf.tensor2d(around(-Math.log(VOCAB), 0.1), shape),
    lpRef: tf.tensor2d(around(-Math.log(VOCAB), 0.1), shape),
    advantages: tf.tensor2d(around(0, 1), shape),
    returns: tf.tensor2d(around(0, 1), shape),
    valuesOld: tf.tensor2d(around(0, 1), shape),
    mask: tf.ones(shape, 'bool') as tf.Tensor2D,
    policyWeights: tf.fill(shape, 1 / n) as tf.Tensor2D,
    tokenWeights: tf.fill(shape, 1 / n) as tf.Tensor2D,
  };
}

/** Median ms and kernels of one update step on the backend in use, over `steps` steps after `warmup`. */
export async function benchTrainStep(steps: number, warmup: number): Promise<{ ms: number; kernels: number }> {
  const config = defaultConfig('sort');
  const shape = { vocabSize: VOCAB, contextLength: TOKENS, ...MODEL_SIZES.base };
  const rng = Rng.stream(config.seed, 'init');
  const policy = new Transformer(shape, initTransformerWeights(shape, rng), { trainable: true, valueHead: true });
  const optimizer = new PackedAdam(policy.trainable, config.lr, 0.9, 0.999, 1e-7);
  const mb = syntheticMinibatch(rng);
  const settings: LossSettings = {
    clipped: true,
    ...clipRange(config),
    critic: true,
    vfCoef: config.vfCoef,
    vfClip: config.vfClip,
    entCoef: config.entCoef,
    klInLoss: false,
    klBeta: 0,
    klEstimator: 'k1',
    temperature: 1,
    promptLength: 1,
  };
  const counter = new KernelCounter();
  const times: number[] = [];
  const kernels: number[] = [];
  try {
    for (let i = 0; i < warmup + steps; i++) {
      const k0 = counter.total;
      const t0 = performance.now();
      await updateStep(policy, optimizer, mb, settings, config.maxGradNorm, i);
      if (i >= warmup) {
        times.push(performance.now() - t0);
        kernels.push(counter.total - k0);
      }
    }
  } finally {
    counter.dispose();
    tf.dispose(Object.values(mb));
    optimizer.dispose();
    policy.dispose();
  }
  return { ms: round(median(times)), kernels: median(kernels) };
}
