/**
 * The page's high-frequency data, outside React: the metrics history and the token
 * stream are mutated in place as events arrive, and frame.ts publishes them to the store
 * at most once per animation frame.
 */
import type { Metrics } from '../../engine/metrics';
import type { Marker } from '../slices/metrics';
import type { CurrentMinibatch } from '../slices/tokens';
import { BoundedHistory } from './history';
import { TokenStream } from './token-stream';

/** Enough for a 10,000-iteration run at ≤ 2,000 rows per series (pairs merge past it). */
export const HISTORY_CAP = 2000;
/** Parameter-change markers kept (the oldest go first). */
export const MAX_MARKERS = 200;

export const labData = {
  history: new BoundedHistory(HISTORY_CAP),
  stream: new TokenStream(),
  minibatch: null as CurrentMinibatch | null,
  latest: null as Metrics | null,
  /** Replaced, never mutated, when a marker is added. */
  markers: [] as readonly Marker[],
  /** What changed since the last frame was published. */
  dirty: { metrics: false, tokens: false, minibatch: false, iteration: false },
};

export function clearLabData(): void {
  labData.history.clear();
  labData.stream = new TokenStream();
  labData.minibatch = null;
  labData.latest = null;
  labData.markers = [];
  labData.dirty = { metrics: true, tokens: true, minibatch: true, iteration: true };
}
