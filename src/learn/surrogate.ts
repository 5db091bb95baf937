/**
 * One token of the clipped surrogate: its value L(r, A) (the engine's surrogateValue), its
 * case (the engine's clipCase) and its gradient dL/dr worked out from the min and the clip,
 * not read from the case table; a unit test checks it against tf.grad of the engine's
 * tensor clippedSurrogate, and against gradientFlows.
 */
import { clipBounds, clipCase, surrogateValue } from '../engine/cases';

export interface TokenSurrogate {
  value: number;
  case: number;
  /** dL/dr: A where the min picks the unclipped r·A, or the clip still passes r; 0 otherwise. */
  gradR: number;
  /** Which branch of the min is taken. */
  picks: 'unclipped' | 'clipped' | 'both';
}

export function tokenSurrogate(r: number, a: number, epsLow: number, epsHigh: number): TokenSurrogate {
  // The band's edges as float32, as tfjs clips (and as the engine labels cases): otherwise a
  // ratio within a float32 step of an edge would get a gradient its case label denies.
  const { lo, hi } = clipBounds(epsLow, epsHigh);
  const c = Math.min(Math.max(r, lo), hi);
  const unclipped = r * a;
  const clipped = c * a;
  // d(clip(r))/dr is 1 inside the band and 0 outside; on a tie tfjs's minimum sends the
  // gradient to its first argument (the unclipped term), so do the same.
  const inBand = r > lo && r < hi;
  const picks = unclipped === clipped ? 'both' : unclipped < clipped ? 'unclipped' : 'clipped';
  const gradR = picks === 'clipped' ? (inBand ? a : 0) : a;
  return { value: surrogateValue(r, a, epsLow, epsHigh), case: clipCase(r, a, epsLow, epsHigh), gradR, picks };
}
