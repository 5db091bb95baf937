/**
 * KL to the reference: by completion position for the current iteration (the estimator in
 * use beside the exact KL), and over iterations with β on a second axis, so adaptive β
 * can be watched steering the KL toward its target.
 */
import { memo, useMemo, useState } from 'react';
import { CartesianGrid, ComposedChart, ReferenceLine, XAxis, YAxis } from 'recharts';
import type { Metrics } from '../../engine/metrics';
import { klPlacement } from '../../engine/params';
import { Card } from '../explain/Explain';
import { fmt, fmtExact } from '../format';
import { useLab } from '../store';
import { shownLatest } from '../slices/metrics';
import { AXIS, axisLabel, useAxisWidth } from './common';
import { HoverContext, HoverLayer, LayerContext, SeriesLayer, type LayerData, type PathSeries } from './layers';
import { niceDomain } from './nice';
import { TimeChart, type SeriesSpec } from './TimeChart';
import { useShown } from './visibility';

type Unit = 'token' | 'completion';

function series(unit: Unit, estimator: string): SeriesSpec[] {
  const beta: SeriesSpec = { key: 'beta', label: 'β (right axis)', color: 'var(--series-5)', axis: 'right', dashed: true };
  return unit === 'token'
    ? [{ key: 'kl/ref_per_token', label: `KL per token (${estimator})`, color: 'var(--series-1)' }, beta]
    : [
        { key: 'kl/ref', label: `KL per completion (${estimator})`, color: 'var(--series-1)' },
        { key: 'kl/ref_exact', label: 'exact KL per completion', color: 'var(--series-2)' },
        beta,
      ];
}

const POSITION_SERIES: PathSeries[] = [
  { key: 'est', color: 'var(--series-1)', dots: true },
  { key: 'exact', color: 'var(--series-2)', dots: true },
];
const STYLE = { width: '100%', height: '12rem' };
const MARGIN = { top: 8, right: 16, bottom: 14, left: 4 };
const X_LABEL = axisLabel('completion position', 'x');
const Y_LABEL = axisLabel('KL (nats)', 'y');
const tick3 = (v: number) => fmt(v, 3);

const PositionFrame = memo(function PositionFrame({
  xDomain,
  yDomain,
  ticks,
}: {
  xDomain: [number, number];
  yDomain: [number, number];
  ticks: number[];
}) {
  const axisWidth = useAxisWidth();
  return (
    <ComposedChart responsive style={STYLE} margin={MARGIN}>
      <CartesianGrid stroke="var(--grid)" strokeDasharray="2 4" />
      <XAxis
        dataKey="position"
        type="number"
        domain={xDomain}
        allowDataOverflow
        ticks={ticks}
        tick={AXIS.tick}
        stroke={AXIS.stroke}
        label={X_LABEL}
        height={36}
      />
      <YAxis
        yAxisId="left"
        type="number"
        domain={yDomain}
        allowDataOverflow
        tickFormatter={tick3}
        tick={AXIS.tick}
        stroke={AXIS.stroke}
        label={Y_LABEL}
        width={axisWidth}
      />
      <ReferenceLine yAxisId="left" y={0} stroke="var(--fg-muted)" />
      <SeriesLayer />
      <HoverLayer />
    </ComposedChart>
  );
});

function ByPosition({ latest: current, estimator, width }: { latest: Metrics | null; estimator: string; width: number }) {
  const latest = useShown(current);
  const [hovered, setHovered] = useState<number | null>(null);
  const rows = useMemo(
    () =>
      latest
        ? latest['kl/ref_by_position'].map((v, t) => ({
            position: t + 1,
            est: v,
            exact: latest['kl/ref_exact_by_position'][t] ?? null,
          }))
        : [],
    [latest],
  );
  const T = Math.max(1, latest ? rows.length : width);
  // Half a position of room on each side, so the first and last dots are not on the frame.
  const xDomain = useMemo<[number, number]>(() => [0.5, T + 0.5], [T]);
  const ticks = useMemo(() => Array.from({ length: T }, (_, t) => t + 1), [T]);
  const [lo, hi] = niceDomain(
    rows.flatMap((r) => [r.est, r.exact ?? 0]),
    true,
  );
  const yDomain = useMemo<[number, number]>(() => [lo, hi], [lo, hi]);
  const layer = useMemo<LayerData>(() => ({ rows, xKey: 'position', series: POSITION_SERIES }), [rows]);
  const hover = useMemo(() => ({ hovered, onHover: setHovered }), [hovered]);
  const row = rows[hovered ?? -1];
  return (
    <>
      <LayerContext value={layer}>
        <HoverContext value={hover}>
          <PositionFrame xDomain={xDomain} yDomain={yDomain} ticks={ticks} />
        </HoverContext>
      </LayerContext>
      <div className="value-legend">
        <span className="legend-at">
          {row
            ? `position ${row.position}`
            : latest
              ? `iteration ${latest.iter}: hover a position`
              : 'KL by position appears after the first iteration.'}
        </span>
        <ul className="legend">
          <li>
            <span className="swatch" style={{ background: 'var(--series-1)' }} />
            estimator {estimator} {row ? <span className="legend-value">{fmtExact(row.est)}</span> : null}
          </li>
          <li>
            <span className="swatch" style={{ background: 'var(--series-2)' }} />
            exact {row ? <span className="legend-value">{fmtExact(row.exact)}</span> : null}
          </li>
        </ul>
      </div>
    </>
  );
}

export function KlChart() {
  const rows = useLab((s) => s.rows);
  const markers = useLab((s) => s.markers);
  const latest = useLab(shownLatest);
  const cfg = useLab((s) => s.inForce);
  const width = useLab((s) => s.task?.maxTokens ?? 1);
  const [unit, setUnit] = useState<Unit>('token');
  // "auto" resolved as the trainer resolves it (k1 in the reward, k2 in the loss; loss for GRPO).
  const placement = cfg ? klPlacement(cfg) : null;
  const estimator = placement?.klEstimator ?? 'k1';
  const s = useMemo(() => series(unit, estimator), [unit, estimator]);
  const targetKl = unit === 'completion' && cfg?.adaptiveBeta ? cfg.targetKl : null;
  const target = useMemo(() => (targetKl === null ? [] : [{ y: targetKl, label: `target KL ${fmt(targetKl)}` }]), [targetKl]);
  const tools = (
    <label className="inline-select">
      <span className="sr-only">KL unit</span>
      <select value={unit} onChange={(e) => setUnit(e.target.value as Unit)} data-testid="kl-unit">
        <option value="token">per token</option>
        <option value="completion">per completion</option>
      </select>
    </label>
  );
  return (
    <Card title="KL to the reference" explain={['klPosition', 'klTime']} testId="kl-chart" tools={tools} className="wide">
      <div className="pair">
        <div>
          <h3>This iteration, by position</h3>
          <ByPosition latest={latest} estimator={estimator} width={width} />
        </div>
        <div>
          <h3>Over iterations{cfg ? ` · β ${cfg.adaptiveBeta ? 'adaptive' : 'fixed'}, KL in the ${placement?.klMode}` : ''}</h3>
          <TimeChart rows={rows} markers={markers} series={s} yLabel="KL (nats)" rightLabel="β" refs={target} />
        </div>
      </div>
    </Card>
  );
}
