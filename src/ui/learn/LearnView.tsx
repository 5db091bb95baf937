/**
 * The Learn view: a guided path through the argument the lab illustrates, from the true
 * objective to GRPO, one chapter per step, each with its formulas, a widget and a way into
 * the lab. The chapter is part of the page's address (`?view=learn&chapter=4`).
 */
import { useEffect } from 'react';
import { useLab } from '../store';
import { CHAPTERS } from './chapters';
import './learn.css';

export function LearnView({ chapter }: { chapter: number }) {
  const setRoute = useLab((s) => s.setRoute);
  const index = Math.max(
    0,
    CHAPTERS.findIndex((c) => c.n === chapter),
  );
  const entry = CHAPTERS[index]!;
  const missing = !CHAPTERS.some((c) => c.n === chapter);
  const go = (n: number) => setRoute({ view: 'learn', chapter: n });
  // A new chapter starts at its top, not where the last one was scrolled to.
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [entry.n]);
  const Body = entry.component;
  const prev = CHAPTERS[index - 1];
  const next = CHAPTERS[index + 1];
  return (
    <div className="learn" data-testid="learn-view">
      <nav className="learn-nav" aria-label="Chapters">
        <h2 className="learn-nav-title">Learn PPO</h2>
        <ol>
          {CHAPTERS.map((c) => (
            <li key={c.n}>
              <button
                type="button"
                aria-current={c.n === entry.n ? 'page' : undefined}
                className={c.n === entry.n ? 'active' : undefined}
                onClick={() => go(c.n)}
                data-testid={`learn-nav-${c.n}`}
              >
                <span className="chapter-number">{c.n}.</span> {c.short}
              </button>
            </li>
          ))}
        </ol>
        <p className="muted small">
          Each chapter ends with a button that opens the lab set up for it. The lab’s own numbers are explained by its{' '}
          <span className="help inline">?</span> buttons.
        </p>
      </nav>
      <main className="learn-main">
        {missing ? (
          <p className="note" role="status" data-testid="learn-missing">
            There is no chapter {chapter}; here is chapter {entry.n}.
          </p>
        ) : null}
        <Body key={entry.n} />
        <nav className="learn-pager" aria-label="Previous and next chapter">
          {prev ? (
            <button type="button" onClick={() => go(prev.n)} data-testid="learn-prev">
              ← {prev.n}. {prev.short}
            </button>
          ) : (
            <span />
          )}
          {next ? (
            <button type="button" onClick={() => go(next.n)} data-testid="learn-next">
              {next.n}. {next.short} →
            </button>
          ) : null}
        </nav>
      </main>
    </div>
  );
}
