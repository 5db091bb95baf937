/**
 * The Experiments gallery: questions that users of real trainers (TRL, CleanRL, verl,
 * OpenRLHF, SkyRL) keep asking in their issue trackers, each answered by one or a few runs
 * of this lab. DOM-free, so the page, the CLI (`npm run lab -- --experiment NAME`) and the
 * tests read the same list, and the signal a card promises is the very predicate the tests
 * assert on the engine.
 *
 * Every run sets explicitly each parameter its signal depends on: an experiment must not
 * change meaning when a default does.
 */
import { encodeLink, type Timeline } from './link';
import { defaultConfig, type Config } from './params';
import type { TaskName } from './tasks';

/** One iteration's metrics as a recorded run keeps them (the engine's Metrics, or the scalars a page recorded). */
export type MetricRow = object;
/** Metrics of every run of an experiment, by run id, oldest iteration first. */
export type RunMetrics = Readonly<Record<string, readonly MetricRow[]>>;

export interface ExperimentRun {
  /** Short id, unique within the experiment (the CLI's `--run`, the `run` key of its JSON lines). */
  id: string;
  /** The legend's name for it: what differs from the other runs. */
  label: string;
  /** Differences from the task's defaults; the experiment's `base` comes first. */
  config: Partial<Config>;
  /** Live edits during the run, as a lab link carries them. */
  timeline?: Timeline;
}

export interface SignalResult {
  ok: boolean;
  /** The figures the verdict rests on, in words. */
  measured: string;
}

export interface Experiment {
  /** kebab-case, the `experiment=` of its link. */
  name: string;
  title: string;
  /** The question as users ask it. */
  question: string;
  /** The issue threads it answers, "owner/repo #N" or "trl #N". */
  reports: string[];
  /** Settings shared by every run (each run's own config comes after). */
  base: Partial<Config> & { task: TaskName };
  runs: ExperimentRun[];
  iterations: number;
  /** What to set, in words (the card's "set"). */
  set: string;
  /** Metric keys to watch. */
  watch: string[];
  /** The signal that should appear, in words, and the predicate that checks it. */
  signal: { text: string; check: (runs: RunMetrics) => SignalResult };
  /** Why, in the lab's own words. */
  why: string;
  /** Sections of the PPO deep dive the lab teaches (by heading) that explain it. */
  sections: string[];
  /** Rough wall-clock for all its runs on wasm in headless Chromium (2 shared cores), in seconds. */
  wasmSeconds: number;
}

// ─── Reading metrics ─────────────────────────────────────────────────────────

const valueOf = (m: MetricRow, key: string): unknown => (m as Record<string, unknown>)[key];

/** The values of a metric over a run's iterations (non-numbers skipped). */
export function seriesOf(runs: RunMetrics, run: string, key: string): number[] {
  return (runs[run] ?? []).map((m) => valueOf(m, key)).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}
const arraysOf = (runs: RunMetrics, run: string, key: string): number[][] =>
  (runs[run] ?? []).map((m) => valueOf(m, key)).filter((v): v is number[] => Array.isArray(v));
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
const max = (xs: number[]) => (xs.length ? Math.max(...xs) : NaN);
const min = (xs: number[]) => (xs.length ? Math.min(...xs) : NaN);
const f = (x: number, digits = 3) =>
  Number.isFinite(x) ? (Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(1) : x.toFixed(digits)) : '—';
/** Mean over the last `n` iterations. */
const tail = (xs: number[], n: number) => mean(xs.slice(-n));

// ─── The experiments ────────────────────────────────────────────────────────

/** Most runs use the small transformer and a small batch: seconds per iteration on wasm. */
const SMALL = { model: 'small', seed: 1 } as const;

