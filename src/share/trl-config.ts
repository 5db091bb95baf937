/**
 * "Export as TRL config": the lab's settings written as Python for Hugging Face TRL, so a
 * student can carry a run they understood here to a real model.
 *
 * Written against TRL 1.9.0: PPO is `trl.experimental.ppo.PPOConfig` (TRL moved the PPO
 * trainer to `experimental` in its 1.x line), GRPO is `trl.GRPOConfig`. Field names and
 * behaviour were read from that release's `ppo_config.py`, `ppo_trainer.py`,
 * `grpo_config.py` and `grpo_trainer.py`.
 *
 * `TRL_MAPPING` holds one entry per lab parameter (a new parameter without one fails the type
 * check): the TRL field it becomes for each config class, or `null` when TRL has none, a note
 * for the README's mapping table, and the Python lines it writes. Every parameter writes at
 * least one line naming its lab flag, as a field's trailing comment or as a comment of its
 * own, so the exported file says what became of each setting. DOM-free: the page's button and
 * tests share it.
 */
import { effective, flagOf, klPlacement, PARAM_KEYS, type Config, type ParamKey } from '../engine/params';
import { MODEL_SIZES } from '../engine/sizes';
import { TASKS } from '../engine/tasks';

export const TRL_VERSION = '1.9.0';

/** The TRL config class a lab algorithm is exported as (REINFORCE has no TRL trainer of its own). */
export type TrlTarget = 'PPOConfig' | 'GRPOConfig';
export const targetOf = (c: Config): TrlTarget => (c.algo === 'ppo' ? 'PPOConfig' : 'GRPOConfig');

/** One line of the exported call: a keyword argument (with an optional trailing comment) or a comment. */
export type TrlLine = { field: string; value: string; comment?: string } | { comment: string };

export interface TrlMapping {
  /** The PPOConfig field(s) the setting becomes; null where TRL's PPO has no counterpart. */
  ppo: string | null;
  /** The GRPOConfig field(s) the setting becomes; null where TRL's GRPO has no counterpart. */
  grpo: string | null;
  /** What differs between the lab's setting and TRL's, in a sentence (the README table's last column). */
  note: string;
  /** The lines this setting writes into the config call. */
  lines: (c: Config, target: TrlTarget) => TrlLine[];
}

// ─── Python literals ──────────────────────────────────────────────────────────

/** A float as Python writes it: integers keep a `.0` so the field reads as a float. */
export const pyFloat = (x: number): string => (Number.isInteger(x) ? x.toFixed(1) : String(x));
const pyInt = (x: number): string => String(Math.trunc(x));
/** Values come from the lab's own option lists; JSON's double-quoted form is also Python's. */
const pyStr = (s: string): string => JSON.stringify(s);

const field = (name: string, value: string, comment?: string): TrlLine =>
  comment ? { field: name, value, comment } : { field: name, value };
const note = (comment: string): TrlLine => ({ comment });

const isPpo = (t: TrlTarget) => t === 'PPOConfig';

/** A setting as the lab holds it, with what `auto` resolved to (params.klPlacement). */
const withResolved = (raw: string, resolved: string): string => (raw === resolved ? raw : `${raw} (${resolved})`);

// ─── The mapping, one entry per lab parameter ────────────────────────────────

