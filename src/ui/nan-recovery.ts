/**
 * What to offer after a NaN loss. The lab cannot see inside the step that overflowed, but it
 * can see the settings that make one likely, and it suggests a change for those first:
 *
 *   - a low sampling temperature divides the logits by τ, so unlikely tokens get log-probs far
 *     below the others and their ratios (e^(lp − lp_old)) overflow;
 *   - the k3 (and k2) estimator in the loss grows like e^d (resp. d²) where the policy and the
 *     reference disagree, so its gradient explodes where k1's stays linear;
 *   - with gradient clipping off, one bad minibatch moves the weights without bound;
 *   - then a smaller learning rate, and an early stop on the KL to π_old.
 *
 * A change already tried is not offered again, nor one the parameter ranges do not allow
 * (the learning rate at its minimum, a temperature already at 1).
 */
import { PARAMS, type Config, type LiveParams } from '../engine/params';
import { snap } from './panels/slider-scale';

export interface Recovery {
  /** Stable id, remembered once tried. */
  id: 'temperature' | 'estimator' | 'grad-clip' | 'lr' | 'early-stop';
  /** The button's words. */
  label: string;
  /** Live changes: applied, then training resumes. */
  live?: Partial<LiveParams>;
  /** Structural changes: applied with a reset (training starts over). */
  structural?: Partial<Config>;
}

/** Below this temperature the log-probs are steep enough to suspect first. */
const LOW_TEMPERATURE = 0.5;

/** Every change that addresses a cause visible in `c`, most likely first, leaving out those already tried. */
export function recoveries(c: Config, tried: readonly string[]): Recovery[] {
  const out: Recovery[] = [];
  if (c.temperature < LOW_TEMPERATURE) {
    out.push({
      id: 'temperature',
      label: `Raise the temperature from ${c.temperature} to 1 and resume`,
      live: { temperature: 1 },
    });
  }
  if (c.klMode === 'loss' && c.klEstimator !== 'k1' && c.beta > 0) {
    out.push({
      id: 'estimator',
      label: `Switch the KL estimator from ${c.klEstimator} to k1 and reset`,
      structural: { klEstimator: 'k1' },
    });
  }
  if (c.maxGradNorm === 0) {
    out.push({ id: 'grad-clip', label: 'Clip the gradient norm at 1 and resume', live: { maxGradNorm: 1 } });
  }
  const lower = snap(PARAMS.lr, c.lr * 0.3);
  if (lower < c.lr) {
    out.push({ id: 'lr', label: `Lower the learning rate from ${c.lr} to ${lower} and resume`, live: { lr: lower } });
  }
  if (c.epochs > 1 && c.earlyStopKl === 0) {
    out.push({
      id: 'early-stop',
      label: 'Stop the epochs early once the KL to π_old passes 0.02, and resume',
      live: { earlyStopKl: 0.02 },
    });
  }
  return out.filter((r) => !tried.includes(r.id));
}
