/**
 * What the model picker says about each size on the backend in use. Before the run has timed
 * a few iterations it knows only each size's parameter count. Then the size in use shows its
 * measured seconds per iteration, and each other size an estimate: that time scaled by the
 * ratio of their FLOPs per iteration (engine/flops.ts). That assumes time grows with the
 * arithmetic alone; the fixed cost of each kernel dispatch (which weighs most at small sizes)
 * and how well the backend uses the machine at each size move the real time, which is why the
 * picker labels it an estimate. Measured on wasm in Node (sort, default config, README "Speed"):
 * base 85–93 ms, large 574 ms, 6–7× for 9.9× the FLOPs, so scaling from base overstates large by 1.5×.
 */
import { iterationFlops } from '../engine/flops';
import type { Config } from '../engine/params';
import { parameterCount, SIZE_NAMES, type ModelSize } from '../engine/sizes';
import { TASKS } from '../engine/tasks';
import type { HistoryRow } from './data/history';

/** Above this many seconds per iteration a student waits on every step: the picker says "slow". */
export const SLOW_SECONDS = 1;
/** Timed iterations needed before a figure is shown, and how many of the latest count. */
export const MIN_TIMED = 3;
const RECENT = 5;

/**
 * Median ms per iteration over the latest rows of the run's history, or null before MIN_TIMED
 * have been timed. The run's first row is left out: it includes compiling the kernels.
 */
export function measuredIterationMs(rows: readonly HistoryRow[]): number | null {
  const times = rows
    .slice(Math.max(1, rows.length - RECENT))
    .map((r) => r['time/iteration_ms'])
    .filter((t): t is number => typeof t === 'number' && Number.isFinite(t) && t > 0);
  if (times.length < MIN_TIMED) return null;
  times.sort((a, b) => a - b);
  const m = times.length >> 1;
  return times.length % 2 ? times[m]! : (times[m - 1]! + times[m]!) / 2;
}

export interface SizeHint {
  size: ModelSize;
  parameters: number;
  /** Seconds per iteration on the backend in use; null before any measurement. */
  seconds: number | null;
  /** True for the size that was timed, false for a FLOPs-scaled estimate. */
  measured: boolean;
  slow: boolean;
}

/** What the run measured: its config, its median ms per iteration, and the shape of its latest iteration. */
export interface Timing {
  config: Config;
  iterationMs: number;
  /** Sampling steps of the latest iteration (its longest completion) and the update epochs it ran. */
  steps: number;
  epochsRun: number;
}

/**
 * One hint per size for `task` (null for the bandit, which has no transformer). With a timing
 * of the same task, the seconds per iteration of each size on the backend it was measured on.
 */
export function sizeHints(task: Config['task'], timing: Timing | null): SizeHint[] | null {
  const t = TASKS[task];
  if (t.model === 'table') return null;
  const usable = timing && timing.config.task === task ? timing : null;
  const flopsOf = (size: ModelSize) =>
    usable ? iterationFlops({ ...usable.config, model: size }, usable.steps, usable.epochsRun).total : 0;
  const measuredFlops = usable ? flopsOf(usable.config.model) : 0;
  return SIZE_NAMES.map((size) => {
    const parameters = parameterCount(size, t.vocab.length, t.promptLength + t.maxCompletion);
    if (!usable || measuredFlops <= 0) return { size, parameters, seconds: null, measured: false, slow: false };
    const measured = size === usable.config.model;
    const seconds = ((measured ? 1 : flopsOf(size) / measuredFlops) * usable.iterationMs) / 1000;
    return { size, parameters, seconds, measured, slow: seconds > SLOW_SECONDS };
  });
}
