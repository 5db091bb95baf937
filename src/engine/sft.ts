/**
 * Supervised fine-tuning of the reference model on a task's dataset: cross-entropy on the
 * completion tokens (prompt tokens are given, not predicted). Deterministic: seeded init
 * and data streams, fixed step count. `npm run pretrain` runs it for every task and size
 * and commits the result, so no student waits for SFT.
 */
import * as tf from '@tensorflow/tfjs';
import { SoftmaxTable, Transformer, initTransformerWeights, type PolicyModel, type WeightMap } from './model';
import { MODEL_SIZES, type ModelSize } from './sizes';
import { logProbs, pickColumns } from './ops';
import { Rng } from './rng';
import type { Task } from './tasks';

export interface SftSettings {
  steps: number;
  batch: number;
  lr: number;
  seed: number;
}

export interface SftResult {
  weights: WeightMap;
  /** Mean token cross-entropy over the last 10% of steps. */
  finalLoss: number;
}

function initialModel(task: Task, size: ModelSize, seed: number): PolicyModel {
  if (task.model === 'table')
    return new SoftmaxTable(task.vocab.length, SoftmaxTable.initWeights(task.vocab.length), {
      trainable: true,
      valueHead: false,
    });
  const shape = { vocabSize: task.vocab.length, contextLength: task.promptLength + task.maxCompletion, ...MODEL_SIZES[size] };
  return new Transformer(shape, initTransformerWeights(shape, Rng.stream(seed, 'init')), { trainable: true, valueHead: false });
}

export async function pretrain(
  task: Task,
  size: ModelSize,
  s: SftSettings,
  onProgress?: (step: number, loss: number) => void,
): Promise<SftResult> {
  const model = initialModel(task, size, s.seed);
  const data = Rng.stream(s.seed, 'sft');
  const optimizer = tf.train.adam(s.lr, 0.9, 0.999, 1e-7);
  const P = task.promptLength;
  const T = task.maxCompletion;
  const pad = task.eos ?? 0;
  const tail: number[] = [];
  try {
    for (let step = 0; step < s.steps; step++) {
      const inputs = new Int32Array(s.batch * (P + T - 1));
      const targets = new Int32Array(s.batch * T).fill(pad);
      const mask = new Float32Array(s.batch * T);
      for (let j = 0; j < s.batch; j++) {
        const ex = task.sftExample(data);
        const seq = [...ex.prompt, ...ex.completion, ...new Array(T).fill(pad)];
        inputs.set(seq.slice(0, P + T - 1), j * (P + T - 1));
        targets.set(ex.completion.slice(0, T), j * T);
        mask.fill(1, j * T, j * T + Math.min(ex.completion.length, T));
      }
      const loss = tf.tidy(() => {
        const x = tf.tensor2d(inputs, [s.batch, P + T - 1], 'int32');
        const y = tf.tensor1d(targets, 'int32');
        const w = tf.tensor1d(mask);
        return optimizer.minimize(
          () => {
            const logits = model.forward(x, P - 1).logits.reshape([s.batch * T, task.vocab.length]) as tf.Tensor2D;
            return pickColumns(logProbs(logits, 1), y).mul(w).sum().div(w.sum()).neg() as tf.Scalar;
          },
          true,
          model.trainable,
        )!;
      });
      const value = (await loss.data())[0]!;
      loss.dispose();
      if (step >= s.steps * 0.9) tail.push(value);
      onProgress?.(step, value);
    }
    const weights: WeightMap = new Map();
    for (const [name, t] of model.weights()) weights.set(name, { shape: t.shape, data: (await t.data()) as Float32Array });
    return { weights, finalLoss: tail.reduce((a, b) => a + b, 0) / tail.length };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
