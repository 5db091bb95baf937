/**
 * Floating-point operations of an iteration, counted from the model's matrix products
 * (elementwise ops, softmax and LayerNorm are left out: at this size they are a few
 * percent of the work, though not of the time). The bench divides by wall time to show
 * how far each backend is from the machine's limit.
 */
import { MODEL_SIZES } from './sizes';
import { effective, type Config } from './params';
import { TASKS } from './tasks';

/** Multiply-adds ×2 of one forward pass over `tokens` new tokens that each attend to `context` positions. */
function forwardFlops(d: number, layers: number, vocab: number, tokens: number, context: number, valueHead: boolean): number {
  const perToken = layers * (2 * (3 * d * d + d * d + 8 * d * d) + 4 * context * d) + 2 * d * vocab + (valueHead ? 2 * d : 0);
  return tokens * perToken;
}

export interface IterationFlops {
  rollout: number;
  update: number;
  total: number;
}

/**
 * @param steps sampling steps actually run (the longest completion)
 * @param epochsRun update epochs actually run
 */
export function iterationFlops(config: Config, steps: number, epochsRun: number): IterationFlops {
  const task = TASKS[config.task];
  if (task.model === 'table') return { rollout: 0, update: 0, total: 0 };
  const { dModel: d, layers } = MODEL_SIZES[config.model];
  const V = task.vocab.length;
  const P = task.promptLength;
  const T = effective(config, task).maxTokens;
  const B = config.batch;
  const critic = config.algo === 'ppo';
  // Rollout: prefill the prompt, then one position per step, for the policy and the reference.
  let rollout = 0;
  for (const valueHead of [critic, false]) {
    rollout += forwardFlops(d, layers, V, B * P, P / 2, valueHead);
    for (let s = 1; s < steps; s++) rollout += forwardFlops(d, layers, V, B, P + s, valueHead);
  }
  // Update: forward + backward (≈ 2× forward) over the padded sequences, per epoch.
  const L = P + T - 1;
  const update = 3 * epochsRun * forwardFlops(d, layers, V, B * L, L / 2, critic);
  return { rollout, update, total: rollout + update };
}
