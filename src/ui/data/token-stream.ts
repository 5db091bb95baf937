/**
 * The current iteration's completions, filled in as the worker's events arrive: tokens as
 * they are sampled (rollout-token), then prompts, rewards, advantages and the KL estimate
 * (rollout), then each token's ratio, case and gradient flag as the update reaches its
 * minibatch (minibatch). Plain typed arrays mutated in place: the page redraws from them at
 * most once per animation frame, never per token.
 */
import type { MinibatchData, RolloutData, TokenBatch } from '../../worker/protocol';

/** The worker's arrays arrive as transferred buffers of any kind. */
type Ints = Int32Array<ArrayBufferLike>;
type Floats = Float32Array<ArrayBufferLike>;

export type StreamPhase = 'empty' | 'sampling' | 'scored' | 'updating';

export class TokenStream {
  iteration = 0;
  phase: StreamPhase = 'empty';
  n = 0;
  width = 0;
  promptLength = 0;
  group = 1;
  /** Sampled so far per sequence (the final lengths once the rollout is in). */
  lengths: Ints = new Int32Array(0);
  tokens: Ints = new Int32Array(0);
  lp: Floats = new Float32Array(0);
  lpRef: Floats = new Float32Array(0);
  klExact: Floats = new Float32Array(0);
  value: Floats = new Float32Array(0);
  /** From the rollout-start event. */
  prompts: Ints | null = null;
  /** From the rollout event (null while sampling). */
  scores: Floats | null = null;
  advantages: Floats | null = null;
  kl: Floats | null = null;
  /** From the minibatch events: the latest epoch that reached each token (-1 = not yet). */
  ratio = new Float32Array(0);
  cases = new Uint8Array(0);
  flows = new Uint8Array(0);
  epoch = new Int8Array(0);

  /** Starts a new iteration's rollout (the rollout-start event: its size and prompts). */
  begin(iteration: number, n: number, width: number, promptLength: number, group: number, prompts: Ints | null): void {
    this.iteration = iteration;
    this.phase = 'sampling';
    this.n = n;
    this.width = width;
    this.promptLength = promptLength;
    this.group = group;
    const size = n * width;
    this.lengths = new Int32Array(n);
    this.tokens = new Int32Array(size).fill(-1);
    this.lp = new Float32Array(size);
    this.lpRef = new Float32Array(size);
    this.klExact = new Float32Array(size);
    this.value = new Float32Array(size);
    this.prompts = prompts;
    this.scores = this.advantages = this.kl = null;
    this.ratio = new Float32Array(size);
    this.cases = new Uint8Array(size);
    this.flows = new Uint8Array(size);
    this.epoch = new Int8Array(size).fill(-1);
  }

  addTokens(b: TokenBatch): void {
    const W = this.width;
    for (let i = 0; i < b.token.length; i++) {
      const seq = b.sequence[i]!;
      const pos = b.position[i]!;
      if (seq >= this.n || pos >= W) continue; // config changed under us: ignore, the rollout event resizes
      const k = seq * W + pos;
      this.tokens[k] = b.token[i]!;
      this.lp[k] = b.lp[i]!;
      this.lpRef[k] = b.lpRef[i]!;
      this.klExact[k] = b.klExact[i]!;
      this.value[k] = b.value[i]!;
      if (pos + 1 > this.lengths[seq]!) this.lengths[seq] = pos + 1;
    }
  }

  /** The finished rollout is authoritative: it replaces whatever the token events built. */
  setRollout(iteration: number, r: RolloutData): void {
    if (iteration !== this.iteration || r.n !== this.n || r.width !== this.width) {
      this.begin(iteration, r.n, r.width, r.promptLength, r.group, r.prompts);
    }
    this.phase = 'scored';
    this.group = r.group;
    this.promptLength = r.promptLength;
    this.lengths = r.lengths;
    this.tokens = r.tokens;
    this.lp = r.lpOld;
    this.lpRef = r.lpRef;
    this.klExact = r.klExact;
    this.value = r.values;
    this.prompts = r.prompts;
    this.scores = r.scores;
    this.advantages = r.advantages;
    this.kl = r.kl;
  }

  addMinibatch(iteration: number, m: MinibatchData): void {
    if (iteration !== this.iteration || m.width !== this.width) return;
    this.phase = 'updating';
    const W = this.width;
    for (let j = 0; j < m.rows.length; j++) {
      const seq = m.rows[j]!;
      for (let t = 0; t < m.lengths[j]!; t++) {
        const k = seq * W + t;
        const src = j * W + t;
        this.ratio[k] = m.ratio[src]!;
        this.cases[k] = m.cases[src]!;
        this.flows[k] = m.flows[src]!;
        this.epoch[k] = m.epoch;
      }
    }
  }
}
