/**
 * A preference task whose reward can be gamed. The reward is a toy sentiment lexicon:
 * it counts "good" words and cannot tell a review from "great great great great". The
 * reference model writes short grammatical reviews; without the KL guardrail (beta = 0)
 * PPO soon learns to repeat a positive word, and `task/grammatical` shows the cost.
 */
import type { Rng } from '../rng';
import { untilEos, type Task } from './task';

const VOCAB = [
  '.',
  ':',
  'movie',
  'meal',
  'book',
  'the',
  'plot',
  'acting',
  'taste',
  'service',
  'story',
  'ending',
  'was',
  'is',
  'very',
  'quite',
  'good',
  'great',
  'fun',
  'fine',
  'dull',
  'bad',
  'awful',
  'and',
  'but',
] as const;
type Word = (typeof VOCAB)[number];
const id = (w: Word) => VOCAB.indexOf(w);

const EOS = id('.');
const TOPICS: Record<string, Word[]> = {
  movie: ['plot', 'acting', 'ending'],
  meal: ['taste', 'service'],
  book: ['story', 'ending', 'plot'],
};
const VERBS: Word[] = ['was', 'is'];
const ADVERBS: Word[] = ['very', 'quite'];
const ADJECTIVES: Word[] = ['good', 'great', 'fun', 'fine', 'dull', 'bad', 'awful'];
const JOINS: Word[] = ['and', 'but'];
/** The lexicon the reward reads; every other word scores 0. */
const LEXICON: Partial<Record<Word, number>> = { good: 1, great: 1, fun: 1, fine: 0.3, dull: -1, bad: -1, awful: -1 };
/** Reward = clamp(sum of word scores, -MAX_SCORE, MAX_SCORE) / MAX_SCORE, in [-1, 1]. */
const MAX_SCORE = 3;

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(0, xs.length - 1)]!;

/** "the <noun> <verb> [<adverb>] <adj> [<join> <adj>] ." — the grammar of the SFT data. */
function isGrammatical(words: string[], topic: string): boolean {
  const [the, noun, verb, ...rest] = words;
  if (the !== 'the' || !TOPICS[topic]!.includes(noun as Word) || !VERBS.includes(verb as Word)) return false;
  if (ADVERBS.includes(rest[0] as Word)) rest.shift();
  if (!ADJECTIVES.includes(rest.shift() as Word)) return false;
  if (rest.length === 0) return true;
  return rest.length === 2 && JOINS.includes(rest[0] as Word) && ADJECTIVES.includes(rest[1] as Word);
}

export const sentimentTask: Task = {
  name: 'sentiment',
  title: 'Write a positive review (a reward that can be gamed)',
  description:
    'The prompt is a topic ("movie :", "meal :", "book :"); the model writes a one-line review. ' +
    'The reward is a toy sentiment lexicon (good, great, fun +1; fine +0.3; dull, bad, awful -1), ' +
    'summed, clamped to ±3 and scaled to [-1, 1]. It cannot tell a review from a list of praise: ' +
    'watch `task/grammatical` fall when the KL guardrail is off.',
  vocab: VOCAB,
  eos: EOS,
  promptLength: 2,
  maxCompletion: 10,
  defaultMaxTokens: 9,
  model: 'transformer',
  solvedThreshold: 0.6,

  samplePrompt(rng: Rng) {
    return [id(pick(rng, Object.keys(TOPICS)) as Word), id(':')];
  },

  reward(_prompt, completion) {
    const { body, ended } = untilEos(this, completion);
    if (!ended) return -1;
    let score = 0;
    for (const t of body) score += LEXICON[VOCAB[t] as Word] ?? 0;
    return Math.max(-MAX_SCORE, Math.min(MAX_SCORE, score)) / MAX_SCORE;
  },

  sftExample(rng: Rng) {
    const topic = pick(rng, Object.keys(TOPICS));
    const words: Word[] = ['the', pick(rng, TOPICS[topic]!), pick(rng, VERBS)];
    if (rng.uniform() < 0.4) words.push(pick(rng, ADVERBS));
    words.push(pick(rng, ADJECTIVES));
    if (rng.uniform() < 0.4) words.push(pick(rng, JOINS), pick(rng, ADJECTIVES));
    return { prompt: [id(topic as Word), id(':')], completion: [...words.map(id), EOS] };
  },

  diagnostics(prompt, completion) {
    const { body, ended } = untilEos(this, completion);
    const words = body.map((t) => VOCAB[t] ?? '');
    return { grammatical: ended && isGrammatical(words, VOCAB[prompt[0]!]!) ? 1 : 0 };
  },
};
