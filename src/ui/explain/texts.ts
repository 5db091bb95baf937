/**
 * The one-click explanations of every chart and panel. Each says, in the lab's own words, what
 * is plotted and how to read it, and names the section of the PPO deep dive the lab teaches
 * (the reference text; the Learn view retells it) it illustrates by its heading; `metrics` names the engine's
 * metric keys plotted, as real trainers log them (public/docs/algorithms.md). The ranges called
 * typical are the ones the lab's defaults produce (measured: README, "What changed in the defaults").
 */
export interface Explanation {
  title: string;
  /** What is drawn and how to read it: short paragraphs. */
  body: string[];
  /** The section of the deep dive the chart illustrates, by its heading. */
  seed: string;
  metrics?: string[];
}

/** How a section of the deep dive is cited. */
const section = (heading: string) => `see the section “${heading}”.`;

export const EXPLAIN = {
  ratio: {
    title: 'Ratio histogram',
    body: [
      'Each update token of this iteration, counted by its ratio r = π_θ(token) / π_old(token), taken from the forward pass just before each gradient step. Choose an epoch to watch the spread grow as the update drifts away from the policy that sampled the batch.',
      'The shaded band is [1 − ε, 1 + ε_high]. Its two edges are always bin edges, so each bar is wholly inside the band or wholly outside it. The band follows the ε sliders at once; a dashed pair of lines marks the band the iteration actually used when the two differ.',
      'With 1 epoch and 1 minibatch every ratio is 1 up to float rounding (|r − 1| ≤ about 1e-6): sampling used a key-value cache and the update a full pass, the same function computed in another order.',
      'With the default settings most ratios stay inside the band; the smallest and largest single ratios of an iteration are typically around 0.4 and 1.2. A handful of rare tokens further out is normal. When a large share of tokens sits well outside the band (clip fraction above a few percent, ratios of 2 or 0.1 common), each step is too large: lower the learning rate or the epochs.',
    ],
    seed: section("PPO's clipping mechanism (the soft trust region)"),
    metrics: ['policy/ratio_hist', 'policy/ratio_hist_by_epoch', 'policy/ratio_mean', 'policy/ratio_min', 'policy/ratio_max'],
  },
  clipfrac: {
    title: 'Clip fraction',
    body: [
      'The share of update tokens affected by clipping, per iteration. Real trainers use two definitions, and the numbers differ:',
      'TRL (PPO clipfrac_avg, GRPO clip_ratio): the tokens whose gradient is cut, cases 4 and 5, split into low (r < 1 − ε with A < 0) and high (r > 1 + ε_high with A > 0).',
      'CleanRL clipfrac: tokens whose ratio lies outside the band whatever the sign of A (cases 3 to 6), so never smaller. The lab also splits it into low (r < 1 − ε) and high (r > 1 + ε_high).',
      'REINFORCE has no clipping, so every clip fraction is 0 there. With the default settings the TRL clip fraction sits around 0.005–0.02 (median about 0.007 on sort); one that climbs toward 0.1–0.3 means each iteration tries to move much further than ε allows.',
    ],
    seed: section("PPO's clipping mechanism (the soft trust region)"),
    metrics: [
      'policy/clipfrac',
      'policy/clipfrac_low',
      'policy/clipfrac_high',
      'policy/clipfrac_cleanrl',
      'policy/clipfrac_cleanrl_low',
      'policy/clipfrac_cleanrl_high',
    ],
  },
  klPosition: {
    title: 'KL to the reference, by completion position',
    body: [
      "For this iteration's rollout: how far the policy has moved from the frozen reference (the SFT checkpoint) at each completion position, averaged over the completions long enough to reach it.",
      'Two lines. The estimator in use, from d = lp_ref − lp of the sampled token: k1 = −d (unbiased, negative on some tokens), k2 = d²/2 (biased, never negative), k3 = e^d − 1 − d (unbiased, never negative). And the exact KL summed over the whole vocabulary, cheap here because the vocabulary is tiny: the quantity every estimator aims at.',
    ],
    seed: section('KL regularization and the trust-region view'),
    metrics: ['kl/ref_by_position', 'kl/ref_exact_by_position'],
  },
  klTime: {
    title: 'KL to the reference over iterations, and β',
    body: [
      "Per token: the estimator's KL averaged over completion tokens (kl/ref_per_token). Per completion: summed over each completion, averaged over the batch (kl/ref; kl/ref_exact for the exact KL). Adaptive β and its target KL work per completion.",
      "Where β acts. In the reward (TRL PPO; the default for PPO and REINFORCE): each token earns −β·k before GAE or the return. In the loss (TRL GRPO; the default for GRPO): β·KL is added to the loss, and loss/kl shows the KL term before β, even at β = 0. Under GRPO, KL in the reward changes the groups: it enters each completion's total before the group comparison, so completions with equal task scores get unequal advantages made of KL noise. grpo/frac_reward_zero_std still counts groups by their task scores.",
      "Value and gradient are different questions. As a number to report, k1 and k3 are unbiased and k2 is not. As a loss term, the gradient decides: k1 has zero expected gradient (it pulls toward nothing); k2 has exactly the gradient of KL(π_θ‖π_ref), so it is the lab's default in the loss; k3 has the gradient of the other direction, KL(π_ref‖π_θ), which still pulls toward the reference but penalises differently (TRL GRPO uses it).",
      'With adaptive β on, β rises while the KL is above its target and falls below it, by at most 20% × batch / horizon per iteration. A KL to the reference that stays negative points to an estimator or masking bug.',
    ],
    seed: section('KL regularization and the trust-region view'),
    metrics: ['kl/ref_per_token', 'kl/ref', 'kl/ref_exact', 'beta', 'loss/kl', 'loss/kl_weighted'],
  },
  cases: {
    title: 'The six cases',
    body: [
      'Every update token lands in one of six cases, by where its ratio r sits against the clip band and by the sign of its advantage A. The min of the clipped objective then takes either r·A, through which the gradient flows, or the clipped constant, whose gradient is zero (cases 4 and 5). A ratio exactly on a bound counts as inside, as in the float32 arithmetic of the update.',
      'Counts come from the engine, for the minibatch just trained and summed over the whole iteration. Tokens with A = 0 carry no signal and are counted apart. REINFORCE does not clip: its tokens still fall in the six positions, but in that algorithm cases 4 and 5 do not cut the gradient.',
    ],
    seed: section("PPO's clipping mechanism (the soft trust region)"),
    metrics: ['policy/cases'],
  },
  surrogate: {
    title: 'L(r) for A > 0 and A < 0',
    body: [
      "The per-token objective L = min(r·A, clip(r, 1 − ε, 1 + ε_high)·A) plotted against r for A = +1 and A = −1 (a token's L scales with |A|). Flat stretches have zero gradient: right of the band when A > 0 (case 5), left of it when A < 0 (case 4). The dashed line is the unclipped r·A.",
      'Dots are the tokens of the minibatch just trained, placed at their ratio and coloured by their case: the update moves dots on a slope and leaves dots on a flat part alone. A dashed band previews the ε of the sliders when it differs from the one this minibatch used.',
    ],
    seed: section("PPO's clipping mechanism (the soft trust region)"),
  },
  casesTime: {
    title: 'Cases over iterations',
    body: [
      "Each case's share of the iteration's update tokens, stacked. Under PPO and GRPO cases 4 and 5 together are TRL's clip fraction and cases 3 to 6 CleanRL's (among tokens with a signal); under REINFORCE nothing is clipped.",
    ],
    seed: section("PPO's clipping mechanism (the soft trust region)"),
    metrics: ['policy/cases'],
  },
  reward: {
    title: 'Reward',
    body: [
      "The task's score of the iteration's completions: the mean, with a band of ± one standard deviation. Under GRPO the band is TRL's reward_std, the mean of the per-group standard deviations (the spread the group comparison sees); reward/std_batch keeps the std over the whole batch. The dotted line is the mean reward at which the task counts as learned.",
    ],
    seed: section('The true objective'),
    metrics: ['reward/mean', 'reward/std', 'reward/std_batch'],
  },
  entropy: {
    title: 'Entropy',
    body: [
      "The entropy of the policy's whole next-token distribution, averaged over the rollout's completion tokens. It falls as the policy grows sure of itself; near 0 it no longer explores. The entropy coefficient c_ent rewards keeping it up.",
    ],
    seed: section('The composite loss you actually optimize'),
    metrics: ['policy/entropy'],
  },
  value: {
    title: 'Value loss and explained variance',
    body: [
      'PPO only: GRPO and REINFORCE have no critic. Value loss: ½ · mean (V − R)², and with value clipping ½ · mean of the larger of the clipped and unclipped squared errors. Explained variance 1 − Var(R − V) / Var(R): 1 when the value head predicts the returns, 0 when it does no better than their mean, negative when worse.',
    ],
    seed: section('The composite loss you actually optimize'),
    metrics: ['loss/value', 'val/explained_variance'],
  },
  approxkl: {
    title: 'Approx KL to π_old',
    body: [
      'How far the update has moved the policy from the one that sampled the batch, as mean((r − 1) − log r) over update tokens (the k3 estimator, CleanRL approx_kl). policy/approxkl averages every minibatch of the iteration, the first one (where r ≈ 1) included; policy/approxkl_last is the last minibatch alone, the number CleanRL logs.',
      "The early-stop KL reads the last minibatch's approx KL after each epoch, as CleanRL does, and skips the remaining epochs once it passes its target. With the default settings approx KL is around 1e-3 (median about 0.0014 on sort); a value near 0.01 or above means large steps.",
    ],
    seed: section('The composite loss you actually optimize'),
    metrics: ['policy/approxkl', 'policy/approxkl_last'],
  },
  length: {
    title: 'Completion length',
    body: [
      'Mean number of completion tokens (EOS included). Watch it across the loss types: with grpo (each sequence averaged over its own length) a long completion gives each of its tokens a smaller weight, so length can drift; bnpo and dr_grpo weigh every token alike.',
    ],
    seed: section('The composite loss you actually optimize'),
    metrics: ['completions/mean_length'],
  },
  task: {
    title: 'Task diagnostics',
    body: [
      "Measures the task computes besides its reward, averaged over the batch: sort's exact (share of completions fully sorted), sentiment's grammatical (its reward can be gamed: watch it drop at β = 0).",
    ],
    seed: section('The true objective'),
  },
  tokens: {
    title: 'Token stream',
    body: [
      'Completions appear token by token as the policy samples them (π_old). Once scored, each shows its prompt, reward and advantage; during the update each token takes the colour of its case from the latest minibatch that trained it, and a dashed outline marks tokens whose gradient was zero.',
      'Hover or focus a token for its numbers: log π_old, log π_ref, the KL estimate and the exact KL, the value, and the ratio r and advantage A of its last update step. Under GRPO the completions of one prompt share a box: their rewards are compared with each other to form the advantages.',
    ],
    seed: section('Importance sampling and where PPO starts to differ'),
  },
  backend: {
    title: 'Backend',
    body: [
      'The tfjs backend that trains, in a Web Worker so the page never waits on it. Auto runs the same short warm-up of this model on each of WebGPU, WebGL and wasm that the browser offers and keeps the fastest (for a model this small a GPU is not always faster), remembering the choice in this browser; the list below gives what each one measured or why it was skipped. A run replays bit for bit on cpu, wasm and WebGL; across backends the numbers agree closely but not exactly, and WebGPU may differ in the last digit between two runs.',
    ],
    seed: section('Importance sampling and where PPO starts to differ'),
  },
} satisfies Record<string, Explanation>;

export type ExplainId = keyof typeof EXPLAIN;
