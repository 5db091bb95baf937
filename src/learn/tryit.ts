/**
 * What each Learn chapter's "Try it in the lab" opens: a task, an algorithm and the settings
 * the chapter is about, as a full config. The button is a lab link (engine/link.ts), so the
 * same run can be shared and replayed; widgets pass the values the student chose.
 */
import { encodeLink } from '../engine/link';
import { checkConfig, defaultConfig, type Config } from '../engine/params';
import { TASKS } from '../engine/tasks';

export interface LabSetup {
  /** What the student should watch once the lab opens. */
  watch: string;
  config: Config;
}

const setup = (watch: string, overrides: Partial<Config>): LabSetup => ({
  watch,
  config: { ...defaultConfig(overrides.task), ...overrides },
});

/** Slider values have float noise (0.1 + 0.2); the link carries them at the parameter's step. */
export const atStep = (x: number, step = 0.001) => Number((Math.round(x / step) * step).toFixed(6));

export const CHAPTER_LABS = {
  1: () => setup('the mean reward climb as the softmax over arms shifts toward D', { task: 'bandit', algo: 'reinforce' }),
  2: () =>
    setup('REINFORCE with the batch-mean baseline on the same bandit', {
      task: 'bandit',
      algo: 'reinforce',
    }),
  3: (gamma = 1, lambda = 0.95, beta = 0.05) =>
    setup('the value chart and the KL chart with your γ, λ and β', {
      task: 'sort',
      algo: 'ppo',
      gamma: atStep(gamma, 0.01),
      lambda: atStep(lambda, 0.01),
      beta: atStep(beta),
    }),
  4: () => setup('the ratio histogram widen over 4 epochs of updates on one batch', { task: 'sort', algo: 'ppo', epochs: 4 }),
  5: (eps = 0.2) => setup('the six cases with your ε', { task: 'sort', algo: 'ppo', eps: atStep(eps, 0.01), epochs: 4 }),
  6: () => setup('reward hacking with no KL guardrail (β = 0): then raise β', { task: 'sentiment', algo: 'ppo', beta: 0 }),
  7: (vfCoef = 0.1, entCoef = 0) =>
    setup('the loss terms with your c_v and c_ent', {
      task: 'sort',
      algo: 'ppo',
      vfCoef: atStep(vfCoef, 0.01),
      entCoef: atStep(entCoef),
    }),
  8: (group = 8) => setup('GRPO on the sort task, G completions per prompt', { task: 'sort', algo: 'grpo', group, batch: 64 }),
} satisfies Record<number, (...args: number[]) => LabSetup>;

export type ChapterNumber = keyof typeof CHAPTER_LABS;

/** The lab link of a setup, after the engine's own checks (a setup that cannot run is a bug). */
export function labLink(s: LabSetup): string {
  const errors = checkConfig(s.config, TASKS[s.config.task].maxCompletion);
  if (errors.length) throw new Error(`Learn: this lab setup cannot run: ${errors.join('; ')}`);
  return `?${encodeLink(s.config)}`;
}
