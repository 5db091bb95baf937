/**
 * How much each token of a short and a long completion weighs in the policy loss, per loss
 * type: the engine's own lossWeights (engine/minibatch.ts), called on a two-row minibatch.
 */
import { lossWeights, type LossType } from '../engine/minibatch';

export const LOSS_TYPES: readonly LossType[] = ['grpo', 'bnpo', 'dr_grpo'];

export interface CompletionWeights {
  /** The weight of one token of each completion (every token of a completion weighs the same). */
  perToken: number[];
  /** Each completion's total weight: its share of the loss. */
  perCompletion: number[];
}

export function completionWeights(lengths: readonly number[], maxLength: number, lossType: LossType): CompletionWeights {
  const rows = lengths.map((_, i) => i);
  const { policy } = lossWeights(Int32Array.from(lengths), rows, maxLength, lossType);
  const perToken = rows.map((i) => policy[i * maxLength]!);
  return { perToken, perCompletion: perToken.map((w, i) => w * lengths[i]!) };
}
