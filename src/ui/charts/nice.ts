/**
 * Axis bounds that change rarely. The charts draw their data in a layer of their own
 * (layers.tsx) and let recharts redraw its axes only when a bound changes, so the bounds
 * snap outward to round numbers instead of following every new point.
 */

/** The next "round" number ≥ x among 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k (x > 0): at most 25% to spare. */
export function niceCeil(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= x * (1 - 1e-12)) return Number((m * p).toPrecision(12));
  return 10 * p;
}

/** A round step for a span: about `ticks` steps of 1, 2 or 5 × 10^k. */
export function niceStep(span: number, ticks = 4): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / ticks;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/**
 * [lo, hi] covering every finite value, snapped outward to multiples of a round step;
 * `fromZero` keeps 0 in range (shares, lengths). Empty input gives [0, 1].
 */
export function niceDomain(values: Iterable<number>, fromZero = false): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return [0, 1];
  if (fromZero) {
    min = Math.min(0, min);
    max = Math.max(0, max);
  }
  if (min === max) {
    // A flat series: a span around it (from 0 upward when 0 must stay in range).
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    if (fromZero && min === 0) max = 1;
    else {
      min -= pad;
      max += pad;
    }
  }
  const step = niceStep(max - min);
  const round = (x: number) => Number(x.toPrecision(12)); // 0.3, not 0.30000000000000004
  return [round(Math.floor(min / step) * step), round(Math.ceil(max / step) * step)];
}

/**
 * Iteration axis: from the first iteration shown (from 0 in a long run, so the ticks fall on
 * round numbers: 0, 5000, 10000, not 1, 5001, 10001) to the next round number past the last.
 */
export function iterationDomain(first: number, last: number): [number, number] {
  const lo = first <= 1 && last >= 20 ? 0 : first;
  return [lo, Math.max(lo + 1, niceCeil(last))];
}
