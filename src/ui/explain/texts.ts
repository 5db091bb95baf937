/**
 * The one-click explanations of every chart and panel (design.md: "every control and
 * chart explains itself in one click"). Each says what is plotted, how to read it, and
 * quotes the passage of ppo-deep-dive.md it illustrates; `metrics` names the engine's
 * metric keys plotted, as real trainers log them (algorithms.md).
 */
export interface Explanation {
  title: string;
  /** What is drawn and how to read it: short paragraphs. */
  body: string[];
  /** The passage of the deep dive the chart illustrates. */
  seed: string;
  metrics?: string[];
}

export const EXPLAIN = {
  ratio: {
    title: 'Ratio histogram',
    body: [
      "Every completion token of this iteration's update, binned by its importance ratio r = π_θ(token) / π_old(token), measured just before each gradient step. Pick one epoch to see how ratios spread as the policy moves away from π_old over the epochs.",
      'The shaded band is the clip range [1 − ε, 1 + ε_high]; it follows the ε sliders at once, before the next iteration uses them (dashed lines mark the band this iteration ran with, when different). With 1 epoch and 1 minibatch every ratio is exactly 1: the first gradient step is taken where π_θ = π_old.',
      'Healthy early training keeps ratios within about [0.7, 1.3]; ratios of 2, 10 or 0.1 mean the step is too large (lower the learning rate or the epochs).',
    ],
    seed: 'r_t(θ) = π_θ(o_t | q, o_<t) / π_θold(o_t | q, o_<t) … "how much more/less likely is the sampled token under the new policy," and the clip [1 − ε, 1 + ε] (commonly ε = 0.2, i.e. [0.8, 1.2]) enforces a soft trust region.',
    metrics: ['policy/ratio_hist', 'policy/ratio_hist_by_epoch', 'policy/ratio_mean', 'policy/ratio_min', 'policy/ratio_max'],
  },
  clipfrac: {
    title: 'Clip fraction',
    body: [
      'The share of update tokens that clipping touched, per iteration. Two definitions are in use, and they differ:',
      'TRL (PPO clipfrac_avg, GRPO clip_ratio): tokens whose gradient is cut, cases 4 and 5 only, split into low (r < 1 − ε with A < 0, case 4) and high (r > 1 + ε_high with A > 0, case 5).',
      'CleanRL clipfrac: tokens with |r − 1| > ε whatever the sign of A (cases 3–6), so it is never smaller. The engine reports it as one number (not split by side).',
      'Around 0.005–0.02 early in training is normal; a clip fraction that climbs toward 0.3 says each iteration tries to move further than ε allows.',
    ],
    seed: "If A_t > 0, L_t = min(r_t, 1 + ε)A_t: once r_t > 1 + ε, you stop getting more credit … If A_t < 0 … once r_t < 1 − ε, further suppression doesn't pay — floor hit.",
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
      "For this iteration's rollout: the KL of the policy to the frozen reference (the SFT checkpoint) at each completion position, averaged over the completions that reach it.",
      'Two lines: the sample estimator in use (k1 = −d, k2 = d²/2 or k3 = e^d − 1 − d with d = lp_ref − lp; k1 can go negative on a token) and the exact KL over the whole vocabulary, which the tiny vocabulary makes cheap. The estimator is what the reward or the loss uses; the exact KL is what it estimates.',
    ],
    seed: 'You typically also tether the full distribution to a reference π_ref (often the SFT checkpoint) with a KL guardrail … clipping is the local proxy, KL is the global guardrail.',
    metrics: ['kl/ref_by_position', 'kl/ref_exact_by_position'],
  },
  klTime: {
    title: 'KL to the reference over iterations, and β',
    body: [
      "Per token: the estimator's KL averaged over completion tokens (kl/ref_per_token). Per completion: the KL summed over a completion and averaged over the batch (kl/ref, and kl/ref_exact for the exact KL), the quantity adaptive β steers toward its target.",
      'β (right axis) weighs the KL in the reward (TRL PPO) or in the loss (TRL GRPO). With adaptive β on, β grows while the KL is above the target and shrinks below it, by at most 20% × batch / horizon per iteration. A KL to the reference that stays negative means an estimator or masking bug.',
    ],
    seed: 'R ← R_raw − β KL(π_θ(·|s_t) ‖ π_ref(·|s_t)) or add an explicit penalty +β E[KL(π_θ ‖ π_ref)] and adapt β to hit a target KL/token.',
    metrics: ['kl/ref_per_token', 'kl/ref', 'kl/ref_exact', 'beta'],
  },
  cases: {
    title: 'The six cases',
    body: [
      'Each update token falls in one of six cases, by where its ratio r sits against the clip band and by the sign of its advantage A. The min in the clipped objective then picks either r·A (gradient flows) or the constant clipped term (gradient is zero: cases 4 and 5).',
      'Counts come from the engine: for the minibatch just trained, and summed over the whole iteration (all epochs and minibatches). Tokens with A = 0 carry no signal and are counted apart. With REINFORCE nothing is clipped: the cases are shown for comparison, and gradient flows everywhere.',
    ],
    seed: 'Inside the band, the gradient is the usual REINFORCE direction scaled by r_t A_t; outside, it saturates. This is exactly the "six cases" operational picture popularized in tutorials.',
    metrics: ['policy/cases'],
  },
  surrogate: {
    title: 'L(r) for A > 0 and A < 0',
    body: [
      "The per-token objective L = min(r·A, clip(r, 1 − ε, 1 + ε_high)·A), drawn against r for A = +1 and A = −1 (each token's L scales with |A|). Where the curve is flat the gradient is zero: right of the band for A > 0 (case 5), left of it for A < 0 (case 4). The dashed line is the unclipped r·A.",
      'Dots are the tokens of the minibatch just trained, placed at their ratio and coloured by the case the engine assigned; the update pushes dots on sloped parts along the slope and leaves dots on flat parts alone. A dashed band previews ε from the sliders when it differs from the ε this minibatch used.',
    ],
    seed: 'L_t(θ) = min(r_t A_t, clip(r_t, 1 − ε, 1 + ε) A_t). If A_t > 0, L_t = min(r_t, 1 + ε) A_t … If A_t < 0, L_t = max(r_t, 1 − ε) A_t.',
  },
  casesTime: {
    title: 'Cases over iterations',
    body: [
      "Each case's share of the iteration's update tokens (counts from policy/cases divided by their total), stacked. The clipped cases 4 and 5 together are TRL's clip fraction; cases 3–6 make CleanRL's (for tokens with a signal).",
    ],
    seed: 'The min-with-clip biases you toward conservative steps on purpose. You give up some local optimality in exchange for lower variance and fewer catastrophic jumps.',
    metrics: ['policy/cases'],
  },
  reward: {
    title: 'Reward',
    body: [
      "The task's reward of the iteration's completions: the mean, and a band of ± one standard deviation across the batch. This is the objective J(θ) that everything else serves; the dotted line is the mean reward at which the task counts as learned.",
    ],
    seed: 'The quantity we care about is the expected reward of completions drawn from π_θ: J(θ) = E[R(q, o_1:T)].',
    metrics: ['reward/mean', 'reward/std'],
  },
  entropy: {
    title: 'Entropy',
    body: [
      "Entropy of the policy's full next-token distribution, averaged over completion tokens of the rollout. It falls as the policy grows confident; a collapse to 0 means it no longer explores. The entropy coefficient c_ent adds a bonus for keeping it up.",
    ],
    seed: 'L(θ, φ) = −J_PPO(θ) + c_v E[(V_φ − V̂)²] − c_ent E[H(π_θ)] + β E[KL(π_θ ‖ π_ref)]',
    metrics: ['policy/entropy'],
  },
  value: {
    title: 'Value loss and explained variance',
    body: [
      'PPO only (GRPO and REINFORCE have no critic). Value loss: 0.5 · mean (V − R)², clipped around the rollout values when value clipping is on. Explained variance 1 − Var(R − V) / Var(R): 1 means the value head predicts the returns, 0 means it does no better than their mean, negative means worse.',
    ],
    seed: 'The only fragile component here is the critic when rewards are sparse. GRPO keeps everything you see above … but removes the critic.',
    metrics: ['loss/value', 'val/explained_variance'],
  },
  approxkl: {
    title: 'Approx KL to π_old',
    body: [
      "How far the update moved the policy from the one that sampled the batch: mean((r − 1) − log r) over update tokens (CleanRL approx_kl, the k3 estimator). Around 1e-3 early in training is normal; the early-stop KL ends an iteration's remaining epochs when it passes its target.",
    ],
    seed: 'Take a few epochs of updates while monitoring empirical KL/token; stop early or adapt β if KL overshoots.',
    metrics: ['policy/approxkl'],
  },
  length: {
    title: 'Completion length',
    body: [
      'Mean number of completion tokens (EOS included) per completion. Watch it under the loss types: with grpo (1/|o| per sequence) long wrong answers are penalised less per token, so lengths can drift; bnpo and dr_grpo weigh every token alike.',
    ],
    seed: "The inner mean 1/|o| Σ_t neutralizes length bias so long completions don't dominate by having more tokens.",
    metrics: ['completions/mean_length'],
  },
  task: {
    title: 'Task diagnostics',
    body: [
      "Measures the task computes besides its reward, averaged over the batch: e.g. sort's exact (share of completions fully sorted) or sentiment's grammatical (a reward that can be gamed: watch it fall when β = 0).",
    ],
    seed: 'This is the "real" objective: push the model distribution toward sequences that score higher under your reward.',
  },
  tokens: {
    title: 'Token stream',
    body: [
      'Completions appear token by token as the policy samples them (π_old). Once the rollout is scored each shows its prompt, reward and advantage; during the update each token takes the colour of its case from the latest minibatch that trained it, and a dashed outline marks tokens whose gradient was zero.',
      'Hover or focus a token for its numbers: log π_old, log π_ref, the KL estimate and the exact KL, the value, the ratio r and advantage A of its last update step. For GRPO the completions of one prompt stand together in a box: their rewards are compared with each other to form the advantages.',
    ],
    seed: 'Collect a batch under π_θold; compute rewards; form A_t (broadcast or GAE) and normalize them; compute r_t from frozen vs. current logits; take a few epochs of updates.',
  },
  backend: {
    title: 'Backend',
    body: [
      'The tfjs backend training runs on, in a Web Worker so the page never waits for it. Auto times the same short warm-up of this model on each of WebGPU, WebGL and wasm that the browser offers, keeps the fastest (a GPU is not always faster for a model this small) and remembers the choice in this browser; the list below says what each one measured or why it was skipped. A run replays bit-identically on cpu, wasm and WebGL; across backends numbers agree closely but not exactly, and WebGPU may differ in the last digit between two runs.',
    ],
    seed: "We don't regenerate fresh rollouts after every micro-update — the model is huge, and sampling is expensive.",
  },
} satisfies Record<string, Explanation>;

export type ExplainId = keyof typeof EXPLAIN;
