/**
 * Maps a numeric parameter to a range input's position and back. Parameters flagged `log`
 * (learning rate, target KL) and integers spanning three decades or more (the KL horizon)
 * move on a log scale; every value a slider produces still goes through parseParam.
 */
import type { NumberSpec } from '../../engine/params';

/** Positions of a log slider. */
export const LOG_STEPS = 1000;

export const isLogScale = (s: NumberSpec): boolean => !!s.log || (!!s.integer && s.min > 0 && s.max / s.min >= 1000);

/**
 * The value a slider position stands for: on a linear scale snapped to the spec's step; on a
 * log scale rounded to 4 significant digits (finer than one of the LOG_STEPS positions, so
 * every arrow-key press moves it; the linear step would freeze the low end of the range).
 */
export function snap(s: NumberSpec, v: number): number {
  let x = v;
  if (s.integer) x = Math.round(x);
  else if (isLogScale(s)) x = Number(x.toPrecision(4));
  else if (s.step > 0) x = Number((Math.round(x / s.step) * s.step).toPrecision(12));
  return Math.min(s.max, Math.max(s.min, x));
}

export function toPosition(s: NumberSpec, v: number): number {
  if (!isLogScale(s)) return v;
  const lo = Math.log(s.min);
  const hi = Math.log(s.max);
  return Math.round((LOG_STEPS * (Math.log(Math.max(v, s.min)) - lo)) / (hi - lo));
}

export function fromPosition(s: NumberSpec, pos: number): number {
  if (!isLogScale(s)) return snap(s, pos);
  const lo = Math.log(s.min);
  const hi = Math.log(s.max);
  return snap(s, Math.exp(lo + ((hi - lo) * pos) / LOG_STEPS));
}

/** min, max and step attributes of the range input. */
export function rangeAttrs(s: NumberSpec): { min: number; max: number; step: number } {
  return isLogScale(s) ? { min: 0, max: LOG_STEPS, step: 1 } : { min: s.min, max: s.max, step: s.step };
}

/**
 * The value for a new slider position, moved from `current`: an integer on a log scale
 * (the KL horizon near its minimum) may round back to where it was, so it moves by one
 * in the direction of the slider instead of sticking.
 */
export function valueAt(s: NumberSpec, pos: number, current: number): number {
  const v = fromPosition(s, pos);
  if (v !== current || !s.integer) return v;
  const dir = Math.sign(pos - toPosition(s, current));
  return Math.min(s.max, Math.max(s.min, current + dir));
}
