/**
 * The Experiments gallery: questions users of real trainers ask, each answered by runs of
 * this lab (engine/experiments.ts). With an experiment chosen, its card and run panel sit
 * beside the lab (the `children`: the lab board), whose charts overlay the runs compared.
 * A shared comparison link (`runs=` repeated) lists its runs to replay the same way.
 */
import type { ReactNode } from 'react';
import { EXPERIMENTS, findExperiment } from '../../engine/experiments';
import { differenceLabels, readSharedRuns } from './compare';
import { ExperimentCard } from './ExperimentCard';
import { RunPanel, SequenceStatus, useSequence } from './RunPanel';
import './experiments.css';

const SHARED_ITERATIONS = 20;

function Gallery({ notice }: { notice?: string }) {
  return (
    <main className="experiments" data-testid="experiments-view">
      <header className="gallery-head">
        <h2>Experiments</h2>
        <p>
          Questions that come up again and again in the issue trackers of TRL, CleanRL, verl, OpenRLHF and SkyRL, each answered by
          a run you can watch. Open one: its first run loads in the lab, its card stays beside it, and “Run” trains every run it
          compares, overlaid on the same charts.
        </p>
        {notice ? <p className="error small">{notice}</p> : null}
      </header>
      <div className="gallery" data-testid="experiments-gallery">
        {EXPERIMENTS.map((e) => (
          <ExperimentCard key={e.name} e={e} />
        ))}
      </div>
    </main>
  );
}

function SharedComparison({ links, children }: { links: string[]; children: ReactNode }) {
  const { phase, run, stop } = useSequence();
  const { runs, errors } = readSharedRuns(links);
  const labels = differenceLabels(runs);
  const plan = runs.map((r, i) => ({ label: labels[i]!, config: r.config, timeline: r.timeline }));
  return (
    <div className="experiment-layout" data-testid="experiments-view">
      <aside className="experiment-side">
        <article className="experiment-card compact" data-testid="shared-comparison">
          <h2>A shared comparison</h2>
          <p>{runs.length} runs, each an ordinary lab link; they differ in:</p>
          <ul>
            {labels.map((l, i) => (
              <li key={i}>{l}</li>
            ))}
          </ul>
          {errors.map((m) => (
            <p key={m} className="error small">
              {m}
            </p>
          ))}
          <button
            type="button"
            className="primary"
            disabled={!runs.length || phase.kind === 'running'}
            onClick={() => run(plan, SHARED_ITERATIONS)}
            data-testid="run-comparison"
          >
            Run them side by side ({SHARED_ITERATIONS} iterations each)
          </button>
          {phase.kind === 'running' ? (
            <button type="button" onClick={stop}>
              Stop
            </button>
          ) : null}
          <SequenceStatus phase={phase} />
        </article>
      </aside>
      {children}
    </div>
  );
}

export function ExperimentsView({
  experiment,
  runs,
  children,
}: {
  experiment: string | null;
  runs?: string[];
  /** The lab board, shown beside an open experiment. */
  children?: ReactNode;
}) {
  if (runs?.length) return <SharedComparison links={runs}>{children}</SharedComparison>;
  if (experiment === null) return <Gallery />;
  const e = findExperiment(experiment);
  if (!e)
    return (
      <Gallery notice={`There is no experiment named ${JSON.stringify(experiment.slice(0, 60))}: here are those there are.`} />
    );
  return (
    <div className="experiment-layout" data-testid="experiments-view">
      <aside className="experiment-side">
        <ExperimentCard e={e} compact />
        <RunPanel e={e} />
      </aside>
      {children}
    </div>
  );
}
