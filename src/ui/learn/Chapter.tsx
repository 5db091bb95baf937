/** The frame of one Learn chapter: its number and subject as an h2, prose, a widget, a way into the lab. */
import type { ReactNode } from 'react';

export function Chapter({ n, title, cites, children }: { n: number; title: string; cites: string[]; children: ReactNode }) {
  return (
    <article className="chapter" data-testid={`chapter-${n}`} aria-labelledby={`chapter-${n}-title`}>
      <h2 id={`chapter-${n}-title`}>
        <span className="chapter-number">{n}.</span> {title}
      </h2>
      {children}
      <p className="cites muted small">In the reference text (ppo-deep-dive.md): {cites.map((c) => `“${c}”`).join(', ')}.</p>
    </article>
  );
}
