/**
 * The current iteration's ratio histogram (all epochs, or one), as a step area on a numeric
 * ratio axis so the clip band can be shaded at its exact edges. The band follows the ε
 * sliders immediately; the band the iteration actually used is drawn dashed when it differs.
 */
import { memo, useCallback, useMemo, useState } from 'react';
import { CartesianGrid, ComposedChart, ReferenceArea, ReferenceLine, XAxis, YAxis } from 'recharts';
import { RATIO_BINS, type HistogramCounts, type Metrics } from '../../engine/metrics';
import { Card } from '../explain/Explain';
import { clipRange } from '../../engine/params';
import { fmt, fmtPercent } from '../format';
import { useLab } from '../store';
import { shownLatest } from '../slices/metrics';
import { AXIS, axisLabel, useAxisWidth } from './common';
import { HoverContext, HoverLayer, LayerContext, SeriesLayer, type LayerData, type PathSeries } from './layers';
import { niceDomain } from './nice';
import { useShown } from './visibility';

/** Clip band [1 − ε, 1 + ε_high] of a config; ε_high = 0 means "same as ε". */
export const clipBand = (eps: number, epsHigh: number): [number, number] => {
  const r = clipRange({ eps, epsHigh });
  return [1 - r.epsLow, 1 + r.epsHigh];
};

const SERIES: PathSeries[] = [{ key: 'count', color: 'var(--series-1)', shape: 'step', area: true }];
const MARGIN = { top: 8, right: 16, bottom: 14, left: 4 };
const STYLE = { width: '100%', height: '14rem' };
const X_LABEL = axisLabel('ratio r', 'x');
const Y_LABEL = axisLabel('tokens', 'y');
const X_DOMAIN: [number, number] = [RATIO_BINS.lo, RATIO_BINS.hi];
const TICKS = [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5];
/** The bin under a hovered ratio (edges vary with ε: the clip bounds are always edges). */
const binOf = (edges: readonly number[], r: number) => {
  let i = 0;
  while (i + 2 < edges.length && edges[i + 1]! <= r) i++;
  return i;
};

