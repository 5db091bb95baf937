/**
 * Scrubbing back through the current run: a past iteration's metrics come from the run
 * record (all of them are kept), its completions and minibatch passes from the token data
 * of the last TOKEN_ITERATIONS iterations. The view is rebuilt from what the worker sent,
 * with the same TokenStream the live page fills, so a past iteration looks exactly as it
 * did live at the end of its update.
 */
import { TokenStream } from '../data/token-stream';
import type { ScrubView } from '../slices/metrics';
import { useLab } from '../store';
import { runRecord } from './record';

export function scrubView(iteration: number): ScrubView | null {
  const latest = runRecord.metricsAt(iteration);
  if (!latest) return null;
  const it = runRecord.tokensAt(iteration);
  const stream = new TokenStream();
  if (!it) return { iteration, latest, minibatch: null, stream, tokensKept: false };
  stream.setRollout(iteration, it.rollout);
  for (const pass of it.passes) stream.addMinibatch(iteration, pass);
  const last = it.passes.at(-1);
  return { iteration, latest, minibatch: last ? { iteration, data: last } : null, stream, tokensKept: true };
}

/** Shows a past iteration (null, or the latest iteration: back to live). */
export function scrubTo(iteration: number | null): void {
  const latest = runRecord.metrics.at(-1)?.iter;
  if (iteration === null || iteration === latest) return useLab.setState({ scrub: null });
  const view = scrubView(iteration);
  if (view) useLab.setState({ scrub: view });
}
