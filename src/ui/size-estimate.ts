/**
 * What the model picker says about each size on the backend in use. Before the run has timed
 * a few iterations it knows only each size's parameter count. Then the size in use shows its
 * measured seconds per iteration, and each other size an estimate scaled from it.
 *
 * An iteration's time has two parts: a fixed cost per kernel dispatched, and the arithmetic.
 * The first grows with the number of layers, the second with the FLOPs (engine/flops.ts), and
 * which one dominates depends on the backend. Fitted to the README's measurements of base and
 * large (Speed): on wasm about a third of base's time follows the kernels (base 85–111 ms, large
 * 574–867 ms: 6–8× for 9.9× the FLOPs); on WebGPU on an H100 all of it does (342 and 388 ms, 1.1×;
 * with WebGPU's own kernels, on an H200, 88–101 and 139 ms, 1.4–1.6×). Scaling by FLOPs alone
 * overstated large by 1.5× on wasm and 9× on that GPU.
 */
import { iterationFlops } from '../engine/flops';
import type { Config } from '../engine/params';
import { MODEL_SIZES, parameterCount, SIZE_NAMES, type ModelSize } from '../engine/sizes';
import { TASKS } from '../engine/tasks';
import type { BackendName } from '../worker/protocol';
import type { HistoryRow } from './data/history';

/**
 * Share of an iteration's time that follows the kernel count rather than the FLOPs, per backend.
 * wasm and webgpu are fitted (above). WebGL is taken to be like WebGPU (a GPU that waits on each
 * draw); the cpu backend's plain loops make it arithmetic-bound.
 */
export const DISPATCH_SHARE: Record<BackendName, number> = { wasm: 0.35, webgpu: 1, webgl: 1, cpu: 0 };

/**
 * Kernels per iteration grow with the layers; the embedding, the output head, the loss and the
 * optimizer add about one and a half layers' worth (counted: 1,732 kernels for base's 2 layers,
 * 3,103–3,214 for large's 5).
 */
const kernelWeight = (size: ModelSize) => MODEL_SIZES[size].layers + 1.5;

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
  /** True for the size that was timed, false for an estimate scaled from it. */
  measured: boolean;
  slow: boolean;
}

/** What the run measured: its config and backend, its median ms per iteration, and the shape of its latest iteration. */
export interface Timing {
  config: Config;
  backend: BackendName;
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
    const share = DISPATCH_SHARE[usable.backend];
    const ratio =
      share * (kernelWeight(size) / kernelWeight(usable.config.model)) + (1 - share) * (flopsOf(size) / measuredFlops);
    const seconds = ((measured ? 1 : ratio) * usable.iterationMs) / 1000;
    return { size, parameters, seconds, measured, slow: seconds > SLOW_SECONDS };
  });
}
