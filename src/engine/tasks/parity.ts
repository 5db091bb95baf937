/**
 * A task where completion length is free but matters to the loss. The model answers
 * whether a digit is even or odd, and may "think out loud" with any number
 * of "hmm" tokens first. The reward ignores the length, yet the loss type does not:
 * with `grpo` (1/|o| per sequence) a long wrong answer is penalised less per token than
 * a short one, so lengths drift; `bnpo` and `dr_grpo` weigh every token alike.
 */
import type { Rng } from '../rng';
import { untilEos, type Task } from './task';

const Q = 10;
const HMM = 11;
const EVEN = 12;
const ODD = 13;
const EOS = 14;
const MAX_FILLER = 6;
const SFT_RIGHT_SHARE = 0.65;

const answer = (prompt: readonly number[]) => (prompt[0]! % 2 === 0 ? EVEN : ODD);

export const parityTask: Task = {
  name: 'parity',
  title: 'Even or odd, with optional "hmm"s (length bias)',
  description:
    'The prompt is a digit and "?"; the model answers "even" or "odd", then "." — ' +
    'optionally after any number of "hmm" tokens. Reward 1 for the right answer, 0 otherwise: ' +
    'length earns nothing. Compare `completions/mean_length` under the loss types grpo (1/|o|), ' +
    'bnpo and dr_grpo.',
  vocab: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '?', 'hmm', 'even', 'odd', '.'],
  eos: EOS,
  promptLength: 2,
  maxCompletion: 12,
  defaultMaxTokens: 10,
  model: 'transformer',
  solvedThreshold: 0.9,

  samplePrompt(rng: Rng) {
    return [rng.int(0, 9), Q];
  },

  reward(prompt, completion) {
    const { body, ended } = untilEos(this, completion);
    const said = body.filter((t) => t !== HMM);
    return ended && said.length === 1 && said[0] === answer(prompt) ? 1 : 0;
  },

  sftExample(rng: Rng) {
    const prompt = this.samplePrompt(rng);
    const filler = Array.from({ length: rng.int(0, MAX_FILLER) }, () => HMM);
    // The reference is right only 65% of the time, so RL has something to learn.
    const right = answer(prompt);
    return { prompt, completion: [...filler, rng.uniform() < SFT_RIGHT_SHARE ? right : EVEN + ODD - right, EOS] };
  },

  diagnostics(_prompt, completion) {
    return { filler: untilEos(this, completion).body.filter((t) => t === HMM).length };
  },
};
