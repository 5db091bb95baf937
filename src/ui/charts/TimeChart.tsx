/**
 * A metric (or a few) over iterations, from the bounded history: labelled axes, the exact
 * values of the hovered (or latest) iteration in the legend, a dashed labelled line wherever
 * a live parameter took effect, an optional second y axis (β beside the KL) and ± band.
 *
 * recharts draws the frame; the series are paths in a layer of their own (layers.tsx), and
 * the axis bounds snap to round numbers (nice.ts), so a new iteration usually redraws only
 * the paths. Pinned runs (experiments/compare.ts) are drawn under the live one on the same
 * axes, one colour per run, and named in the legend. While the student scrubs back
 * (share/scrub.ts), a solid line marks the iteration the per-iteration panels show.
 */
import { memo, useMemo, useState, type ReactNode } from 'react';
import { CartesianGrid, ComposedChart, ReferenceLine, XAxis, YAxis } from 'recharts';
import type { HistoryRow } from '../data/history';
import { useOverlays, type Overlay } from '../experiments/compare';
import { fmt, fmtExact } from '../format';
import type { Marker } from '../slices/metrics';
import { useLab } from '../store';
import { AXIS, axisLabel, iterationLabel, markerLines, useAxisWidth } from './common';
import { HoverContext, HoverLayer, LayerContext, SeriesLayer, type LayerData, type Row } from './layers';
import { iterationDomain, niceDomain } from './nice';
import { useShown } from './visibility';

export interface SeriesSpec {
  /** Metric key in the history rows. */
  key: string;
  label: string;
  color: string;
  axis?: 'left' | 'right';
  dashed?: boolean;
}

export interface BandSpec {
  label: string;
  color: string;
  lower: (row: Row) => number | null;
  upper: (row: Row) => number | null;
}

export interface TimeChartProps {
  rows: HistoryRow[];
  markers: readonly Marker[];
  series: SeriesSpec[];
  yLabel: string;
  rightLabel?: string;
  band?: BandSpec;
  /** Horizontal reference lines (a target, a threshold). */
  refs?: { y: number; label: string; axis?: 'left' | 'right' }[];
  /** CSS height (rem: it grows with projector mode). */
  height?: string;
  /** Keep 0 on the left y axis (shares, lengths, entropies). */
  fromZero?: boolean;
  tickFormat?: (v: number) => string;
  /** How the legend prints a value (default: 7 significant digits). */
  valueFormat?: (v: number) => string;
  /** Shown instead of the chart when none of the series has a value yet. */
  empty?: ReactNode;
}

const X_LABEL = axisLabel('iteration', 'x');
const defaultTick = (v: number) => fmt(v, 3);
const NO_REFS: NonNullable<TimeChartProps['refs']> = [];

/** The live run's rows and every pinned run's, for the axis bounds. */
const withOverlays = (rows: readonly Row[], overlays: readonly Overlay[]): Row[] => [...rows, ...overlays.flatMap((o) => o.rows)];

function valuesOf(rows: readonly Row[], keys: string[], band?: BandSpec): number[] {
  const out: number[] = [];
  for (const r of rows) {
    for (const k of keys) {
      const v = r[k];
      if (typeof v === 'number') out.push(v);
    }
    if (band) {
      const lo = band.lower(r);
      const hi = band.upper(r);
      if (lo !== null) out.push(lo);
      if (hi !== null) out.push(hi);
    }
  }
  return out;
}

/** Domain as a stable array: the same numbers give the same array (so the frame's memo holds). */
function useDomain(d: [number, number]): [number, number] {
  const [lo, hi] = d;
  return useMemo(() => [lo, hi], [lo, hi]);
}