export const TRL_MAPPING: { readonly [K in ParamKey]: TrlMapping } = {
  task: {
    ppo: null,
    grpo: null,
    note: 'TRL has no built-in tasks: the task becomes your dataset of prompts and your reward (a reward model for PPO, `reward_funcs` on `GRPOTrainer`).',
    lines: (c, t) => [
      note(
        `task=${c.task} (${TASKS[c.task].title}): no TRL counterpart; its prompts become your dataset and its score ${isPpo(t) ? 'a reward model for PPOTrainer' : 'a reward function in GRPOTrainer(reward_funcs=...)'}.`,
      ),
    ],
  },
  algo: {
    ppo: 'PPOConfig',
    grpo: 'GRPOConfig',
    note: '`ppo` exports a PPOConfig, `grpo` a GRPOConfig. TRL has no plain REINFORCE trainer: `reinforce` exports the nearest GRPOConfig (one pass, clipping out of reach), whose baseline is the group mean, not the lab’s leave-one-out batch mean.',
    lines: (c) =>
      c.algo === 'reinforce'
        ? [
            note(
              'algo=reinforce: TRL has no plain REINFORCE trainer; this GRPOConfig comes nearest (a huge clip range, no critic),',
            ),
            note('but its baseline is the mean of each prompt group, where the lab subtracts the mean over the whole batch.'),
          ]
        : [
            note(
              `algo=${c.algo}: ${c.algo === 'ppo' ? 'clipped PPO with a value head and GAE' : 'GRPO, group-relative advantages, no critic'}.`,
            ),
          ],
  },
  model: {
    ppo: null,
    grpo: null,
    note: "The lab's tiny transformer and its SFT checkpoint; in TRL you pass your own model (and, for PPO, a value model) to the trainer.",
    lines: (c) => {
      const s = MODEL_SIZES[c.model];
      return [
        note(
          `model=${c.model}: the lab's own transformer (d=${s.dModel}, ${s.layers} layers, ${s.heads} heads); pass your SFT model to the trainer instead.`,
        ),
      ];
    },
  },
  seed: {
    ppo: 'seed',
    grpo: 'seed',
    note: 'Same number, different random streams: TRL will not replay the lab run sample for sample.',
    lines: (c) => [field('seed', pyInt(c.seed), 'seed (TRL draws its own random streams from it)')],
  },
  batch: {
    ppo: 'per_device_train_batch_size, gradient_accumulation_steps',
    grpo: 'per_device_train_batch_size, gradient_accumulation_steps',
    note: 'Completions per iteration, on one device. PPO: per_device_train_batch_size = batch with gradient_accumulation_steps = 1 (TRL then splits it into num_mini_batches). GRPO: per_device_train_batch_size = batch / minibatches, one generation feeding steps_per_generation = minibatches optimizer steps.',
    lines: (c, t) =>
      isPpo(t)
        ? [
            field('per_device_train_batch_size', pyInt(c.batch), 'batch: completions per rollout, on one device'),
            field('gradient_accumulation_steps', '1', 'batch: one optimizer step per minibatch, as in the lab'),
          ]
        : [
            field(
              'per_device_train_batch_size',
              pyInt(Math.floor(c.batch / c.minibatches)),
              `batch=${c.batch} / minibatches=${c.minibatches}: completions per optimizer step, on one device`,
            ),
            field('gradient_accumulation_steps', '1', 'batch: one optimizer step per minibatch, as in the lab'),
          ],
  },
  group: {
    ppo: null,
    grpo: 'num_generations',
    note: 'GRPO: num_generations. TRL PPO samples one completion per prompt: to match group > 1, repeat each prompt in the dataset.',
    lines: (c, t) => {
      if (isPpo(t)) {
        return [
          note(
            c.group > 1
              ? `group=${c.group}: TRL PPO samples one completion per prompt; repeat each prompt ${c.group} times in the dataset to match.`
              : 'group=1: one completion per prompt, as TRL PPO samples.',
          ),
        ];
      }
      if (c.group >= 2) return [field('num_generations', pyInt(c.group), 'group: completions per prompt, G')];
      return [field('num_generations', '2', `group=${c.group}: TRL GRPO needs at least 2 completions per prompt`)];
    },
  },
  maxTokens: {
    ppo: 'response_length',
    grpo: 'max_completion_length',
    note: "Longest completion in tokens, EOS included; the lab's 0 (the task's own limit) is written out as that limit.",
    lines: (c, t) => [
      field(
        isPpo(t) ? 'response_length' : 'max_completion_length',
        pyInt(effective(c, TASKS[c.task]).maxTokens),
        c.maxTokens ? 'max-tokens' : `max-tokens=0: the task's own limit`,
      ),
    ],
  },
  klMode: {
    ppo: null,
    grpo: null,
    note: "Not a TRL setting: TRL PPO always puts β·KL in the per-token reward, TRL GRPO always adds β·k3 to the loss (the lab's auto picks the same places). A lab run with the other choice has no TRL equivalent.",
    lines: (c, t) => {
      const trl = isPpo(t) ? 'reward' : 'loss';
      const { klMode } = klPlacement(c);
      const label = `kl-mode=${withResolved(c.klMode, klMode)}`;
      return [
        note(
          klMode === trl
            ? `${label}: TRL ${isPpo(t) ? 'PPO' : 'GRPO'} also puts the KL penalty in the ${trl}.`
            : `${label}: TRL ${isPpo(t) ? 'PPO' : 'GRPO'} has no such choice; it always puts the KL penalty in the ${trl}.`,
        ),
      ];
    },
  },
  klEstimator: {
    ppo: 'kl_estimator',
    grpo: null,
    note: 'TRL PPO: kl_estimator, k1 or k3 (k2 only for its logs). TRL GRPO always uses k3 in its loss.',
    lines: (c, t) => {
      const { klEstimator } = klPlacement(c);
      if (isPpo(t)) {
        return klEstimator === 'k2'
          ? [
              note(
                `kl-estimator=${withResolved(c.klEstimator, klEstimator)}: TRL PPO takes only k1 or k3 for the penalty (it logs k2); kl_estimator left at its default "k1".`,
              ),
            ]
          : [field('kl_estimator', pyStr(klEstimator), `kl-estimator=${withResolved(c.klEstimator, klEstimator)}`)];
      }
      return [
        note(
          klEstimator === 'k3'
            ? `kl-estimator=${withResolved(c.klEstimator, klEstimator)}: the estimator TRL GRPO uses.`
            : `kl-estimator=${withResolved(c.klEstimator, klEstimator)}: TRL GRPO has no choice; it always uses k3.`,
        ),
      ];
    },
  },
  scaleRewards: {
    ppo: null,
    grpo: 'scale_rewards',
    note: "GRPO: scale_rewards with the same values (group, batch, none; Dr. GRPO is none with loss_type dr_grpo). PPO and REINFORCE use the lab's whiten instead.",
    lines: (c) =>
      c.algo === 'grpo'
        ? [field('scale_rewards', pyStr(c.scaleRewards), 'scale-rewards')]
        : [note(`scale-rewards=${c.scaleRewards}: GRPO only; ${c.algo} uses whiten instead.`)],
  },
  lossType: {
    ppo: null,
    grpo: 'loss_type',
    note: "GRPO: loss_type with the same names (TRL's default is dapo, which the lab does not have; TRL's bnpo normalises over the device's batch, the lab's over the minibatch, the same thing on one device). TRL PPO always averages over the minibatch's tokens, the lab's bnpo.",
    lines: (c, t) => {
      if (!isPpo(t)) return [field('loss_type', pyStr(c.lossType), 'loss-type')];
      return [
        note(
          c.lossType === 'bnpo'
            ? "loss-type=bnpo: TRL PPO also averages over the minibatch's completion tokens."
            : `loss-type=${c.lossType}: TRL PPO has no choice; it averages over the minibatch's completion tokens (the lab's bnpo).`,
        ),
      ];
    },
  },
  backend: {
    ppo: null,
    grpo: null,
    note: 'The TensorFlow.js backend of the lab; TRL runs on PyTorch.',
    lines: (c) => [note(`backend=${c.backend}: the lab's TensorFlow.js backend; TRL runs on PyTorch.`)],
  },
  eps: {
    ppo: 'cliprange',
    grpo: 'epsilon',
    note: 'The clip range ε. REINFORCE does not clip: its export sets a range so wide it never binds.',
    lines: (c, t) => {
      if (c.algo === 'reinforce')
        return [field('epsilon', '1e6', `eps=${c.eps}: REINFORCE does not clip; a range this wide never binds`)];
      return [field(isPpo(t) ? 'cliprange' : 'epsilon', pyFloat(c.eps), 'eps')];
    },
  },
  epsHigh: {
    ppo: null,
    grpo: 'epsilon_high',
    note: "Clip-higher (DAPO). GRPO: epsilon_high (the lab's 0 = TRL's None, same as ε). TRL PPO clips symmetrically.",
    lines: (c, t) => {
      if (isPpo(t)) {
        return [
          note(
            c.epsHigh
              ? `eps-high=${c.epsHigh}: TRL PPO clips symmetrically to [1 − cliprange, 1 + cliprange]; clip-higher has no counterpart.`
              : 'eps-high=0: symmetric clipping, as TRL PPO does.',
          ),
        ];
      }
      if (c.algo === 'reinforce') return [note(`eps-high=${c.epsHigh}: no clipping in REINFORCE.`)];
      return c.epsHigh
        ? [field('epsilon_high', pyFloat(c.epsHigh), 'eps-high (clip-higher)')]
        : [note('eps-high=0: same as eps; TRL leaves epsilon_high at None, which means the same.')];
    },
  },
  epochs: {
    ppo: 'num_ppo_epochs',
    grpo: 'num_iterations',
    note: 'Passes over each rollout batch (μ in the GRPO paper).',
    lines: (c, t) => [field(isPpo(t) ? 'num_ppo_epochs' : 'num_iterations', pyInt(c.epochs), 'epochs')],
  },
  minibatches: {
    ppo: 'num_mini_batches',
    grpo: 'steps_per_generation',
    note: 'Minibatches per epoch, one optimizer step each. GRPO: one generation serves steps_per_generation optimizer steps per pass; TRL keeps the same split on every pass where the lab reshuffles each epoch.',
    lines: (c, t) => [
      field(isPpo(t) ? 'num_mini_batches' : 'steps_per_generation', pyInt(c.minibatches), 'minibatches'),
      ...(c.batch % c.minibatches
        ? [
            note(
              `minibatches=${c.minibatches} does not divide batch=${c.batch}: the lab's minibatches hold ${Math.ceil(c.batch / c.minibatches)} rows and the last one fewer; TRL needs equal ones.`,
            ),
          ]
        : []),
    ],
  },
  earlyStopKl: {
    ppo: null,
    grpo: null,
    note: "CleanRL's target_kl (stop the epochs once approx KL to π_old passes it); TRL has no counterpart.",
    lines: (c) => [
      note(
        c.earlyStopKl
          ? `early-stop-kl=${c.earlyStopKl}: TRL cannot stop the epochs early on approx KL (CleanRL's target_kl); it always runs them all.`
          : 'early-stop-kl=0: off; TRL always runs every epoch too.',
      ),
    ],
  },
  whiten: {
    ppo: null,
    grpo: 'scale_rewards',
    note: 'PPO: TRL always whitens advantages, with no switch (its whiten_rewards whitens rewards, another thing). GRPO: no effect (scale-rewards sets scale_rewards); for REINFORCE, whitening is nearest to scale_rewards="batch".',
    lines: (c, t) => {
      if (isPpo(t)) {
        return [
          note(
            c.whiten
              ? 'whiten=true: TRL PPO whitens the advantages too (always; its whiten_rewards, left False, whitens rewards instead).'
              : 'whiten=false: TRL PPO whitens the advantages anyway, with no switch (its whiten_rewards whitens rewards, another thing).',
          ),
        ];
      }
      if (c.algo === 'grpo') {
        return [note(`whiten=${c.whiten} has no effect on GRPO: scale-rewards sets scale_rewards`)];
      }
      return [
        field(
          'scale_rewards',
          pyStr(c.whiten ? 'batch' : 'none'),
          c.whiten ? 'whiten=true: divide by the batch std' : 'whiten=false: no scaling',
        ),
      ];
    },
  },
  gamma: {
    ppo: 'gamma',
    grpo: null,
    note: 'PPO: gamma. GRPO has no discounting (one reward per completion); REINFORCE in the lab discounts its reward-to-go.',
    lines: (c, t) =>
      isPpo(t)
        ? [field('gamma', pyFloat(c.gamma), 'gamma')]
        : [note(`gamma=${c.gamma}: TRL GRPO does not discount (one reward per completion).`)],
  },
  lambda: {
    ppo: 'lam',
    grpo: null,
    note: 'PPO: lam, the GAE λ. GRPO has no critic and no GAE.',
    lines: (c, t) =>
      isPpo(t) ? [field('lam', pyFloat(c.lambda), 'lambda (GAE)')] : [note(`lambda=${c.lambda}: no GAE without a critic.`)],
  },
  vfCoef: {
    ppo: 'vf_coef',
    grpo: null,
    note: 'PPO: vf_coef. GRPO has no value head.',
    lines: (c, t) =>
      isPpo(t) ? [field('vf_coef', pyFloat(c.vfCoef), 'vf-coef')] : [note(`vf-coef=${c.vfCoef}: no value head in GRPO.`)],
  },
  vfClip: {
    ppo: 'cliprange_value',
    grpo: null,
    note: "PPO: cliprange_value. TRL always clips the value, so the lab's 0 (off) is written as a range too wide to bind.",
    lines: (c, t) => {
      if (!isPpo(t)) return [note(`vf-clip=${c.vfClip}: no value head in GRPO.`)];
      return c.vfClip
        ? [field('cliprange_value', pyFloat(c.vfClip), 'vf-clip')]
        : [field('cliprange_value', '1e6', 'vf-clip=0 (off): TRL always clips the value; a range this wide never binds')];
    },
  },
  entCoef: {
    ppo: null,
    grpo: 'entropy_coef',
    note: 'GRPO: entropy_coef (a mean over tokens, as in the lab). TRL PPO has no entropy bonus; it only logs the entropy.',
    lines: (c, t) =>
      isPpo(t)
        ? [
            note(
              c.entCoef
                ? `ent-coef=${c.entCoef}: TRL PPO has no entropy bonus (it only logs the entropy).`
                : 'ent-coef=0: no entropy bonus, as in TRL PPO.',
            ),
          ]
        : [field('entropy_coef', pyFloat(c.entCoef), 'ent-coef (mean entropy per token)')],
  },
  beta: {
    ppo: 'kl_coef',
    grpo: 'beta',
    note: 'The weight β of the KL to the reference; fixed in TRL (see adaptive-beta).',
    lines: (c, t) => [field(isPpo(t) ? 'kl_coef' : 'beta', pyFloat(c.beta), 'beta')],
  },
  adaptiveBeta: {
    ppo: null,
    grpo: null,
    note: "Ziegler et al.'s adaptive KL controller; TRL's current trainers keep β fixed (the old PPOTrainer's adap_kl_ctrl went with it in TRL 0.12).",
    lines: (c) => [
      note(
        c.adaptiveBeta
          ? 'adaptive-beta=true: TRL keeps beta fixed; there is no adaptive KL controller to turn on.'
          : 'adaptive-beta=false: beta fixed, as in TRL.',
      ),
    ],
  },
  targetKl: {
    ppo: null,
    grpo: null,
    note: 'Target of adaptive β; no counterpart (TRL has no adaptive β).',
    lines: (c) => [
      note(`target-kl=${c.targetKl}: ${c.adaptiveBeta ? 'no adaptive beta in TRL' : 'unused, adaptive beta is off'}.`),
    ],
  },
  klHorizon: {
    ppo: null,
    grpo: null,
    note: 'Horizon of adaptive β; no counterpart (TRL has no adaptive β).',
    lines: (c) => [
      note(`kl-horizon=${c.klHorizon}: ${c.adaptiveBeta ? 'no adaptive beta in TRL' : 'unused, adaptive beta is off'}.`),
    ],
  },
  lr: {
    ppo: 'learning_rate, lr_scheduler_type',
    grpo: 'learning_rate, lr_scheduler_type',
    note: "Adam's step size, constant as in the lab (TRL's default schedule decays it linearly to 0; AdamW with weight decay 0, ε = 1e-8 where the lab's Adam has 1e-7). A rate fit for the lab's tiny model is far too large for a real one.",
    lines: (c) => [
      field('learning_rate', String(c.lr), "lr (sized for the lab's tiny model: far too large for a real one)"),
      field('lr_scheduler_type', pyStr('constant'), "lr: the lab's rate stays constant (TRL's default decays it linearly)"),
    ],
  },
  maxGradNorm: {
    ppo: 'max_grad_norm',
    grpo: 'max_grad_norm',
    note: "Gradient-norm clipping; 0 turns it off in both. TRL 1.9's PPOTrainer runs its own loop and does not apply it.",
    lines: (c, t) => [
      field(
        'max_grad_norm',
        pyFloat(c.maxGradNorm),
        isPpo(t)
          ? "max-grad-norm: accepted, but TRL 1.9's PPOTrainer loop does not clip gradients"
          : c.maxGradNorm
            ? 'max-grad-norm'
            : 'max-grad-norm=0: off',
      ),
    ],
  },
  temperature: {
    ppo: 'temperature',
    grpo: 'temperature',
    note: 'Sampling temperature; TRL, like the lab, divides the logits by it wherever it takes a log-prob.',
    lines: (c) => [field('temperature', pyFloat(c.temperature), 'temperature')],
  },
  bugTempMismatch: {
    ppo: null,
    grpo: null,
    note: 'A bug the lab injects on purpose (the update forgets the sampling temperature); TRL, like the lab without it, divides the logits by the temperature in the update too, and has no such switch.',
    lines: (c) => [
      note(
        c.bugTempMismatch
          ? 'bug-temp-mismatch=true: a bug the lab injects for an experiment; TRL has no such switch, do not carry it over.'
          : 'bug-temp-mismatch=false: the update takes log-probs at the sampling temperature, as TRL does.',
      ),
    ],
  },
};

