/** Backend and why, run state, iteration, tokens/s and a progress bar for slow steps. */
import { useState } from 'react';
import { ExplainText } from '../explain/Explain';
import { fmt } from '../format';
import { useLab } from '../store';

export function StatusBar() {
  const backend = useLab((s) => s.backend);
  const runState = useLab((s) => s.runState);
  const iteration = useLab((s) => s.iteration);
  const message = useLab((s) => s.statusMessage);
  const progress = useLab((s) => s.progress);
  const tokensPerS = useLab((s) => s.latest?.['time/tokens_per_s'] ?? null);
  const iterMs = useLab((s) => s.latest?.['time/iteration_ms'] ?? null);
  const [open, setOpen] = useState(false);
  return (
    <div className="status-bar" aria-label="Status">
      <div className="status-item backend">
        <span className="k">backend</span>{' '}
        <button
          type="button"
          className="link-button"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          data-testid="backend"
          title="Why this backend?"
        >
          {backend ? backend.name : '…'}
        </button>
        {backend?.fallback ? <span className="badge warn">fallback</span> : null}
        {open ? (
          <div className="popover" role="dialog" aria-label="Backend">
            <p>
              <strong>{backend?.name ?? 'not started'}</strong>
              {backend ? `: ${backend.description}` : ''}
            </p>
            {backend?.skipped.length ? (
              <ul>
                {backend.skipped.map((s) => (
                  <li key={s.name}>
                    {s.name}: {s.reason}
                  </li>
                ))}
              </ul>
            ) : null}
            <ExplainText id="backend" />
          </div>
        ) : null}
      </div>
      <div className="status-item">
        <span className="k">state</span>{' '}
        <span className={`state state-${runState}`} data-testid="run-state">
          {runState}
        </span>
      </div>
      <div className="status-item">
        <span className="k">iteration</span>{' '}
        <span className="v" data-testid="iteration">
          {iteration}
        </span>
      </div>
      <div className="status-item">
        <span className="k">tokens/s</span>{' '}
        <span className="v" data-testid="tokens-per-s">
          {tokensPerS === null ? '—' : fmt(tokensPerS, 3)}
        </span>
      </div>
      <div className="status-item">
        <span className="k">s/iteration</span> <span className="v">{iterMs === null ? '—' : fmt(iterMs / 1000, 3)}</span>
      </div>
      {message || progress !== null ? (
        <div className="status-item progress-item" data-testid="progress">
          {progress !== null ? <progress max={1} value={progress} aria-label={message ?? 'progress'} /> : null}
          {message ? <span className="muted">{message}</span> : null}
        </div>
      ) : null}
    </div>
  );
}
