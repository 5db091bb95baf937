/**
 * Runs several configs one after the other on the page's one training worker, each for a
 * set number of iterations, and pins each finished run (compare.ts) so the charts overlay
 * it while the next one trains. The last run stays live (and pinned, so it is recorded).
 */
import type { Timeline } from '../../engine/link';
import type { Config } from '../../engine/params';
import { runRecord } from '../share/record';
import { configErrorsOf } from '../slices/config';
import { useLab, type LabState } from '../store';
import { clearPinned, detachLive, pin, recordCurrent } from './compare';

export interface PlannedRun {
  label: string | null;
  config: Config;
  timeline: Timeline;
  experiment?: string;
  runId?: string;
}

export interface SequenceProgress {
  run: number;
  runs: number;
  label: string | null;
  iteration: number;
  iterations: number;
}

/** Loads a config (and the live edits to replay) into the lab, as a lab link would. */
export function loadRun(config: Config, timeline: Timeline = []): void {
  detachLive();
  useLab.setState({
    draft: config,
    configErrors: configErrorsOf(config),
    replay: timeline,
    liveEdits: {},
    runState: 'loading',
    statusMessage: 'loading the run…',
    progress: null,
  });
  useLab.getState().send({ type: 'load-config', config });
}

/** The backend the page runs on stays as it is (a forced `backend=` of the page's link included). */
export function withPageBackend(config: Config): Config {
  const s = useLab.getState();
  return { ...config, backend: s.loaded?.backend ?? s.draft.backend };
}

class Cancelled extends Error {}

/** Resolves once the store satisfies `ok`; rejects on an error that stops training, or when cancelled. */
function waitFor(ok: (s: LabState) => boolean, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (s: LabState) => {
      if (signal.aborted) return done(new Cancelled());
      if (ok(s)) return done();
      if (s.runState === 'error') done(new Error(s.statusMessage ?? 'training stopped on an error'));
    };
    const done = (e?: Error) => {
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
      if (e) reject(e);
      else resolve();
    };
    const onAbort = () => check(useLab.getState());
    const unsubscribe = useLab.subscribe(check);
    signal.addEventListener('abort', onAbort);
    check(useLab.getState());
  });
}

const sameConfig = (a: Config | null, b: Config) => a !== null && JSON.stringify(a) === JSON.stringify(b);

/**
 * Iterations finished, as the events said (the page's run record takes them before the store hears of them): the store's `iteration` is published a frame later,
 * and a 'paused' status can arrive before it (checked on every store change, i.e. at least every frame).
 */
const finished = () => runRecord.metrics.at(-1)?.iter ?? 0;
/** The last iterations of a run are taken one Step at a time. */
const STEPPED = 3;

/**
 * Runs the plan; each run for `iterations` iterations. Clears the pinned runs first: the
 * comparison is exactly the plan's runs. Resolves false when cancelled.
 */
export async function runSequence(
  plan: PlannedRun[],
  iterations: number,
  onProgress: (p: SequenceProgress) => void,
  signal: AbortSignal,
): Promise<boolean> {
  clearPinned();
  try {
    for (const [i, run] of plan.entries()) {
      const config = withPageBackend(run.config);
      const progress = (iteration: number) =>
        onProgress({ run: i + 1, runs: plan.length, label: run.label, iteration, iterations });
      progress(0);
      loadRun(config, run.timeline);
      await waitFor((s) => s.runState === 'ready' && s.iteration === 0 && sameConfig(s.loaded, config), signal);
      const unsubscribe = useLab.subscribe((s, before) => {
        if (s.iteration !== before.iteration) progress(Math.min(s.iteration, iterations));
      });
      try {
        // Run freely, then step the last few: the worker pauses at the end of an iteration, and a fast one can end
        // before a pause arrives, so stepping them is what makes the live run stop where the pinned ones did.
        if (iterations > STEPPED) {
          useLab.getState().start();
          await waitFor(() => finished() >= iterations - STEPPED, signal);
          useLab.getState().pause();
          await waitFor((s) => s.runState === 'paused', signal);
        }
        while (finished() < iterations) {
          const before = finished();
          useLab.getState().step();
          await waitFor((s) => s.runState === 'paused' && finished() > before, signal);
        }
      } finally {
        unsubscribe();
      }
      const record = recordCurrent(iterations);
      const tag = { ...(run.experiment ? { experiment: run.experiment } : {}), ...(run.runId ? { runId: run.runId } : {}) };
      if (record) pin({ ...record, label: run.label, ...tag }, i === plan.length - 1);
    }
    return true;
  } catch (e) {
    if (e instanceof Cancelled) {
      useLab.getState().pause();
      return false;
    }
    throw e;
  }
}