// ─── The Python ───────────────────────────────────────────────────────────────

const IMPORTS: Record<TrlTarget, string> = {
  PPOConfig: 'from trl.experimental.ppo import PPOConfig',
  GRPOConfig: 'from trl import GRPOConfig',
};

/** Every line the config writes, in the order of the lab's parameter list. */
export function trlLines(c: Config): TrlLine[] {
  const target = targetOf(c);
  return PARAM_KEYS.flatMap((k) => TRL_MAPPING[k].lines(c, target));
}

/**
 * The config as a Python file: fields first (each with its lab flag), then the settings that
 * only have a comment, so the call reads as TRL code with the lab's story beside it.
 */
export function trlConfigPython(c: Config, source?: string): string {
  const target = targetOf(c);
  const lines = trlLines(c);
  const fields = lines.filter((l): l is Extract<TrlLine, { field: string }> => 'field' in l);
  const comments = lines.filter((l) => !('field' in l));
  const out = [
    `# PPO Lab settings as a TRL ${TRL_VERSION} ${target} (pip install trl==${TRL_VERSION}).`,
    ...(source ? [`# Exported from ${source.replace(/[\r\n]/g, ' ')}`] : []),
    '# Each field names the lab setting it comes from; the comments under the fields say what',
    '# has no TRL counterpart or means something else there.',
    IMPORTS[target],
    '',
    `config = ${target}(`,
    `    output_dir=${pyStr(`ppo-lab-${c.algo}`)},`,
    ...fields.map((f) => `    ${f.field}=${f.value},${f.comment ? `  # ${f.comment}` : ''}`),
    ...comments.map((l) => `    # ${l.comment}`),
    ')',
    '',
  ];
  return out.join('\n');
}

/** The README's mapping table (Markdown), one row per lab parameter. */
export function trlMappingMarkdown(): string {
  const cell = (s: string | null) =>
    s === null
      ? '—'
      : s
          .split(', ')
          .map((f) => `\`${f}\``)
          .join(', ');
  const rows = PARAM_KEYS.map((k) => {
    const m = TRL_MAPPING[k];
    return `| \`${flagOf(k)}\` | ${cell(m.ppo)} | ${cell(m.grpo)} | ${m.note.replace(/\|/g, '\\|')} |`;
  });
  return ['| lab | TRL PPOConfig | TRL GRPOConfig | notes |', '|---|---|---|---|', ...rows].join('\n');
}
