/**
 * Rollout: sample completions token by token with a KV cache, stepping the policy and the
 * frozen reference side by side, so every per-token quantity the update needs is recorded
 * as the token is drawn and nothing is recomputed later: lp_old, lp_ref, the exact KL to
 * the reference over the vocabulary, the entropy and the value.
 *
 * Tokens are drawn in JS from downloaded log-probs with the seeded sampling stream
 * (never tfjs's multinomial op, which ignores seeds across backends).
 */
import * as tf from '@tensorflow/tfjs';
import { Transformer, type KVCache, type PolicyModel, type StepOutputs } from './model';
import { pairPays, samePairShape, TransformerPair, type PairStep } from './model-pair';
import { logProbs } from './ops';
import type { Rng } from './rng';
import type { Task } from './tasks';

export interface Rollout {
  /** Sequences (completions) in the batch. */
  n: number;
  /** Prompt length P and padded completion width T (the max tokens). */
  promptLength: number;
  width: number;
  /** [n × P] prompt tokens. */
  prompts: Int32Array;
  /** [n × T] completion tokens; padding holds the task's EOS (or 0). */
  tokens: Int32Array;
  /** Completion tokens per sequence (EOS included when sampled). */
  lengths: Int32Array;
  /** [n × T] per completion token, 0 on padding. */
  lpOld: Float32Array;
  lpRef: Float32Array;
  klExact: Float32Array;
  entropy: Float32Array;
  values: Float32Array;
  /** Task reward of each completion. */
  scores: Float32Array;
}

/** What the sampler reports after each step (the worker streams it to the page). */
export interface SampledStep {
  /** Completion position just sampled. */
  position: number;
  /** Sequences that sampled a token at this step, and their tokens and per-token records. */
  sequences: Int32Array;
  tokens: Int32Array;
  lp: Float32Array;
  lpRef: Float32Array;
  klExact: Float32Array;
  value: Float32Array;
}

export interface SampleSettings {
  temperature: number;
  maxTokens: number;
}

/** Per-step quantities computed on the device from both models' logits [2, n, V], packed so one download serves the step. */
function stepStats(out: BothOutputs, temperature: number): tf.Tensor1D {
  return tf.tidy(() => {
    const both = logProbs(out.logits, temperature);
    const [lp, lpRef] = tf.unstack(both) as [tf.Tensor2D, tf.Tensor2D];
    const p = lp.exp();
    const klExact = p.mul(lp.sub(lpRef)).sum(-1);
    // Σ p log p: the entropy's negative (negated when read, one kernel fewer).
    const negEntropy = p.mul(lp).sum(-1);
    const values = out.values ?? tf.zerosLike(negEntropy);
    // Policy log-probs, then the reference's: the layout of `both` flattened.
    return tf.concat([both.flatten(), klExact, negEntropy, values]) as tf.Tensor1D;
  });
}

/** The last position's outputs of policy and reference: logits [2, n, V] (policy first), the policy's values [n]. */
type BothOutputs = { logits: tf.Tensor3D; values: tf.Tensor1D | null };

/** Steps policy and reference together, each holding its KV cache. */
interface Stepper {
  readonly current: BothOutputs;
  /** Appends one token per sequence at position `pos`. */
  advance(tokens: Int32Array, pos: number): void;
  dispose(): void;
}

type Step = StepOutputs & { cache: KVCache };

/** tf.tidy that keeps its outputs and cache (its types do not admit the null value head of the reference). */
const tidyKeep = <S>(f: () => S): S => tf.tidy(f as () => tf.TensorContainer) as unknown as S;

/** Two transformers of one shape: one joined model, half the kernels per token (model-pair.ts). */
function pairedStepper(policy: Transformer, reference: Transformer, prompts: Int32Array, n: number): Stepper {
  const pair = new TransformerPair(policy, reference);
  let s: PairStep = tidyKeep(() => pair.prefill(prompts, n));
  const free = (x: PairStep) => {
    tf.dispose([x.logits, ...(x.values ? [x.values] : [])]);
    tf.dispose(x.cache);
  };
  return {
    get current() {
      return s;
    },
    advance(tokens, pos) {
      const prev = s;
      s = tidyKeep(() => pair.step(tokens, pos, prev.cache));
      free(prev);
    },
    dispose() {
      free(s);
      pair.dispose();
    },
  };
}