export function TimeChart(p: TimeChartProps) {
  // One queued redraw for rows and markers together.
  const latest = useMemo(() => ({ rows: p.rows, markers: p.markers }), [p.rows, p.markers]);
  const { rows, markers } = useShown(latest);
  const overlays = useOverlays();
  const scrubbed = useLab((s) => s.scrub?.iteration ?? null);
  const [hovered, setHovered] = useState<number | null>(null);
  const left = p.series.filter((s) => s.axis !== 'right').map((s) => s.key);
  const right = p.series.filter((s) => s.axis === 'right').map((s) => s.key);
  const refs = p.refs ?? NO_REFS;
  const all = useMemo(() => withOverlays(rows, overlays), [rows, overlays]);
  // Rows are in iteration order (and so are every pinned run's): first and last bound the x axis.
  const xRange = useMemo<[number, number]>(() => {
    const ends = [rows, ...overlays.map((o) => o.rows)].filter((r) => r.length);
    if (!ends.length) return [0, 1];
    return iterationDomain(Math.min(...ends.map((r) => r[0]!.from)), Math.max(...ends.map((r) => r[r.length - 1]!.iter)));
  }, [rows, overlays]);
  const xDomain = useDomain(xRange);
  const yDomain = useDomain(
    niceDomain([...valuesOf(all, left, p.band), ...refs.filter((r) => r.axis !== 'right').map((r) => r.y)], p.fromZero),
  );
  const y2Domain = useDomain(niceDomain(valuesOf(all, right)));
  const layer = useMemo<LayerData>(
    () => ({ rows, xKey: 'iter', series: p.series, ...(p.band ? { band: p.band } : {}) }),
    [rows, p.series, p.band],
  );
  const pinned = useMemo<LayerData[]>(
    () => overlays.map((o) => ({ rows: o.rows, xKey: 'iter', series: p.series.map((s) => ({ ...s, color: o.color })) })),
    [overlays, p.series],
  );
  const hover = useMemo(() => ({ hovered, onHover: setHovered }), [hovered]);
  const hasData = all.some((r) => p.series.some((s) => typeof r[s.key] === 'number'));
  const shownRow = rows[hovered ?? rows.length - 1];
  // The frame is drawn even before data comes: mounting a chart costs more than updating it,
  // so it is paid while the page loads, not when the first iteration arrives.
  return (
    <div className="time-chart">
      {hasData ? null : <div className="chart-overlay">{p.empty ?? 'Waiting for the first iteration…'}</div>}
      <LayerContext value={layer}>
        <HoverContext value={hover}>
          <Frame
            xDomain={xDomain}
            yDomain={yDomain}
            y2Domain={right.length ? y2Domain : null}
            yLabel={p.yLabel}
            rightLabel={p.rightLabel ?? ''}
            markers={markers}
            refs={refs}
            height={p.height ?? '12rem'}
            tickFormat={p.tickFormat ?? defaultTick}
            pinned={pinned}
            scrubbed={scrubbed}
          />
        </HoverContext>
      </LayerContext>
      <ValueLegend
        series={p.series}
        band={p.band}
        row={shownRow}
        hovering={hovered !== null}
        markers={markers}
        format={p.valueFormat ?? fmtExact}
        overlays={overlays}
      />
    </div>
  );
}

interface FrameProps {
  xDomain: [number, number];
  yDomain: [number, number];
  y2Domain: [number, number] | null;
  yLabel: string;
  rightLabel: string;
  markers: readonly Marker[];
  refs: NonNullable<TimeChartProps['refs']>;
  height: string;
  tickFormat: (v: number) => string;
  /** Pinned runs, drawn under the live one. */
  pinned: LayerData[];
  /** The past iteration scrubbed to; null when live. */
  scrubbed: number | null;
}

