/**
 * The lab's data formats, written the same way by the CLI and by the page's exports, so a
 * file saved from the page is byte for byte what `npm run lab` writes for the same link on
 * the same backend (the `time/` keys aside, which measure the machine):
 *
 *   metrics, JSON lines   one JSON object per iteration, the engine's Metrics as they are;
 *   metrics, CSV          one row per iteration, one column per metric key; arrays and the
 *                         case counts as JSON in a quoted cell, "not applicable" as empty;
 *   tokens, JSON lines    one object per completion token per minibatch pass (`--tokens`).
 */
import { CASE_NAMES } from './cases';
import type { Metrics } from './metrics';

/** One iteration's metrics as a JSON line (no newline). */
export const metricsLine = (m: Metrics): string => JSON.stringify(m);

/** One minibatch pass of the update, in minibatch row order: per-token arrays are [rows × width]. */
export interface TokenPass {
  iteration: number;
  epoch: number;
  minibatch: number;
  /** Rollout sequence of each row. */
  rows: ArrayLike<number>;
  width: number;
  lengths: ArrayLike<number>;
  tokens: ArrayLike<number>;
  lpOld: ArrayLike<number>;
  /** log π_θ from the update's own forward pass (not rebuilt from the ratio, so the ratio can be checked). */
  lpNew: ArrayLike<number>;
  lpRef: ArrayLike<number>;
  advantages: ArrayLike<number>;
  ratio: ArrayLike<number>;
  cases: ArrayLike<number>;
  flows: ArrayLike<number>;
}

/** The token lines of one minibatch pass, each ending in a newline. */
export function tokenLines(p: TokenPass, vocab: readonly string[]): string {
  let out = '';
  for (let j = 0; j < p.rows.length; j++) {
    for (let t = 0; t < p.lengths[j]!; t++) {
      const k = j * p.width + t;
      const ratio = p.ratio[k]!;
      out +=
        JSON.stringify({
          iteration: p.iteration,
          epoch: p.epoch,
          minibatch: p.minibatch,
          sequence: p.rows[j],
          position: t,
          token: vocab[p.tokens[k]!],
          lp_old: p.lpOld[k],
          lp_new: p.lpNew[k],
          lp_ref: p.lpRef[k],
          advantage: p.advantages[k],
          ratio,
          case: CASE_NAMES[p.cases[k]!],
          gradient: p.flows[k] === 1,
        }) + '\n';
    }
  }
  return out;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV header: every metric key, in the order the engine writes them. */
export function csvHeader(keys: readonly string[]): string {
  return keys.map(csvCell).join(',') + '\n';
}

/** One iteration's CSV row under `keys` (a key the row lacks is an empty cell). */
export function csvRow(m: Metrics, keys: readonly string[]): string {
  const o = m as unknown as Record<string, unknown>;
  return keys.map((k) => csvCell(o[k])).join(',') + '\n';
}

/** Metrics of a whole run as CSV; the header is the first iteration's keys. */
export function metricsCsv(metrics: readonly Metrics[]): string {
  if (!metrics.length) return '';
  const keys = Object.keys(metrics[0]!);
  return csvHeader(keys) + metrics.map((m) => csvRow(m, keys)).join('');
}
