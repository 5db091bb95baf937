/**
 * The notice list: every worker error and every corrected lab-link field, in one collapsible
 * list with a count (none is dropped for lack of room; past MAX_NOTICES the oldest go, and the
 * list says how many). Each notice that needs a decision carries the one action that works:
 * after a NaN, the change that addresses the cause the lab can see (nan-recovery.ts); after a
 * crash or a failed load, Reset; once the worker is gone for good, a reload.
 * Messages are rendered as text, never as HTML.
 */
import { useState } from 'react';
import { recoveries, type Recovery } from '../nan-recovery';
import type { ErrorBanner } from '../slices/run';
import { useLab } from '../store';
import './notices.css';

const TITLES: Record<ErrorBanner['kind'], string> = {
  nan: 'The loss became NaN',
  backend: 'Backend',
  config: 'Configuration refused',
  checkpoint: 'Reference checkpoint',
  crash: 'The training worker crashed',
  internal: 'Internal error',
  link: 'Lab link corrected',
};

function applyRecovery(r: Recovery, e: ErrorBanner): void {
  const { setParam, start, applyAndReset, dismissError, nanTried } = useLab.getState();
  useLab.setState({ nanTried: [...nanTried, r.id] });
  dismissError(e.id);
  for (const [k, v] of Object.entries(r.live ?? {})) setParam(k as keyof typeof r.live, v);
  for (const [k, v] of Object.entries(r.structural ?? {})) setParam(k as keyof typeof r.structural, v);
  if (r.structural) applyAndReset();
  else start();
}

function NanActions({ e }: { e: ErrorBanner }) {
  const config = useLab((s) => s.inForce ?? s.draft);
  const tried = useLab((s) => s.nanTried);
  const next = recoveries(config, tried)[0];
  if (!next)
    return (
      <span className="muted" data-testid="nan-exhausted">
        Every change the lab could suggest has been tried: reset to start over, or change the settings yourself.
      </span>
    );
  return (
    <button
      type="button"
      className="primary"
      data-testid="nan-recover"
      data-recovery={next.id}
      onClick={() => applyRecovery(next, e)}
    >
      {next.label}
    </button>
  );
}

function Actions({ e }: { e: ErrorBanner }) {
  const stopped = useLab((s) => s.runState === 'stopped');
  // Once stopped, only the notice that says so offers the reload; the earlier crashes were handled.
  const lastCrash = useLab((s) => s.errors.filter((x) => x.kind === 'crash').at(-1)?.id);
  const { applyAndReset, dismissError } = useLab.getState();
  return (
    <div className="banner-actions">
      {e.kind === 'nan' && !stopped ? <NanActions e={e} /> : null}
      {stopped && e.id === lastCrash ? (
        <button type="button" className="primary" data-testid="reload" onClick={() => location.reload()}>
          Reload the page
        </button>
      ) : !stopped && (e.kind === 'crash' || e.kind === 'checkpoint' || e.kind === 'internal' || e.kind === 'nan') ? (
        <button type="button" onClick={applyAndReset}>
          Reset
        </button>
      ) : null}
      <button type="button" onClick={() => dismissError(e.id)} aria-label="Dismiss">
        Dismiss
      </button>
    </div>
  );
}

export function ErrorBanners() {
  const errors = useLab((s) => s.errors);
  const dropped = useLab((s) => s.droppedNotices);
  const [open, setOpen] = useState(true);
  if (!errors.length) return null;
  const count = errors.length + dropped;
  return (
    <section className="notices" aria-label="Notices" data-testid="notices">
      <div className="notices-head">
        <button
          type="button"
          className="link-button"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          data-testid="notices-toggle"
        >
          {open ? '▾' : '▸'} <span data-testid="notice-count">{count}</span> {count === 1 ? 'notice' : 'notices'}
        </button>
        <button
          type="button"
          className="small"
          onClick={() => useLab.setState({ errors: [], droppedNotices: 0 })}
          data-testid="notices-clear"
        >
          Dismiss all
        </button>
      </div>
      {open ? (
        <ol className="banners">
          {dropped ? <li className="muted small">{dropped} earlier notices were dropped.</li> : null}
          {errors.map((e) => (
            <li key={e.id} className={`banner banner-${e.kind}`} role="alert" data-testid="error" data-kind={e.kind}>
              <div className="banner-text">
                <strong>{TITLES[e.kind]}</strong>
                {e.iteration !== undefined ? ` (iteration ${e.iteration})` : ''}: {e.message}
              </div>
              <Actions e={e} />
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
