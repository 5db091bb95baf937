/** One experiment's card: the question, the reports it answers, what to set and watch, the signal, why, and how long. */
import { runLink, type Experiment } from '../../engine/experiments';
import { openExperiment, openRun } from './open';

const duration = (s: number) => (s < 60 ? `about ${s} s` : `about ${Math.round(s / 60)} min`);

export function ExperimentCard({ e, compact = false }: { e: Experiment; compact?: boolean }) {
  return (
    <article className={`experiment-card ${compact ? 'compact' : ''}`} data-testid={`experiment-card-${e.name}`}>
      <header>
        <h2>{e.title}</h2>
        <p className="question">“{e.question}”</p>
        <p className="reports muted small">
          Asked in: {e.reports.join(' · ')} · {e.runs.length > 1 ? `${e.runs.length} runs` : '1 run'} of {e.iterations} iterations
          · {duration(e.wasmSeconds)} on wasm
        </p>
      </header>
      <dl>
        <dt>Set</dt>
        <dd>{e.set}</dd>
        <dt>Watch</dt>
        <dd>
          {e.watch.map((k) => (
            <code key={k}>{k}</code>
          ))}
        </dd>
        <dt>Signal</dt>
        <dd data-testid="experiment-signal">{e.signal.text}</dd>
        {compact ? (
          <>
            <dt>Why</dt>
            <dd>{e.why}</dd>
            <dt>Read</dt>
            <dd className="small">
              {e.sections.map((s) => (
                <span key={s} className="section-ref">
                  “{s}”
                </span>
              ))}{' '}
              in the deep dive
            </dd>
          </>
        ) : null}
      </dl>
      {compact ? (
        <ul className="experiment-runs">
          {e.runs.map((r) => (
            <li key={r.id}>
              <button type="button" className="linklike" onClick={() => openRun(e, r)} title="Load this run alone into the lab">
                {r.label}
              </button>{' '}
              <a className="small" href={`?${runLink(e, r)}`}>
                link
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <div className="card-actions">
          <a
            href={`?${runLink(e)}`}
            className="button"
            data-testid={`open-${e.name}`}
            onClick={(ev) => {
              if (ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
              ev.preventDefault();
              openExperiment(e.name);
            }}
          >
            Open in the lab
          </a>
        </div>
      )}
    </article>
  );
}
