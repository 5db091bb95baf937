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
import type { KVCache, PolicyModel, StepOutputs } from './model';
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

/** Per-step quantities computed on the device, packed so one download serves the step. */
function stepStats(pol: StepOutputs, ref: StepOutputs, temperature: number): tf.Tensor1D {
  return tf.tidy(() => {
    const lp = logProbs(pol.logits, temperature);
    const lpRef = logProbs(ref.logits, temperature);
    const p = lp.exp();
    const klExact = p.mul(lp.sub(lpRef)).sum(-1);
    const entropy = p.mul(lp).sum(-1).neg();
    const values = pol.values ?? tf.zerosLike(entropy);
    return tf.concat([lp.flatten(), lpRef.flatten(), klExact, entropy, values]) as tf.Tensor1D;
  });
}

type Step = StepOutputs & { cache: KVCache };

/** tf.tidy that keeps a step's outputs and cache (its types do not admit the null value head of the reference). */
const tidyStep = (f: () => Step): Step => tf.tidy(f as () => tf.TensorContainer) as unknown as Step;

function disposeStep(s: Step): void {
  s.logits.dispose();
  s.values?.dispose();
  for (const { k, v } of s.cache) tf.dispose([k, v]);
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
  const promptTensor = tf.tensor2d(prompts, [n, P], 'int32');
  let pol = tidyStep(() => policy.prefill(promptTensor));
  let ref = tidyStep(() => reference.prefill(promptTensor));
  promptTensor.dispose();
  const probs = new Float64Array(V);
  try {
    for (let t = 0; t < T; t++) {
      const packed = stepStats(pol, ref, settings.temperature);
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
        r.entropy[k] = s[2 * n * V + n + i]!;
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
      const input = tf.tensor1d(next, 'int32');
      const [prevPol, prevRef] = [pol, ref];
      pol = tidyStep(() => policy.step(input, P + t, prevPol.cache));
      ref = tidyStep(() => reference.step(input, P + t, prevRef.cache));
      input.dispose();
      disposeStep(prevPol);
      disposeStep(prevRef);
    }
  } finally {
    disposeStep(pol);
    disposeStep(ref);
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
