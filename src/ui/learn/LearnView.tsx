/** The Learn view: a guided path through the text the lab teaches, one chapter per step. */
export function LearnView({ chapter }: { chapter: number }) {
  return (
    <main className="learn" data-testid="learn-view">
      <p>Learn, chapter {chapter}: in preparation.</p>
    </main>
  );
}
