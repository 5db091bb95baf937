/**
 * Compare runs from the lab board: pin the run on screen once it has iterations, change a
 * setting, run again, and every time chart overlays the pinned runs. Lists the pinned runs
 * (named by how they differ), and copies a link that replays the whole comparison.
 */
import { useState } from 'react';
import { useLab } from '../store';
import { clearPinned, comparisonQuery, labelsOf, PIN_COLORS, pinCurrent, unpin, useCompare } from './compare';

export function PinBar() {
  const runs = useCompare((s) => s.runs);
  const liveId = useCompare((s) => s.liveId);
  const message = useCompare((s) => s.message);
  const canPin = useLab((s) => s.iteration > 0 && s.runState !== 'running' && s.runState !== 'loading');
  const setRoute = useLab((s) => s.setRoute);
  // Inside an open experiment the gallery is one tab away already.
  const inGallery = useLab((s) => s.route.view === 'experiments');
  const [link, setLink] = useState<string | null>(null);
  const labels = labelsOf(runs);
  const share = () => {
    const url = `${location.origin}${location.pathname}?${comparisonQuery(runs)}`;
    setLink(url);
    void navigator.clipboard?.writeText(url).catch(() => {});
  };
  return (
    <section className="pin-bar" data-testid="pin-bar" aria-label="Compare runs">
      <button
        type="button"
        disabled={!canPin || liveId !== null}
        onClick={() => pinCurrent()}
        data-testid="pin-run"
        title="Keep this run on the charts, to compare the next run against it"
      >
        Pin this run
      </button>
      {runs.length ? (
        <ul className="pinned" data-testid="pinned-runs">
          {runs.map((r, i) => (
            <li key={r.id}>
              <span className="swatch" style={{ background: PIN_COLORS[i % PIN_COLORS.length] }} />
              {labels[i]}
              {r.id === liveId ? <span className="muted small"> (on screen)</span> : null}
              <button type="button" className="unpin" aria-label={`Unpin ${labels[i]}`} onClick={() => unpin(r.id)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <span className="muted small">Pin a finished run, change a setting, and run again: the charts overlay both.</span>
      )}
      {runs.length ? (
        <>
          <button type="button" onClick={share} data-testid="share-comparison">
            Copy comparison link
          </button>
          <button type="button" onClick={clearPinned} data-testid="clear-pinned">
            Clear
          </button>
        </>
      ) : null}
      {inGallery ? null : (
        <button
          type="button"
          className="linklike"
          onClick={() => setRoute({ view: 'experiments', experiment: null })}
          data-testid="to-experiments"
        >
          Experiments: questions users ask, one click each →
        </button>
      )}
      {link ? (
        <input readOnly className="link-out" value={link} aria-label="Comparison link" onFocus={(ev) => ev.target.select()} />
      ) : null}
      {message ? <p className="muted small">{message}</p> : null}
    </section>
  );
}
