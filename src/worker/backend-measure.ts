/**
 * The warm-up that `auto` times on each candidate backend: the run's own model size and task
 * shape, a few sampling steps with the KV cache and one gradient of a minibatch, as an iteration
 * does them. The first pass compiles shaders (WebGPU, WebGL) and is not counted; the figure is
 * the second pass, in ms. Weights are random: the time does not depend on their values.
 */
import * as tf from '@tensorflow/tfjs';
import { Transformer, initTransformerWeights } from '../engine/model';
import type { Config } from '../engine/params';
import { Rng } from '../engine/rng';
import { MODEL_SIZES } from '../engine/sizes';
import { TASKS } from '../engine/tasks';

/** Sampling steps in the warm-up: enough to weigh the rollout's many small steps against the update. */
const SAMPLING_STEPS = 4;

export async function measureWarmup(config: Pick<Config, 'task' | 'model' | 'batch' | 'minibatches'>): Promise<number> {
  const task = TASKS[config.task];
  const shape = {
    vocabSize: task.vocab.length,
    contextLength: task.promptLength + task.maxCompletion,
    ...MODEL_SIZES[config.model],
  };
  const model = new Transformer(shape, initTransformerWeights(shape, Rng.stream(0, 'init')), {
    trainable: true,
    valueHead: true,
  });
  const B = config.batch;
  const P = task.promptLength;
  const rows = Math.ceil(B / config.minibatches);
  const L = Math.min(shape.contextLength, P + task.maxCompletion - 1);
  type Step = ReturnType<Transformer['prefill']>;
  // tf.tidy keeps what it returns; its types do not admit a step's nullable value head.
  const tidyStep = (f: () => Step) => tf.tidy(f as () => tf.TensorContainer) as unknown as Step;
  const free = (s: Step) => tf.dispose([s.logits, ...(s.values ? [s.values] : []), ...s.cache.flatMap(({ k, v }) => [k, v])]);
  const pass = async () => {
    let state = tidyStep(() => model.prefill(tf.zeros([B, P], 'int32')));
    for (let t = 0; t < SAMPLING_STEPS; t++) {
      const prev = state;
      state = tidyStep(() => model.step(tf.zeros([B], 'int32'), P + t, prev.cache));
      free(prev);
      // Sampling downloads every step's log-probs: so does the warm-up.
      await state.logits.data();
    }
    free(state);
    const grads = tf.tidy(() => {
      const tokens = tf.zeros([rows, L], 'int32') as tf.Tensor2D;
      const { grads } = tf.variableGrads(() => {
        const out = model.forward(tokens, P - 1);
        return out.logits.logSoftmax().mean().add(out.values!.square().mean()) as tf.Scalar;
      }, model.trainable);
      return tf.concat(Object.values(grads).map((g) => g.reshape([-1])));
    });
    await grads.data();
    grads.dispose();
  };
  try {
    await pass();
    const t0 = performance.now();
    await pass();
    return performance.now() - t0;
  } finally {
    model.dispose();
  }
}
