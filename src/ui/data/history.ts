/**
 * The metrics history the time charts draw, kept bounded however long the run: past the
 * cap, neighbouring rows are merged, so a 10,000-iteration run holds at most `cap` rows,
 * each the mean of a run of consecutive iterations (the legend says which). Averaging, not
 * dropping, keeps spikes visible as bumps rather than losing them at random.
 */
import { CASE_NAMES } from '../../engine/cases';
import type { Metrics } from '../../engine/metrics';

/** Every scalar metric of a (bucket of) iteration(s), by metric name; null = not applicable. */
export type Scalars = Record<string, number | null>;

/**
 * One chart row, flat so recharts can read metric names as data keys. `iter` is the last
 * iteration of the bucket (where the row sits on the x axis), `from` its first, `n` how
 * many iterations were averaged into it.
 */
export type HistoryRow = Scalars & { iter: number; from: number; n: number };

const META = new Set(['iter', 'from', 'n']);

/** The scalar metrics, plus each case's share of the iteration's tokens (`cases/caseN`). */
export function scalarsOf(m: Metrics): Scalars {
  const out: Scalars = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === 'number' || v === null) out[k] = v;
  }
  const cases = m['policy/cases'];
  let total = 0;
  for (const c of CASE_NAMES) total += cases[c];
  for (const c of CASE_NAMES) out[`cases/${c}`] = total ? cases[c] / total : 0;
  return out;
}

/**
 * One row for consecutive rows: each metric the mean over the iterations covered, weighted
 * by how many each row holds, skipping "not applicable" (null). Plain loops, no per-key
 * allocations: halving a full history merges 1,000 pairs in one go.
 */
export function mergeRows(rows: readonly HistoryRow[]): HistoryRow {
  const out: Scalars = {};
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  let n = 0;
  for (const r of rows) n += r.n;
  // Every row of a run has the same metric keys; a union is taken anyway, in case one differs.
  const keys: string[] = [];
  for (const r of rows) {
    for (const k in r) {
      if (META.has(k) || k in out) continue;
      out[k] = null;
      keys.push(k);
    }
  }
  for (const k of keys) {
    let sum = 0;
    let count = 0;
    for (const r of rows) {
      const v = r[k];
      if (typeof v === 'number' && Number.isFinite(v)) {
        sum += v * r.n;
        count += r.n;
      }
    }
    out[k] = count ? sum / count : null;
  }
  return { ...out, iter: last.iter, from: first.from, n };
}

export class BoundedHistory {
  private all: HistoryRow[] = [];
  private cached: HistoryRow[] | null = null;

  constructor(readonly cap = 2000) {
    if (cap < 2) throw new Error('cap must be at least 2');
  }

  /**
   * Appends an iteration; past the cap, merges one pair of neighbouring rows: the finest
   * pair of equal width, oldest first. One merge per iteration spreads the work evenly
   * (halving 2,000 rows at once was a 40–70 ms stall), and rows stay within a factor of
   * two of each other in width (but for the newest few, which are finer), so the chart
   * keeps an even resolution.
   */
  push(iter: number, values: Scalars): void {
    this.cached = null;
    this.all.push({ ...values, iter, from: iter, n: 1 });
    if (this.all.length <= this.cap) return;
    const r = this.all;
    let at = 0;
    let finest = Infinity;
    for (let i = 0; i + 1 < r.length; i++) {
      const n = r[i]!.n;
      if (n === r[i + 1]!.n && n < finest) {
        finest = n;
        at = i;
      }
    }
    r.splice(at, 2, mergeRows([r[at]!, r[at + 1]!]));
  }

  /** The rows to draw, oldest first (at most `cap`); the same array until the next push. */
  rows(): HistoryRow[] {
    this.cached ??= this.all.slice();
    return this.cached;
  }

  clear(): void {
    this.all = [];
    this.cached = null;
  }
}
