/** Number formatting shared by the controls, charts and tooltips. */
import { flagOf, PARAMS, type Config, type ParamKey } from '../engine/params';

/** Short form for axes and labels: 4 significant digits, exponent outside [1e-3, 1e5). */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return '—';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(Math.max(0, digits - 2)).replace('e+', 'e');
  return String(Number(x.toPrecision(digits)));
}

/** Hover form: the value as the engine reported it, to float32 precision (7 significant digits). */
export const fmtExact = (x: number | null | undefined): string => fmt(x, 7);

export const fmtPercent = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : `${Number((x * 100).toPrecision(3))}%`;

/** `eps=0.1`, `adaptive-beta=on`: how a parameter change is labelled on the charts. */
export function formatParam(key: ParamKey, value: Config[ParamKey]): string {
  return `${flagOf(key)}=${formatValue(key, value)}`;
}

export function formatValue(key: ParamKey, value: Config[ParamKey]): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'string') return value;
  const spec = PARAMS[key];
  if (value === 0 && spec.kind === 'number' && spec.zeroMeans) return `0 (${spec.zeroMeans})`;
  return fmt(value, 4);
}
