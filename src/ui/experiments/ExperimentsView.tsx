/** The Experiments gallery: questions users of real trainers ask, each answered by a run. */
export function ExperimentsView({ experiment }: { experiment: string | null }) {
  return (
    <main className="experiments" data-testid="experiments-view">
      <p>Experiments{experiment ? `: ${experiment}` : ''}: in preparation.</p>
    </main>
  );
}
