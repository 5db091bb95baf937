/** Metrics slice: snapshots of the bounded history, published once per animation frame. */
import type { Metrics } from '../../engine/metrics';
import type { HistoryRow } from '../data/history';
import type { Slice } from '../store';

/** Where a live parameter took effect: every time chart draws it as a labelled line. */
export interface Marker {
  iter: number;
  label: string;
}

export interface MetricsSlice {
  rows: HistoryRow[];
  latest: Metrics | null;
  markers: readonly Marker[];
}

export const createMetricsSlice: Slice<MetricsSlice> = () => ({
  rows: [],
  latest: null,
  markers: [],
});
