/**
 * Default task: sort the prompt's digits. The SFT data mostly teaches the *format*
 * (answer with a permutation of the prompt's digits, then stop); RL must teach the
 * *objective* (the permutation that is sorted), which is what post-training is for.
 */
import type { Rng } from '../rng';
import { untilEos, type Task } from './task';

const DIGITS = 5;
const SEP = 10;
const EOS = 11;
/** Share of SFT examples that happen to be sorted: the reference starts well below "solved". */
const SFT_SORTED_SHARE = 0.2;

const sorted = (prompt: readonly number[]) => prompt.slice(0, DIGITS).sort((a, b) => a - b);

export const sortTask: Task = {
  name: 'sort',
  title: 'Sort the digits',
  description:
    'The prompt is five digits followed by ">"; the model must answer with the same digits in ' +
    'ascending order, then "." to stop. Partial credit: the share of positions that hold the right ' +
    'digit (a wrong length counts against it); no "." means reward 0. The reference model was ' +
    'pretrained to answer with some permutation of the digits, sorted only a fifth of the time.',
  vocab: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '>', '.'],
  eos: EOS,
  promptLength: DIGITS + 1,
  maxCompletion: DIGITS + 3,
  defaultMaxTokens: DIGITS + 2,
  model: 'transformer',
  solvedThreshold: 0.9,

  samplePrompt(rng: Rng) {
    return [...Array.from({ length: DIGITS }, () => rng.int(0, 9)), SEP];
  },

  reward(prompt, completion) {
    const { body, ended } = untilEos(this, completion);
    if (!ended) return 0;
    const target = sorted(prompt);
    let right = 0;
    for (let i = 0; i < Math.min(body.length, DIGITS); i++) if (body[i] === target[i]) right++;
    return right / Math.max(body.length, DIGITS);
  },

  sftExample(rng: Rng) {
    const prompt = this.samplePrompt(rng);
    const digits = rng.uniform() < SFT_SORTED_SHARE ? sorted(prompt) : rng.permutation(DIGITS).map((i) => prompt[i]!);
    return { prompt, completion: [...digits, EOS] };
  },

  diagnostics(prompt, completion) {
    return { exact: this.reward(prompt, completion) === 1 ? 1 : 0 };
  },
};
