/**
 * Everything of the current run the page keeps for exports and for scrubbing back: every
 * iteration's metrics (small: a few kB each, up to MAX_METRICS), and the per-token data of
 * the last TOKEN_ITERATIONS iterations (the rollout and each minibatch pass, as the worker
 * sent them: no copies). Older token data is dropped, and `tokensFrom` says from which
 * iteration on the tokens are still held, so the page can say what an export covers.
 */
import { tokenLines, type TokenPass } from '../../engine/export';
import type { Metrics } from '../../engine/metrics';
import { HISTORY_CAP } from './lab-data';
import type { MinibatchData, RolloutData, WorkerEvent } from '../../worker/protocol';

/**
 * Iterations whose metrics are kept: as many as the charts' history holds rows, so that the
 * page's memory levels off once the history is full (a Metrics object is a few kB; 10,000 of
 * them grew the page by tens of MB). A longer run drops its oldest metrics, and says so.
 */
export const MAX_METRICS = HISTORY_CAP;
/** Iterations whose tokens are kept (about 20 kB each at the default batch). */
export const TOKEN_ITERATIONS = 300;

export interface IterationTokens {
  iteration: number;
  rollout: RolloutData;
  /** Minibatch passes of the update, in the order they ran. */
  passes: MinibatchData[];
}

/** Rows `rows` of an [n × width] array, in that order: the minibatch's view of a rollout array. */
function takeRows(a: ArrayLike<number>, rows: ArrayLike<number>, width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  for (let j = 0; j < rows.length; j++) for (let t = 0; t < width; t++) out[j * width + t] = a[rows[j]! * width + t]!;
  return out;
}

/** A minibatch pass with the rollout's tokens and log-probs: what `--tokens` writes. */
export function tokenPass(iteration: number, r: RolloutData, m: MinibatchData): TokenPass {
  return {
    iteration,
    epoch: m.epoch,
    minibatch: m.minibatch,
    rows: m.rows,
    width: m.width,
    lengths: m.lengths,
    tokens: takeRows(r.tokens, m.rows, m.width),
    lpOld: takeRows(r.lpOld, m.rows, m.width),
    lpNew: m.lpNew,
    lpRef: takeRows(r.lpRef, m.rows, m.width),
    advantages: m.advantages,
    ratio: m.ratio,
    cases: m.cases,
    flows: m.flows,
  };
}

export class RunRecord {
  metrics: Metrics[] = [];
  /** Iterations of metrics dropped from the front (0 unless the run passed MAX_METRICS). */
  metricsDropped = 0;
  tokens: IterationTokens[] = [];
  /** True once token data of some iteration was dropped. */
  tokensDropped = false;
  /** The iteration being built (its rollout arrived, its metrics not yet). */
  private open: IterationTokens | null = null;

  constructor(
    readonly maxMetrics = MAX_METRICS,
    readonly tokenIterations = TOKEN_ITERATIONS,
  ) {}

  take(e: WorkerEvent): void {
    switch (e.type) {
      case 'ready':
        this.clear();
        return;
      case 'rollout':
        this.open = { iteration: e.iteration, rollout: e.rollout, passes: [] };
        return;
      case 'minibatch':
        if (this.open?.iteration === e.iteration) this.open.passes.push(e.data);
        return;
      case 'iteration': {
        this.metrics.push(e.metrics);
        if (this.metrics.length > this.maxMetrics) {
          this.metrics.shift();
          this.metricsDropped++;
        }
        if (this.open?.iteration === e.metrics.iter) {
          this.tokens.push(this.open);
          if (this.tokens.length > this.tokenIterations) {
            this.tokens.shift();
            this.tokensDropped = true;
          }
        }
        this.open = null;
        return;
      }
    }
  }

  clear(): void {
    this.metrics = [];
    this.metricsDropped = 0;
    this.tokens = [];
    this.tokensDropped = false;
    this.open = null;
  }

  metricsAt(iteration: number): Metrics | null {
    const first = this.metrics[0]?.iter ?? 0;
    const m = this.metrics[iteration - first];
    return m?.iter === iteration ? m : (this.metrics.find((x) => x.iter === iteration) ?? null);
  }

  tokensAt(iteration: number): IterationTokens | null {
    return this.tokens.find((t) => t.iteration === iteration) ?? null;
  }

  /** The first iteration whose tokens are still held (null when none are). */
  get tokensFrom(): number | null {
    return this.tokens[0]?.iteration ?? null;
  }

  /** The token lines of every iteration held, as `--tokens` writes them. */
  tokenLines(vocab: readonly string[]): string {
    let out = '';
    for (const it of this.tokens) for (const m of it.passes) out += tokenLines(tokenPass(it.iteration, it.rollout, m), vocab);
    return out;
  }
}