/** The recharts frame: axes, grid, reference lines and markers, and the data layers inside. */
const Frame = memo(function Frame(p: FrameProps) {
  const style = useMemo(() => ({ width: '100%', height: p.height }), [p.height]);
  const margin = useMemo(() => ({ top: 8, right: p.y2Domain ? 4 : 16, bottom: 14, left: 4 }), [p.y2Domain]);
  const yLabel = useMemo(() => axisLabel(p.yLabel, 'y'), [p.yLabel]);
  const axisWidth = useAxisWidth();
  const rightLabel = useMemo(() => axisLabel(p.rightLabel, 'y2'), [p.rightLabel]);
  const markerEls = useMemo(() => markerLines(p.markers, p.xDomain, 'left'), [p.markers, p.xDomain]);
  return (
    <ComposedChart responsive style={style} margin={margin}>
      <CartesianGrid stroke="var(--grid)" strokeDasharray="2 4" />
      <XAxis
        dataKey="iter"
        type="number"
        domain={p.xDomain}
        allowDataOverflow
        allowDecimals={false}
        tick={AXIS.tick}
        stroke={AXIS.stroke}
        label={X_LABEL}
        height={36}
      />
      <YAxis
        yAxisId="left"
        type="number"
        domain={p.yDomain}
        allowDataOverflow
        tickFormatter={p.tickFormat}
        tick={AXIS.tick}
        stroke={AXIS.stroke}
        label={yLabel}
        width={axisWidth}
      />
      {p.y2Domain ? (
        <YAxis
          yAxisId="right"
          orientation="right"
          type="number"
          domain={p.y2Domain}
          allowDataOverflow
          tickFormatter={p.tickFormat}
          tick={AXIS.tick}
          stroke={AXIS.stroke}
          label={rightLabel}
          width={axisWidth}
        />
      ) : null}
      {p.refs.map((r) => (
        <ReferenceLine
          key={r.label}
          yAxisId={r.axis ?? 'left'}
          y={r.y}
          stroke="var(--fg-muted)"
          strokeDasharray="1 3"
          label={r.label}
        />
      ))}
      {markerEls}
      {p.scrubbed === null ? null : (
        <ReferenceLine
          x={p.scrubbed}
          yAxisId="left"
          className="scrub-marker"
          stroke="var(--accent)"
          strokeWidth={2}
          ifOverflow="discard"
          label={{
            value: `shown: ${p.scrubbed}`,
            position: 'insideBottomRight',
            fill: 'var(--accent)',
            className: 'scrub-label',
          }}
        />
      )}
      {p.pinned.map((layer, i) => (
        <LayerContext key={i} value={layer}>
          <SeriesLayer />
        </LayerContext>
      ))}
      <SeriesLayer />
      <HoverLayer />
    </ComposedChart>
  );
});

/**
 * The legend, which is also the readout: each series with its exact value at the hovered
 * iteration, or at the latest one when the pointer is elsewhere.
 */
function ValueLegend({
  series,
  band,
  row,
  hovering,
  markers,
  format,
  overlays,
}: {
  series: SeriesSpec[];
  band?: BandSpec;
  row: HistoryRow | undefined;
  hovering: boolean;
  markers: readonly Marker[];
  format: (v: number) => string;
  overlays: readonly Overlay[];
}) {
  const here = row ? markers.filter((m) => m.iter >= row.from && m.iter <= row.iter) : [];
  return (
    <div className="value-legend" aria-live="off">
      <span className="legend-at">{row ? `${iterationLabel(row)}${hovering ? '' : ' (latest)'}` : ''}</span>
      <ul className="legend">
        {series.map((s) => {
          const v = row?.[s.key];
          return (
            <li key={s.key}>
              <span className={`swatch ${s.dashed ? 'dashed' : ''}`} style={{ background: s.color }} />
              {s.label} <span className="legend-value">{typeof v === 'number' ? format(v) : '—'}</span>
            </li>
          );
        })}
        {band && row ? (
          <li>
            <span className="swatch band" style={{ background: band.color }} />
            {band.label}{' '}
            <span className="legend-value">
              [{fmt(band.lower(row))}, {fmt(band.upper(row))}]
            </span>
          </li>
        ) : null}
      </ul>
      {overlays.length ? (
        <ul className="legend pinned-legend" data-testid="pinned-legend">
          {overlays.map((o) => {
            const v = row ? o.rows.find((r) => r.iter === row.iter)?.[series[0]?.key ?? ''] : undefined;
            return (
              <li key={o.id}>
                <span className="swatch" style={{ background: o.color }} />
                {o.label} <span className="legend-value">{typeof v === 'number' ? format(v) : '—'}</span>
              </li>
            );
          })}
        </ul>
      ) : null}
      {here.length ? <span className="legend-marker">changed here: {here.map((m) => m.label).join('; ')}</span> : null}
    </div>
  );
}
