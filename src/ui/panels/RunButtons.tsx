/**
 * Start / Pause / Step / Reset, with their keyboard shortcuts shown. Once the worker is gone
 * for good ('stopped') every one is disabled: the notice offers the reload that works.
 */
import { canStart } from '../slices/run';
import { useLab } from '../store';

export function RunButtons() {
  const runState = useLab((s) => s.runState);
  const iteration = useLab((s) => s.iteration);
  const configOk = useLab((s) => s.configErrors.length === 0);
  const { start, pause, step, applyAndReset } = useLab.getState();
  const startable = canStart(runState);
  return (
    <div className="run-buttons" role="group" aria-label="Training">
      <button
        type="button"
        className="primary"
        onClick={start}
        disabled={!startable}
        data-testid="start"
        aria-keyshortcuts="Space"
        title="Start or resume (space)"
      >
        {/* "Start" also while the worker connects and loads (disabled then): no run exists to resume yet. */}
        {iteration === 0 && runState !== 'paused' && runState !== 'error' ? 'Start' : 'Resume'}
      </button>
      <button
        type="button"
        onClick={pause}
        disabled={runState !== 'running'}
        data-testid="pause"
        aria-keyshortcuts="Space"
        title="Pause (space)"
      >
        Pause
      </button>
      <button
        type="button"
        onClick={step}
        disabled={!startable}
        data-testid="step"
        aria-keyshortcuts="S"
        title="Run one iteration, then pause (s)"
      >
        Step
      </button>
      <button
        type="button"
        onClick={applyAndReset}
        disabled={!configOk || runState === 'connecting' || runState === 'stopped'}
        data-testid="reset"
        aria-keyshortcuts="R"
        title="Rebuild from the settings: same seed, same start (r)"
      >
        Reset
      </button>
    </div>
  );
}
