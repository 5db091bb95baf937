/**
 * Metrics slice: snapshots of the bounded history, published once per animation frame, and
 * the iteration scrubbed back to, if any (share/scrub.ts): while `scrub` is set, the
 * per-iteration panels (ratio histogram, six cases, KL by position, token stream) show that
 * iteration instead of the latest, and training goes on behind them.
 */
import type { Metrics } from '../../engine/metrics';
import type { HistoryRow } from '../data/history';
import type { TokenStream } from '../data/token-stream';
import type { Slice, LabState } from '../store';
import type { CurrentMinibatch } from './tokens';

/** Where a live parameter took effect: every time chart draws it as a labelled line. */
export interface Marker {
  iter: number;
  label: string;
}

/** A past iteration, as the per-iteration panels draw it. */
export interface ScrubView {
  iteration: number;
  latest: Metrics;
  /** Its last minibatch pass; null when its tokens were dropped. */
  minibatch: CurrentMinibatch | null;
  /** Its completions (empty when its tokens were dropped). */
  stream: TokenStream;
  tokensKept: boolean;
}

export interface MetricsSlice {
  rows: HistoryRow[];
  latest: Metrics | null;
  markers: readonly Marker[];
  scrub: ScrubView | null;
}

export const createMetricsSlice: Slice<MetricsSlice> = () => ({
  rows: [],
  latest: null,
  markers: [],
  scrub: null,
});

/** The iteration the per-iteration panels show: the scrubbed one, else the latest. */
export const shownLatest = (s: LabState): Metrics | null => (s.scrub ? s.scrub.latest : s.latest);
export const shownMinibatch = (s: LabState): CurrentMinibatch | null => (s.scrub ? s.scrub.minibatch : s.minibatch);
