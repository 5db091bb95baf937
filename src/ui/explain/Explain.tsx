/** The "?" of a chart or panel, and the short text it opens (explain/texts.ts). */
import { useId, useRef, useState, type ReactNode } from 'react';
import { useNearViewport, VisibleContext } from '../charts/visibility';
import { useLab } from '../store';
import { EXPLAIN, type ExplainId } from './texts';

export function ExplainText({ id }: { id: ExplainId }) {
  const e = EXPLAIN[id];
  return (
    <div className="explain-text">
      {e.body.map((p, i) => (
        <p key={i}>{p}</p>
      ))}
      <blockquote>
        <span className="quote-label">In the text the lab teaches (ppo-deep-dive.md),</span> {e.seed}
      </blockquote>
      {'metrics' in e && e.metrics ? (
        <p className="metric-names">
          Metrics:{' '}
          {e.metrics.map((m) => (
            <code key={m}>{m}</code>
          ))}
        </p>
      ) : null}
    </div>
  );
}

/** A titled card with a "?" that toggles its explanation. */
export function Card(props: {
  title: ReactNode;
  explain: ExplainId | ExplainId[];
  testId?: string;
  className?: string;
  tools?: ReactNode;
  children: ReactNode;
  attrs?: Record<string, string>;
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const ids = Array.isArray(props.explain) ? props.explain : [props.explain];
  const ref = useRef<HTMLElement>(null);
  const near = useNearViewport(ref);
  // Off-screen charts wait while training runs, and catch up once it stops.
  const idle = useLab((s) => s.runState !== 'running');
  return (
    <section ref={ref} className={`card ${props.className ?? ''}`} data-testid={props.testId} {...props.attrs}>
      <header className="card-head">
        <h2>{props.title}</h2>
        <div className="card-tools">
          {props.tools}
          <button
            type="button"
            className="help"
            aria-expanded={open}
            aria-controls={open ? panelId : undefined}
            aria-label={`Explain: ${EXPLAIN[ids[0]!].title}`}
            title="What is this?"
            onClick={() => setOpen(!open)}
          >
            ?
          </button>
        </div>
      </header>
      {open ? (
        <div id={panelId} className="explain" data-testid={`explain-${ids[0]}`}>
          {ids.map((id) => (
            <div key={id}>
              {ids.length > 1 ? <h3>{EXPLAIN[id].title}</h3> : null}
              <ExplainText id={id} />
            </div>
          ))}
        </div>
      ) : null}
      <VisibleContext value={near || idle}>{props.children}</VisibleContext>
    </section>
  );
}
