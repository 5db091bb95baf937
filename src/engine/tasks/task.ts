/**
 * What a task is: a tokenizer, a prompt generator, a reward function and a supervised
 * dataset for the reference (SFT) model. Tasks are pure and DOM-free; the trainer never
 * looks inside one beyond this interface.
 */
import type { Config } from '../params';
import type { Rng } from '../rng';

export interface Example {
  prompt: number[];
  /** Completion token ids, ending with the task's EOS token when it has one. */
  completion: number[];
}

export interface Task {
  readonly name: string;
  readonly title: string;
  /** One paragraph for the UI: what the model must do and how the reward is computed. */
  readonly description: string;
  /** Token strings; a token's id is its index. */
  readonly vocab: readonly string[];
  /** Id of the token that ends a completion, or null when completions have a fixed length. */
  readonly eos: number | null;
  /** Every prompt of the task has exactly this many tokens (so no attention padding is needed). */
  readonly promptLength: number;
  /** Longest completion the task's checkpoint was built for (its context = promptLength + this). */
  readonly maxCompletion: number;
  /** Completion length used when the config leaves max tokens at 0. */
  readonly defaultMaxTokens: number;
  /** 'table' is the appendix's softmax policy (one logit per token); others use the transformer. */
  readonly model: 'transformer' | 'table';
  /**
   * Where the task needs other settings than the global defaults (the bandit's single table of
   * logits wants a far larger learning rate). Choosing the task starts from these.
   */
  readonly defaults?: Partial<Config>;
  /** Mean reward at which the task counts as learned (the performance target uses it). */
  readonly solvedThreshold: number;
  samplePrompt(rng: Rng): number[];
  /** Reward of a completion (token ids as sampled, EOS included when it was sampled). */
  reward(prompt: readonly number[], completion: readonly number[]): number;
  /** One example of the supervised dataset the reference model is pretrained on. */
  sftExample(rng: Rng): Example;
  /** Extra task-specific measures, averaged over the batch and logged as `task/<name>`. */
  diagnostics?(prompt: readonly number[], completion: readonly number[]): Record<string, number>;
}

/** Completion tokens before the first EOS, and whether an EOS was produced. */
export function untilEos(task: Task, completion: readonly number[]): { body: number[]; ended: boolean } {
  const end = task.eos === null ? -1 : completion.indexOf(task.eos);
  return end < 0 ? { body: [...completion], ended: task.eos === null } : { body: completion.slice(0, end), ended: true };
}