/** Any two models (the bandit's table, shapes that differ, or where pairing does not pay): each stepped on its own. */
function separateStepper(policy: PolicyModel, reference: PolicyModel, prompts: Int32Array, n: number): Stepper {
  const P = prompts.length / n;
  let pol: Step;
  let ref: Step;
  const stack = () => tf.tidy(() => tf.stack([pol.logits, ref.logits]) as tf.Tensor3D);
  const free = (x: Step) => {
    tf.dispose([x.logits, ...(x.values ? [x.values] : [])]);
    tf.dispose(x.cache);
  };
  const promptTensor = tf.tensor2d(prompts, [n, P], 'int32');
  pol = tidyKeep(() => policy.prefill(promptTensor));
  ref = tidyKeep(() => reference.prefill(promptTensor));
  promptTensor.dispose();
  let current: BothOutputs = { logits: stack(), values: pol.values };
  return {
    get current() {
      return current;
    },
    advance(tokens, pos) {
      const [prevPol, prevRef] = [pol, ref];
      const input = tf.tensor1d(tokens, 'int32');
      pol = tidyKeep(() => policy.step(input, pos, prevPol.cache));
      ref = tidyKeep(() => reference.step(input, pos, prevRef.cache));
      input.dispose();
      current.logits.dispose();
      free(prevPol);
      free(prevRef);
      current = { logits: stack(), values: pol.values };
    },
    dispose() {
      current.logits.dispose();
      free(pol);
      free(ref);
    },
  };
}

/**
 * Samples one completion per prompt row. `prompts` holds n × P tokens (GRPO's groups are
 * consecutive rows with the same prompt). `onStep` is called after every sampled position.
 */
export async function sampleRollout(
  policy: PolicyModel,
  reference: PolicyModel,
  task: Task,
  prompts: Int32Array,
  n: number,
  settings: SampleSettings,
  rng: Rng,
  onStep?: (step: SampledStep) => void,
): Promise<Rollout> {
  const P = task.promptLength;
  const T = settings.maxTokens;
  const V = policy.vocabSize;
  const pad = task.eos ?? 0;
  const r: Rollout = {
    n,
    promptLength: P,
    width: T,
    prompts,
    tokens: new Int32Array(n * T).fill(pad),
    lengths: new Int32Array(n),
    lpOld: new Float32Array(n * T),
    lpRef: new Float32Array(n * T),
    klExact: new Float32Array(n * T),
    entropy: new Float32Array(n * T),
    values: new Float32Array(n * T),
    scores: new Float32Array(n),
  };
  const done = new Uint8Array(n);
  const stepper =
    policy instanceof Transformer &&
    reference instanceof Transformer &&
    samePairShape(policy.shape, reference.shape) &&
    pairPays(tf.getBackend())
      ? pairedStepper(policy, reference, prompts, n)
      : separateStepper(policy, reference, prompts, n);
  const probs = new Float64Array(V);
  try {
    for (let t = 0; t < T; t++) {
      const packed = stepStats(stepper.current, settings.temperature);
      const s = (await packed.data()) as Float32Array;
      packed.dispose();
      const next = new Int32Array(n).fill(pad);
      const live: number[] = [];
      for (let i = 0; i < n; i++) {
        if (done[i]) continue;
        for (let v = 0; v < V; v++) probs[v] = Math.exp(s[i * V + v]!);
        const tok = rng.categorical(probs);
        const k = i * T + t;
        next[i] = tok;
        r.tokens[k] = tok;
        r.lpOld[k] = s[i * V + tok]!;
        r.lpRef[k] = s[n * V + i * V + tok]!;
        r.klExact[k] = s[2 * n * V + i]!;
        r.entropy[k] = 0 - s[2 * n * V + n + i]!; // 0 − x rather than −x: a zero entropy stays +0
        r.values[k] = s[2 * n * V + 2 * n + i]!;
        r.lengths[i] = t + 1;
        if (tok === task.eos) done[i] = 1;
        live.push(i);
      }
      if (onStep) {
        const ks = live.map((i) => i * T + t);
        const column = (a: Float32Array) => Float32Array.from(ks, (k) => a[k]!);
        onStep({
          position: t,
          sequences: Int32Array.from(live),
          tokens: Int32Array.from(ks, (k) => r.tokens[k]!),
          lp: column(r.lpOld),
          lpRef: column(r.lpRef),
          klExact: column(r.klExact),
          value: column(r.values),
        });
      }
      if (t === T - 1 || done.every(Boolean)) break;
      stepper.advance(next, P + t);
    }
  } finally {
    stepper.dispose();
  }
  for (let i = 0; i < n; i++) {
    const prompt = Array.from(prompts.subarray(i * P, (i + 1) * P));
    r.scores[i] = task.reward(prompt, Array.from(r.tokens.subarray(i * T, i * T + r.lengths[i]!)));
  }
  return r;
}

/** One completion's tokens as sampled (padding excluded). */
export function completionOf(r: Rollout, i: number): number[] {
  return Array.from(r.tokens.subarray(i * r.width, i * r.width + r.lengths[i]!));
}

/** One sequence's prompt tokens. */
export function promptOf(r: Rollout, i: number): number[] {
  return Array.from(r.prompts.subarray(i * r.promptLength, (i + 1) * r.promptLength));
}
