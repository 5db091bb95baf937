/**
 * The appendix's one-step K-armed categorical bandit: the policy is a plain softmax over
 * one logit per arm (the "table" model), the completion is a single token, the reward
 * is the arm's fixed payoff. Small enough to follow every number of the log-derivative
 * trick by hand.
 */
import type { Rng } from '../rng';
import type { Task } from './task';

const ARMS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
const PAYOFF = [0.2, 0.5, 0.1, 0.9, 0.4, 0.3, 0.7, 0.0];
/** The reference's habit: it mostly pulls B (a middling arm), so there is room to improve. */
const SFT_PRIOR = [0.1, 0.4, 0.1, 0.05, 0.1, 0.1, 0.05, 0.1];
const START = ARMS.length;

export const banditTask: Task = {
  name: 'bandit',
  title: 'K-armed bandit (softmax policy)',
  description:
    `One step, ${ARMS.length} arms, a softmax policy with one logit per arm. Payoffs: ` +
    ARMS.map((a, i) => `${a} ${PAYOFF[i]}`).join(', ') +
    '. The reference prefers B. The prompt token "?" only starts the episode; it pays 0 if chosen.',
  vocab: [...ARMS, '?'],
  eos: null,
  promptLength: 1,
  maxCompletion: 1,
  defaultMaxTokens: 1,
  model: 'table',
  // Nine logits and a baseline: Adam's per-step move is about lr per logit, so 1e-3 would take minutes.
  defaults: { lr: 0.05 },
  solvedThreshold: 0.85,

  samplePrompt() {
    return [START];
  },

  reward(_prompt, completion) {
    return PAYOFF[completion[0]!] ?? 0;
  },

  sftExample(rng: Rng) {
    return { prompt: [START], completion: [rng.categorical(SFT_PRIOR)] };
  },
};
