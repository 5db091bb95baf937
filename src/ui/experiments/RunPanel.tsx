/**
 * Runs an experiment (or a shared comparison) side by side: each run in turn on the page's
 * worker, for the experiment's iterations, each finished run pinned so the charts overlay
 * it. Once every run is recorded, the experiment's own signal predicate — the one the engine
 * tests assert — says whether the signal appeared, with the figures.
 */
import { useEffect, useRef, useState } from 'react';
import { runConfig, type Experiment } from '../../engine/experiments';
import { metricsOf, useCompare } from './compare';
import { runSequence, type PlannedRun, type SequenceProgress } from './sequence';

type Phase = { kind: 'idle' } | { kind: 'running'; progress: SequenceProgress | null } | { kind: 'failed'; message: string };

export function useSequence() {
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);
  // Leaving the view stops the sequence (the run in progress pauses).
  useEffect(() => () => abort.current?.abort(), []);
  const run = (plan: PlannedRun[], iterations: number) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setPhase({ kind: 'running', progress: null });
    runSequence(plan, iterations, (progress) => setPhase({ kind: 'running', progress }), controller.signal).then(
      () => !controller.signal.aborted && setPhase({ kind: 'idle' }),
      (e: unknown) => setPhase({ kind: 'failed', message: (e as Error).message }),
    );
  };
  const stop = () => {
    abort.current?.abort();
    setPhase({ kind: 'idle' });
  };
  return { phase, run, stop };
}

export function SequenceStatus({ phase }: { phase: Phase }) {
  if (phase.kind === 'failed') return <p className="error small">Stopped: {phase.message}</p>;
  if (phase.kind !== 'running' || !phase.progress) return null;
  const p = phase.progress;
  return (
    <p className="small" data-testid="sequence-progress" role="status">
      Run {p.run} of {p.runs}
      {p.label ? ` (${p.label})` : ''}: iteration {p.iteration} of {p.iterations}
    </p>
  );
}

/** The signal's verdict, from the pinned runs of this experiment (null until all its runs are recorded). */
function useVerdict(e: Experiment) {
  const runs = useCompare((s) => s.runs);
  const mine = e.runs.map((r) => runs.find((p) => p.experiment === e.name && p.runId === r.id));
  if (mine.some((r) => !r)) return null;
  const byId = Object.fromEntries(e.runs.map((r, i) => [r.id, metricsOf(mine[i]!)]));
  return e.signal.check(byId);
}

export function RunPanel({ e }: { e: Experiment }) {
  const { phase, run, stop } = useSequence();
  const verdict = useVerdict(e);
  const plan: PlannedRun[] = e.runs.map((r) => ({
    label: r.label,
    config: runConfig(e, r),
    timeline: r.timeline ?? [],
    experiment: e.name,
    runId: r.id,
  }));
  const running = phase.kind === 'running';
  return (
    <section className="run-panel" data-testid="experiment-run-panel">
      <div className="run-panel-buttons">
        <button
          type="button"
          className="primary"
          disabled={running}
          onClick={() => run(plan, e.iterations)}
          data-testid="run-experiment"
        >
          {e.runs.length > 1 ? `Run all ${e.runs.length} runs side by side` : 'Run the experiment'}
        </button>
        {running ? (
          <button type="button" onClick={stop} data-testid="stop-experiment">
            Stop
          </button>
        ) : null}
      </div>
      <p className="muted small">
        Each run trains for {e.iterations} iterations, one after the other; every finished run stays on the charts in its own
        colour. This replaces the runs pinned so far.
      </p>
      <SequenceStatus phase={phase} />
      {verdict && !running ? (
        <p className={`verdict ${verdict.ok ? 'seen' : 'unseen'}`} data-testid="experiment-verdict" data-ok={String(verdict.ok)}>
          {verdict.ok ? 'Signal seen.' : 'Signal not seen in this recording.'} <span className="small">{verdict.measured}</span>
        </p>
      ) : null}
    </section>
  );
}
