/**
 * The frame of one Learn chapter: its number and subject as an h2, prose, a widget, a way into
 * the lab, and the experiments of the gallery that show the chapter's point on a real run.
 */
import type { ReactNode } from 'react';
import { ExperimentLink } from '../experiments/ExperimentLink';

/** The gallery's experiments (engine/experiments.ts) that belong with each chapter. */
const CHAPTER_EXPERIMENTS: Record<number, string[]> = {
  4: ['ratio-not-one', 'clip-zero'],
  5: ['clip-zero', 'approxkl-explodes', 'approxkl-which', 'length-bias'],
  6: ['negative-kl', 'kl-where', 'reward-hacking'],
  7: ['entropy-collapse'],
  8: ['grpo-ties', 'length-bias'],
};

export function Chapter({ n, title, cites, children }: { n: number; title: string; cites: string[]; children: ReactNode }) {
  return (
    <article className="chapter" data-testid={`chapter-${n}`} aria-labelledby={`chapter-${n}-title`}>
      <h2 id={`chapter-${n}-title`}>
        <span className="chapter-number">{n}.</span> {title}
      </h2>
      {children}
      {CHAPTER_EXPERIMENTS[n] ? (
        <section className="chapter-experiments" aria-label="Experiments for this chapter">
          <h3>See it go wrong in a real run</h3>
          <ul>
            {CHAPTER_EXPERIMENTS[n].map((name) => (
              <li key={name}>
                <ExperimentLink name={name} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p className="cites muted small">In the reference text (ppo-deep-dive.md): {cites.map((c) => `“${c}”`).join(', ')}.</p>
    </article>
  );
}
