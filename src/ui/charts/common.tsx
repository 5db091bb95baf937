/**
 * Pieces every chart shares: axis styling, the parameter-change marker lines, the iteration
 * label of a history row. Colours are CSS variables (styles.css) so light, dark and
 * projector modes restyle the charts without redrawing them.
 */
import type { ReactNode } from 'react';
import { ReferenceLine } from 'recharts';
import type { HistoryRow } from '../data/history';
import type { Marker } from '../slices/metrics';
import { useLab } from '../store';

/** Tick and label styling, from the CSS font size (projector mode scales it). */
export const AXIS = {
  tick: { fontSize: 'var(--chart-font)', fill: 'var(--fg-muted)' },
  stroke: 'var(--grid-strong)',
} as const;

export const axisLabel = (
  value: string,
  axis: 'x' | 'y' | 'y2',
): {
  value: string;
  position: 'insideBottom' | 'insideLeft' | 'insideRight';
  angle?: number;
  offset?: number;
  style: { fill: string; fontSize: string; textAnchor: 'middle' };
} => ({
  value,
  position: axis === 'x' ? 'insideBottom' : axis === 'y' ? 'insideLeft' : 'insideRight',
  ...(axis === 'x' ? { offset: -2 } : { angle: axis === 'y' ? -90 : 90, offset: 10 }),
  style: { fill: 'var(--fg-muted)', fontSize: 'var(--chart-font)', textAnchor: 'middle' },
});

/** Room for a y axis's ticks and label: more in projector mode, where the text is larger. */
export function useAxisWidth(base = 60): number {
  return useLab((s) => (s.largeFont ? Math.round(base * 1.4) : base));
}

/** Only the most recent markers get a text label; older ones stay as lines (less clutter). */
const LABELLED_MARKERS = 6;

/**
 * One dashed vertical line per parameter change, labelled with what changed; the label sits
 * on the side of the line with room for it (left of lines in the right half of `xDomain`).
 */
export function markerLines(markers: readonly Marker[], xDomain: readonly [number, number], yAxisId?: string): ReactNode[] {
  const [lo, hi] = xDomain;
  return markers.map((m, i) => (
    <ReferenceLine
      key={`m${i}-${m.iter}`}
      x={m.iter}
      {...(yAxisId ? { yAxisId } : {})}
      stroke="var(--marker)"
      strokeDasharray="4 3"
      ifOverflow="discard"
      label={
        i >= markers.length - LABELLED_MARKERS
          ? {
              value: m.label,
              position: hi > lo && (m.iter - lo) / (hi - lo) > 0.5 ? 'insideTopRight' : 'insideTopLeft',
              fill: 'var(--marker)',
              className: 'marker-label',
            }
          : undefined
      }
    />
  ));
}

/** "iteration 12", or "iterations 9–12 (mean of 4)" once the history is downsampled. */
export const iterationLabel = (row: HistoryRow): string =>
  row.n > 1 ? `iterations ${row.from}–${row.iter} (mean of ${row.n})` : `iteration ${row.iter}`;
