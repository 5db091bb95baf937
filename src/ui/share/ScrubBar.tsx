/**
 * The timeline under the charts: drag back to any past iteration of the current run to see
 * its ratio histogram, six-case counts, KL by position and completions; "Live" returns to
 * the newest. Training is not paused by scrubbing: the time charts keep growing.
 */
import { useEffect } from 'react';
import { TOKEN_ITERATIONS } from '../data/run-record';
import { useLab } from '../store';
import { useHidden } from './page-mode';
import { runRecord } from './record';
import { scrubTo } from './scrub';

export function ScrubBar() {
  const iteration = useLab((s) => s.iteration);
  const scrub = useLab((s) => s.scrub);
  const loaded = useLab((s) => s.loaded);
  const hidden = useHidden('panel-timeline');
  // A new run (reset, new config) has no past to show.
  useEffect(() => scrubTo(null), [loaded]);
  if (hidden || iteration < 2) return null;
  const first = runRecord.metrics[0]?.iter ?? 1;
  const shown = scrub?.iteration ?? iteration;
  const tokensFrom = runRecord.tokensFrom;
  return (
    <div className={`scrub-bar ${scrub ? 'scrubbing' : ''}`} data-testid="scrub-bar">
      <label>
        <span className="scrub-label">
          {scrub ? (
            <>
              Showing iteration <strong data-testid="scrub-iteration">{shown}</strong> of {iteration}
            </>
          ) : (
            <>Live: iteration {iteration}</>
          )}
        </span>
        <input
          type="range"
          min={first}
          max={iteration}
          step={1}
          value={shown}
          onChange={(e) => scrubTo(Number(e.target.value))}
          aria-label="Iteration shown by the ratio histogram, six cases, KL by position and token stream"
          data-testid="scrub"
        />
      </label>
      <button type="button" disabled={!scrub} onClick={() => scrubTo(null)} data-testid="scrub-live">
        Live
      </button>
      <span className="muted small" data-testid="scrub-note">
        {scrub && !scrub.tokensKept
          ? `The tokens of iteration ${shown} were dropped: the page keeps the last ${TOKEN_ITERATIONS} iterations' tokens (from ${tokensFrom ?? '–'}).`
          : runRecord.tokensDropped
            ? `Tokens are kept for the last ${TOKEN_ITERATIONS} iterations (from ${tokensFrom}); older ones show their charts only.`
            : 'Ratio histogram, six cases, KL by position and token stream follow this bar; training goes on.'}
      </span>
    </div>
  );
}