export function RatioHistogram() {
  const latest = useLab(shownLatest);
  const eps = useLab((s) => s.draft.eps);
  const epsHigh = useLab((s) => s.draft.epsHigh);
  const [epoch, setEpoch] = useState<number | 'all'>('all');
  const [lo, hi] = clipBand(eps, epsHigh);
  const epochs = latest?.['policy/ratio_hist_by_epoch'].length ?? 0;
  const selected = epoch !== 'all' && epoch < epochs ? epoch : 'all';

  const tools = (
    <label className="inline-select">
      <span className="sr-only">Epoch</span>
      <select
        value={String(selected)}
        onChange={(e) => setEpoch(e.target.value === 'all' ? 'all' : Number(e.target.value))}
        data-testid="ratio-epoch"
      >
        <option value="all">all epochs</option>
        {Array.from({ length: epochs }, (_, i) => (
          <option key={i} value={i}>
            epoch {i + 1}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <Card
      title="Ratio r = π_θ / π_old"
      explain="ratio"
      testId="ratio-histogram"
      tools={tools}
      attrs={{ 'data-band': `${fmt(lo, 6)},${fmt(hi, 6)}` }}
    >
      <HistogramBody latest={latest} selected={selected} lo={lo} hi={hi} />
    </Card>
  );
}

/** Before the first iteration: no tokens, drawn as an empty histogram. */
const NO_HIST = { edges: [RATIO_BINS.lo, RATIO_BINS.hi], counts: [0], underflow: 0, overflow: 0 };

function HistogramBody(props: { latest: Metrics | null; selected: number | 'all'; lo: number; hi: number }) {
  const latest = useShown(props.latest);
  const { selected, lo, hi } = props;
  const [hovered, setHovered] = useState<number | null>(null);
  const all = latest?.['policy/ratio_hist'] ?? NO_HIST;
  const h: HistogramCounts = selected === 'all' || !latest ? all : (latest['policy/ratio_hist_by_epoch'][selected] ?? all);
  // Step-after: each bin's count starts at its left edge; the last edge repeats the last bin.
  const rows = useMemo(
    () => all.edges.map((x, i) => ({ x, count: h.counts[Math.min(i, h.counts.length - 1)] ?? 0 })),
    [all.edges, h],
  );
  const [, yMax] = niceDomain(h.counts, true);
  const yDomain = useMemo<[number, number]>(() => [0, yMax], [yMax]);
  const layer = useMemo<LayerData>(() => ({ rows, xKey: 'x', series: SERIES }), [rows]);
  const hover = useMemo(() => ({ hovered, onHover: setHovered }), [hovered]);
  const usedLo = latest ? 1 - latest.eps : lo;
  const usedHi = latest ? 1 + latest.eps_high : hi;
  const moved = Math.abs(usedLo - lo) > 1e-9 || Math.abs(usedHi - hi) > 1e-9;
  const total = h.counts.reduce((a, b) => a + b, 0) + h.underflow + h.overflow;
  return (
    <>
      <LayerContext value={layer}>
        <HoverContext value={hover}>
          <HistogramFrame
            edges={all.edges}
            yDomain={yDomain}
            lo={lo}
            hi={hi}
            usedLo={moved ? usedLo : null}
            usedHi={moved ? usedHi : null}
          />
        </HoverContext>
      </LayerContext>
      <p className="chart-note" data-testid="ratio-readout">
        {!latest
          ? "The update's ratios appear after the first iteration."
          : hovered !== null
            ? `r in [${all.edges[hovered]}, ${all.edges[hovered + 1]}): ${h.counts[hovered]} tokens (${fmtPercent(total ? (h.counts[hovered] ?? 0) / total : 0)})`
            : `iteration ${latest.iter}${selected === 'all' ? ` · ${latest.epochs_run} epoch${latest.epochs_run === 1 ? '' : 's'}` : ` · epoch ${selected + 1}`} · ${total} tokens · mean r ${fmt(latest['policy/ratio_mean'])} · range [${fmt(latest['policy/ratio_min'])}, ${fmt(latest['policy/ratio_max'])}] · r < ${RATIO_BINS.lo}: ${h.underflow} · r ≥ ${RATIO_BINS.hi}: ${h.overflow}`}
        {moved ? ` · dashed: the band this iteration used [${fmt(usedLo)}, ${fmt(usedHi)}]` : ''}
      </p>
    </>
  );
}

const HistogramFrame = memo(function HistogramFrame(p: {
  edges: number[];
  yDomain: [number, number];
  lo: number;
  hi: number;
  usedLo: number | null;
  usedHi: number | null;
}) {
  const axisWidth = useAxisWidth(56);
  const snap = useCallback((r: number) => binOf(p.edges, r), [p.edges]);
  const bandLabel = useMemo(
    () => ({ value: `clip band [${fmt(p.lo)}, ${fmt(p.hi)}]`, position: 'insideTop' as const, fill: 'var(--fg-muted)' }),
    [p.lo, p.hi],
  );
  return (
    <ComposedChart responsive style={STYLE} margin={MARGIN}>
      <CartesianGrid stroke="var(--grid)" strokeDasharray="2 4" />
      <XAxis
        dataKey="x"
        type="number"
        domain={X_DOMAIN}
        allowDataOverflow
        ticks={TICKS}
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
        allowDecimals={false}
        tick={AXIS.tick}
        stroke={AXIS.stroke}
        label={Y_LABEL}
        width={axisWidth}
      />
      <ReferenceArea
        yAxisId="left"
        x1={Math.max(p.lo, RATIO_BINS.lo)}
        x2={Math.min(p.hi, RATIO_BINS.hi)}
        fill="var(--band)"
        fillOpacity={0.5}
        stroke="var(--band-edge)"
        ifOverflow="hidden"
        className="clip-band"
        label={bandLabel}
      />
      {p.usedLo !== null ? (
        <ReferenceLine yAxisId="left" x={p.usedLo} stroke="var(--fg-muted)" strokeDasharray="3 3" ifOverflow="discard" />
      ) : null}
      {p.usedHi !== null ? (
        <ReferenceLine yAxisId="left" x={p.usedHi} stroke="var(--fg-muted)" strokeDasharray="3 3" ifOverflow="discard" />
      ) : null}
      <ReferenceLine yAxisId="left" x={1} stroke="var(--fg-muted)" />
      <SeriesLayer />
      <HoverLayer snap={snap} />
    </ComposedChart>
  );
});