export const EXPERIMENTS: Experiment[] = [
  {
    name: 'clip-zero',
    title: 'Clip fraction stuck at 0',
    question: 'Why is my clip fraction always 0?',
    reports: ['trl #3120', 'verl #791'],
    base: { ...SMALL, task: 'sort', algo: 'ppo', batch: 16, eps: 0.2, epsHigh: 0, lr: 0.001, earlyStopKl: 0 },
    runs: [
      { id: 'one-pass', label: '1 epoch, 1 minibatch', config: { epochs: 1, minibatches: 1 } },
      { id: 'four-epochs', label: '4 epochs, 2 minibatches', config: { epochs: 4, minibatches: 2 } },
    ],
    iterations: 6,
    set: 'epochs = 1 and minibatches = 1, then epochs = 4 and minibatches = 2; ε = 0.2 in both.',
    watch: ['policy/clipfrac', 'policy/approxkl', 'policy/ratio_max', 'policy/ratio_min'],
    signal: {
      text: 'With one pass over one minibatch every clip fraction is exactly 0 and approx KL is 0 to float error; with 4 epochs the clip fraction is above 0.01 on average.',
      check: (runs) => {
        const one = seriesOf(runs, 'one-pass', 'policy/clipfrac');
        const oneKl = seriesOf(runs, 'one-pass', 'policy/approxkl');
        const four = seriesOf(runs, 'four-epochs', 'policy/clipfrac');
        return {
          ok: one.length > 0 && max(one) === 0 && max(oneKl) < 1e-8 && mean(four) > 0.01,
          measured: `clipfrac 1 pass: max ${f(max(one))}, approx KL max ${f(max(oneKl))}; 4 epochs: mean clipfrac ${f(mean(four))}`,
        };
      },
    },
    why:
      'The ratio compares the policy being updated with the policy that sampled. Before the first gradient step they are the same ' +
      'network, so r = 1 on every token and no token can leave [1 − ε, 1 + ε]. With a single minibatch and a single epoch the only ' +
      'step is taken on r = 1: nothing is ever clipped, and PPO reduces to a plain policy gradient. Clipping only acts on the ' +
      'minibatches that come after a step, which is why several epochs (or several minibatches) are what make it do anything.',
    sections: ["PPO's clipping mechanism (the soft trust region)", 'Importance sampling and where PPO starts to differ'],
    wasmSeconds: 10,
  },
  {
    name: 'ratio-not-one',
    title: 'The ratio is not 1 on the first minibatch',
    question: "The ratio isn't 1 on the first minibatch: is my PPO broken?",
    reports: ['trl #454', 'trl #4159'],
    base: { ...SMALL, task: 'sort', algo: 'ppo', batch: 16, epochs: 1, minibatches: 1, temperature: 0.5, eps: 0.2, lr: 0.001 },
    runs: [
      {
        id: 'bug-then-fix',
        label: 'bug on (τ = 0.5 sampled, τ = 1 in the update), fixed at iteration 4',
        config: { bugTempMismatch: true },
        timeline: [{ iteration: 4, params: { bugTempMismatch: false } }],
      },
    ],
    iterations: 6,
    set: 'temperature = 0.5, one epoch of one minibatch (so r should be exactly 1), and the injected bug bug-temp-mismatch on; a live edit turns the bug off at iteration 4.',
    watch: ['policy/approxkl', 'policy/ratio_min', 'policy/ratio_max', 'policy/clipfrac_cleanrl'],
    signal: {
      text: 'While the bug is on (iterations 1–3) approx KL is above 0.005 and some ratios leave [0.8, 1.2] on the only minibatch; from iteration 4 on, approx KL is 0 to float error.',
      check: (runs) => {
        const kl = seriesOf(runs, 'bug-then-fix', 'policy/approxkl');
        const clip = seriesOf(runs, 'bug-then-fix', 'policy/clipfrac_cleanrl');
        const before = kl.slice(0, 3);
        const after = kl.slice(3);
        return {
          ok: kl.length >= 5 && min(before) > 0.005 && min(clip.slice(0, 3)) > 0 && max(after) < 1e-8,
          measured: `approx KL with the bug: min ${f(min(before))}, share of r outside [0.8, 1.2] min ${f(min(clip.slice(0, 3)))}; after the fix: max ${f(max(after))}`,
        };
      },
    },
    why:
      'r = π_θ/π_old is only 1 when both log-probs are taken from the same distribution. Sampling divides the logits by τ; if the ' +
      'update forgets to, it compares π at τ = 1 with π at τ = 0.5, which are different distributions even with identical weights. ' +
      'The ratios then wander from the first step, the clip cuts gradients that should flow, and approx KL reports a step that was ' +
      'never taken. The fix is to apply the same temperature (and the same top-k/top-p masking) wherever a log-prob is computed.',
    sections: ['Importance sampling and where PPO starts to differ'],
    wasmSeconds: 5,
  },
  {
    name: 'negative-kl',
    title: 'A negative KL',
    question: 'My KL is negative: how can a KL divergence be below zero?',
    reports: ['trl #925', 'trl #1161'],
    base: { ...SMALL, task: 'sort', algo: 'ppo', batch: 16, epochs: 2, minibatches: 2, beta: 0, klMode: 'reward', lr: 0.003 },
    runs: [
      { id: 'k1', label: 'estimator k1 (log-ratio)', config: { klEstimator: 'k1' } },
      { id: 'k3', label: 'estimator k3', config: { klEstimator: 'k3' } },
    ],
    iterations: 8,
    set: 'β = 0 (the estimator then changes nothing in training: both runs train identically), the estimator k1 in one run and k3 in the other.',
    watch: ['kl/ref_by_position', 'kl/ref_exact_by_position', 'kl/ref', 'kl/ref_exact'],
    signal: {
      text: 'With k1 the KL at some completion position (averaged over the batch) goes below 0; with k3, and the exact KL, never.',
      check: (runs) => {
        const k1 = min(arraysOf(runs, 'k1', 'kl/ref_by_position').flat());
        const k3 = min(arraysOf(runs, 'k3', 'kl/ref_by_position').flat());
        const exact = min(arraysOf(runs, 'k1', 'kl/ref_exact_by_position').flat());
        return {
          ok: k1 < -1e-3 && k3 >= 0 && exact >= -1e-6,
          measured: `lowest per-position KL: k1 ${f(k1, 4)}, k3 ${f(k3, 4)}, exact ${f(exact, 4)}`,
        };
      },
    },
    why:
      'k1 is log π(y)/π_ref(y) for the token that was sampled. Its average over many samples from π is the KL, which is never ' +
      'negative; but one token, or a small batch, can easily have π_ref(y) > π(y), and then it is negative. k3 = e^d − 1 − d with ' +
      'd = log π_ref − log π is also unbiased but non-negative sample by sample, and the exact KL sums over the whole vocabulary. ' +
      'A negative k1 average over a large batch is a different matter: it means the tokens were not sampled from π (a mismatch of ' +
      'temperature, top-k or masking between generation and scoring).',
    sections: ['KL regularization and the trust-region view'],
    wasmSeconds: 10,
  },
  {
    name: 'kl-where',
    title: 'KL in the reward or in the loss',
    question: 'Should the KL go in the reward or in the loss? And which estimator?',
    reports: ['SkyRL #1445'],
    base: { ...SMALL, task: 'sort', algo: 'ppo', batch: 16, epochs: 2, minibatches: 2, lr: 0.003, adaptiveBeta: false },
    runs: [
      { id: 'none', label: 'no KL (β = 0)', config: { beta: 0, klMode: 'reward', klEstimator: 'k1' } },
      { id: 'reward-k1', label: 'β = 0.2 in the reward, k1', config: { beta: 0.2, klMode: 'reward', klEstimator: 'k1' } },
      { id: 'loss-k2', label: 'β = 0.2 in the loss, k2', config: { beta: 0.2, klMode: 'loss', klEstimator: 'k2' } },
    ],
    iterations: 10,
    set: 'the same run three times: β = 0; β = 0.2 as a per-token reward penalty with k1 (TRL PPO); β = 0.2 as a loss term with k2.',
    watch: ['kl/ref_exact', 'reward/mean', 'loss/kl'],
    signal: {
      text: 'Both places hold the exact KL to the reference below the run without KL over the last 3 iterations; only the loss run reports loss/kl.',
      check: (runs) => {
        const none = tail(seriesOf(runs, 'none', 'kl/ref_exact'), 3);
        const reward = tail(seriesOf(runs, 'reward-k1', 'kl/ref_exact'), 3);
        const loss = tail(seriesOf(runs, 'loss-k2', 'kl/ref_exact'), 3);
        const lossKl = seriesOf(runs, 'loss-k2', 'loss/kl');
        const rewardKl = seriesOf(runs, 'reward-k1', 'loss/kl');
        return {
          ok: reward < none && loss < none && lossKl.length > 0 && rewardKl.length === 0,
          measured: `exact KL, last 3 iterations: no KL ${f(none)}, in the reward ${f(reward)}, in the loss ${f(loss)}`,
        };
      },
    },
    why:
      'In the reward, −β·KL is paid token by token and flows through the advantages: the critic learns it, GAE spreads it, and the ' +
      'ratio clip bounds its effect. In the loss, β·KL is its own term with its own gradient, untouched by the advantages and the ' +
      'clip. The estimator matters differently in each place: in the reward only its value counts (k1 is unbiased), in the loss its ' +
      'gradient counts, and only k2 has the gradient of KL(π‖π_ref) itself.',
    sections: ['KL regularization and the trust-region view', 'The composite loss you actually optimize'],
    wasmSeconds: 15,
  },
  {
    name: 'grpo-ties',
    title: 'Every group has the same reward',
    question: 'Every group has the same reward: the loss is 0 and nothing learns. Why?',
    reports: ['trl #3857', 'trl #2703'],
    base: {
      ...SMALL,
      task: 'parity',
      algo: 'grpo',
      batch: 32,
      group: 4,
      epochs: 1,
      minibatches: 1,
      klMode: 'loss',
      klEstimator: 'k2',
      beta: 0.05,
    },
    runs: [
      { id: 'cold', label: 'τ = 0.1: the group answers alike', config: { temperature: 0.1 } },
      { id: 'warm', label: 'τ = 1: answers differ', config: { temperature: 1 } },
    ],
    iterations: 6,
    set: 'GRPO, groups of 4, the KL in the loss (so it cannot break ties) with k2; sampling at τ = 0.1 against τ = 1.',
    watch: ['grpo/frac_reward_zero_std', 'optim/grad_norm', 'loss/policy', 'loss/kl'],
    signal: {
      text: 'At τ = 0.1 at least 80% of the groups tie on average and, in iterations where every group ties, the gradient norm (the KL term’s alone) stays below a quarter of the τ = 1 run’s mean.',
      check: (runs) => {
        const ties = seriesOf(runs, 'cold', 'grpo/frac_reward_zero_std');
        const grads = seriesOf(runs, 'cold', 'optim/grad_norm');
        const allTied = grads.filter((_, i) => ties[i] === 1);
        const tiesWarm = mean(seriesOf(runs, 'warm', 'grpo/frac_reward_zero_std'));
        const gWarm = mean(seriesOf(runs, 'warm', 'optim/grad_norm'));
        return {
          ok: mean(ties) >= 0.8 && allTied.length > 0 && max(allTied) < 0.25 * gWarm,
          measured:
            `groups tied: ${f(mean(ties), 2)} at τ = 0.1, ${f(tiesWarm, 2)} at τ = 1; gradient norm when every group ties ` +
            `${allTied.length ? f(max(allTied)) : '— (never)'} against ${f(gWarm)} at τ = 1`,
        };
      },
    },
    why:
      'GRPO scores each completion against the others of its group: A = (R − mean)/std. When the whole group earns the same ' +
      'reward every advantage is 0 and the policy term has no gradient at all; only the KL term is left, which pulls toward the ' +
      'reference and is itself nearly 0 while the policy is still close to it. More samples per prompt, a higher temperature, or ' +
      'prompts of the right difficulty give the groups something to compare. (With the KL in the reward instead, its noise makes ' +
      'tied groups look different, and they "learn" from that noise.)',
    sections: ['Baselines (variance reduction) and "advantage"', 'In PPO specifically'],
    wasmSeconds: 5,
  },
  {
    name: 'approxkl-explodes',
    title: 'approx KL explodes',
    question: 'approx_kl explodes while the clip fraction falls: what is going on?',
    reports: ['openai/baselines #456', 'OpenRLHF #931'],
    base: { ...SMALL, task: 'sort', algo: 'ppo', batch: 16, epochs: 4, minibatches: 2, eps: 0.2, maxGradNorm: 1, earlyStopKl: 0 },
    runs: [
      { id: 'sane', label: 'lr = 0.001', config: { lr: 0.001 } },
      { id: 'hot', label: 'lr = 0.05 (far too high)', config: { lr: 0.05 } },
    ],
    iterations: 6,
    set: 'the same run at lr = 0.001 and at lr = 0.05, 4 epochs of 2 minibatches, no early stop.',
    watch: ['policy/approxkl', 'policy/clipfrac', 'policy/ratio_max', 'policy/ratio_min'],
    signal: {
      text: 'At lr = 0.05 the largest approx KL is at least 10 times that at lr = 0.001.',
      check: (runs) => {
        const sane = max(seriesOf(runs, 'sane', 'policy/approxkl'));
        const hot = max(seriesOf(runs, 'hot', 'policy/approxkl'));
        return { ok: hot > 10 * sane, measured: `largest approx KL: ${f(sane, 4)} at lr 0.001, ${f(hot, 4)} at lr 0.05` };
      },
    },
    why:
      'The clip removes the gradient of tokens whose ratio has left the band in the direction the advantage pushes — it does not ' +
      'stop the other parameters from moving, and Adam takes steps of about lr whatever the gradient. With a step far too large, ' +
      'the tokens that still have a gradient drag the whole distribution with them: ratios end up far outside the band, approx KL ' +
      'grows by orders of magnitude, and the clip fraction can even fall, because once the policy has moved the other way (r far ' +
      'below 1 − ε with A > 0, case 3) the clip no longer applies. Here the policy then collapses onto one answer: its ratios ' +
      'return to 1 and every clip reading to 0, a sign of a wrecked policy, not of a calm one. Lower the learning rate, or stop ' +
      'the epochs early on approx KL.',
    sections: ["PPO's clipping mechanism (the soft trust region)"],
    wasmSeconds: 5,
  },
  {
    name: 'entropy-collapse',
    title: 'Entropy collapses',
    question: 'Entropy collapses and the outputs repeat: how do I keep it up?',
    reports: ['verl #5953'],
    base: { ...SMALL, task: 'sort', algo: 'ppo', batch: 16, epochs: 2, minibatches: 2, lr: 0.001, beta: 0, temperature: 1 },
    runs: [
      { id: 'no-bonus', label: 'ent-coef = 0', config: { entCoef: 0 } },
      { id: 'bonus', label: 'ent-coef = 0.05', config: { entCoef: 0.05 } },
    ],
    iterations: 20,
    set: 'ent-coef = 0 against ent-coef = 0.05, with β = 0 so nothing else holds the policy.',
    watch: ['policy/entropy', 'loss/entropy', 'reward/mean'],
    signal: {
      text: 'Without the bonus the entropy falls by at least 0.1 nats per token from the first 3 iterations to the last 3, and ends at least 0.05 below the run with the bonus.',
      check: (runs) => {
        const none = seriesOf(runs, 'no-bonus', 'policy/entropy');
        const bonus = tail(seriesOf(runs, 'bonus', 'policy/entropy'), 3);
        const start = mean(none.slice(0, 3));
        const end = tail(none, 3);
        return {
          ok: start - end >= 0.1 && bonus - end >= 0.05,
          measured: `entropy without the bonus: ${f(start)} (first 3) → ${f(end)} (last 3); with the bonus, last 3: ${f(bonus)}`,
        };
      },
    },
    why:
      'Policy-gradient steps raise the probability of what was rewarded, and on a task with one right answer that sharpens the ' +
      'distribution until it is nearly deterministic: the same tokens every time, no exploration left, and no more signal for ' +
      'GRPO-style groups. An entropy bonus (−c_ent·H in the loss) pays the policy for keeping some spread; a KL to the reference ' +
      'holds it near the reference’s spread instead.',
    sections: ['The composite loss you actually optimize'],
    wasmSeconds: 15,
  },
  {
    name: 'length-bias',
    title: 'Length bias from the loss averaging',
    question: 'My completions keep getting longer (or shorter): is it the way the loss is averaged?',
    reports: ['trl #3138', 'verl #957'],
    base: {
      ...SMALL,
      task: 'parity',
      algo: 'grpo',
      batch: 32,
      group: 8,
      epochs: 2,
      minibatches: 2,
      lr: 0.003,
      beta: 0,
      klMode: 'loss',
      temperature: 1,
    },
    runs: [
      { id: 'grpo', label: 'loss type grpo (1/|o| per sequence)', config: { lossType: 'grpo' } },
      { id: 'bnpo', label: 'loss type bnpo (mean over tokens)', config: { lossType: 'bnpo' } },
      { id: 'dr_grpo', label: 'loss type dr_grpo (constant normaliser)', config: { lossType: 'dr_grpo' } },
    ],
    iterations: 10,
    set: 'parity under GRPO (reward 1 for the right answer whatever the length), β = 0, loss types grpo, bnpo and dr_grpo.',
    watch: ['completions/mean_length', 'task/filler', 'reward/mean'],
    signal: {
      text: 'The "hmm" filler is shed more slowly under grpo: averaged over the run, task/filler is at least 0.3 tokens higher under grpo than under bnpo and under dr_grpo.',
      check: (runs) => {
        const [grpo, bnpo, dr] = ['grpo', 'bnpo', 'dr_grpo'].map((id) => mean(seriesOf(runs, id, 'task/filler'))) as [
          number,
          number,
          number,
        ];
        return {
          ok: grpo - bnpo >= 0.3 && grpo - dr >= 0.3,
          measured: `mean filler over the run: grpo ${f(grpo, 2)}, bnpo ${f(bnpo, 2)}, dr_grpo ${f(dr, 2)}`,
        };
      },
    },
    why:
      'With 1/|o| per sequence each completion gets the same total weight, spread over its tokens: a long wrong answer is ' +
      'penalised less per token than a short one, so the "hmm"s of wrong answers are pushed down gently, and length drifts ' +
      'differently although the reward ignores it. bnpo and dr_grpo give every token the same weight, so length is no longer a ' +
      'lever for the loss.',
    sections: ['The composite loss you actually optimize'],
    wasmSeconds: 15,
  },
  {
    name: 'reward-hacking',
    title: 'Reward up, outputs worse',
    question: 'The reward goes up but the outputs get worse: what is happening?',
    reports: ['trl #204', 'OpenRLHF #236'],
    base: {
      ...SMALL,
      seed: 2,
      task: 'sentiment',
      algo: 'ppo',
      batch: 16,
      epochs: 2,
      minibatches: 2,
      lr: 0.003,
      klMode: 'reward',
    },
    runs: [
      { id: 'no-guardrail', label: 'β = 0', config: { beta: 0, adaptiveBeta: false } },
      { id: 'guardrail', label: 'β = 0.05', config: { beta: 0.05, adaptiveBeta: false } },
    ],
    iterations: 20,
    set: 'the sentiment task (a lexicon reward that repetition can game) at β = 0 and at β = 0.05, the KL in the reward.',
    watch: ['reward/mean', 'task/grammatical', 'kl/ref_exact'],
    signal: {
      text: 'Over the second half of the run task/grammatical is at least 0.25 lower without the guardrail than with it.',
      check: (runs) => {
        const half = (id: string, key: string) => {
          const xs = seriesOf(runs, id, key);
          return mean(xs.slice(Math.floor(xs.length / 2)));
        };
        const none = half('no-guardrail', 'task/grammatical');
        const kl = half('guardrail', 'task/grammatical');
        return {
          ok: kl - none >= 0.25,
          measured:
            `grammatical, second half: ${f(none, 2)} at β = 0, ${f(kl, 2)} at β = 0.05 ` +
            `(reward ${f(half('no-guardrail', 'reward/mean'), 2)} and ${f(half('guardrail', 'reward/mean'), 2)})`,
        };
      },
    },
    why:
      'The reward is a proxy: here, a count of positive words, which "great great great" maximises. Nothing in the policy ' +
      'gradient knows that such text is bad; only the KL to the reference, which writes grammatical sentences, makes drifting ' +
      'away from its style cost something. Without it the policy finds the exploit; with it the reward rises more slowly and the ' +
      'text stays readable.',
    sections: ['KL regularization and the trust-region view'],
    wasmSeconds: 35,
  },
  {
    name: 'approxkl-which',
    title: 'Which minibatch is approx KL from?',
    question: 'Which minibatch is approx_kl computed on, and which one does early stopping read?',
    reports: ['cleanrl #522'],
    base: { ...SMALL, task: 'sort', algo: 'ppo', batch: 16, epochs: 4, minibatches: 4, lr: 0.001, earlyStopKl: 0 },
    runs: [{ id: 'four-by-four', label: '4 epochs × 4 minibatches', config: {} }],
    iterations: 5,
    set: '4 epochs of 4 minibatches, no early stop; compare policy/approxkl (mean over every minibatch) with policy/approxkl_last (the last one).',
    watch: ['policy/approxkl', 'policy/approxkl_last', 'epochs_run'],
    signal: {
      text: 'Averaged over the run, the last minibatch’s approx KL is at least 1.2 times the mean over all minibatches.',
      check: (runs) => {
        const all = seriesOf(runs, 'four-by-four', 'policy/approxkl');
        const last = seriesOf(runs, 'four-by-four', 'policy/approxkl_last');
        return {
          ok: all.length > 0 && mean(last) >= 1.2 * mean(all),
          measured: `mean over minibatches ${all.map((x) => f(x, 4)).join(', ')}; last minibatch ${last.map((x) => f(x, 4)).join(', ')}`,
        };
      },
    },
    why:
      'The first minibatch of the first epoch is updated from r = 1 exactly, so its approx KL is 0, and each later minibatch ' +
      'sees a policy that has moved further. A mean over every minibatch therefore reads lower than where the update ends up; ' +
      'CleanRL logs the last minibatch’s value, and its early stop compares that with target_kl. A threshold tuned on one ' +
      'definition stops too late or too early under the other: read the ? of early-stop-kl for the one this lab uses.',
    sections: ["PPO's clipping mechanism (the soft trust region)"],
    wasmSeconds: 20,
  },
];

export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}

/** The full config of one of an experiment's runs: the task's defaults, the experiment's base, the run's own settings. */
export function runConfig(e: Experiment, run: ExperimentRun): Config {
  return { ...defaultConfig(e.base.task), ...e.base, ...run.config };
}

/** The ordinary lab link of a run (engine/link.ts), plus the experiment's name. */
export function runLink(e: Experiment, run: ExperimentRun = e.runs[0]!): string {
  return `${encodeLink(runConfig(e, run), run.timeline ?? [])}&view=experiments&experiment=${e.name}`;
}
