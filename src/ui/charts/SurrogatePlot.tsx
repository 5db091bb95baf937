/**
 * The teaching plot L(r) = min(r·A, clip(r, 1−ε, 1+ε_high)·A) for A = +1 and A = −1, with
 * the clip band shaded and the tokens of the current minibatch as dots on the curve,
 * coloured by the case the engine gave them. The curve is evaluated with the engine's
 * scalar `surrogateValue` (cases.ts), for drawing only.
 *
 * The dots are plain SVG circles placed with the chart's scales (recharts' Scatter costs
 * a component per point, too slow to redraw per minibatch), with their own hover readout.
 */
import { createContext, memo, useContext, useMemo, useState, type MouseEvent } from 'react';
import {
  CartesianGrid,
  ComposedChart,
  DefaultZIndexes,
  Line,
  ReferenceArea,
  ReferenceLine,
  XAxis,
  YAxis,
  useXAxisScale,
  useYAxisScale,
  ZIndexLayer,
} from 'recharts';
import { surrogateValue } from '../../engine/cases';
import type { MinibatchData } from '../../worker/protocol';
import { fmt, fmtExact } from '../format';
import { AXIS, axisLabel, useAxisWidth } from './common';
import { caseInfo } from './cases-info';
import { useShown } from './visibility';

export interface TokenPoint {
  r: number;
  /** L / |A|: where the token sits on the unit curve. */
  y: number;
  a: number;
  c: number;
  flows: number;
}

/** Dots drawn per plot at most: enough to see the spread, few enough to draw in a frame. */
const MAX_POINTS = 400;

/** Splits the minibatch's tokens by the sign of A, at most MAX_POINTS each (evenly strided). */
export function tokenPoints(
  m: MinibatchData,
  eps: number,
  epsHigh: number,
  clipped: boolean,
): { pos: TokenPoint[]; neg: TokenPoint[] } {
  const pos: TokenPoint[] = [];
  const neg: TokenPoint[] = [];
  for (let j = 0; j < m.rows.length; j++) {
    for (let t = 0; t < m.lengths[j]!; t++) {
      const k = j * m.width + t;
      const c = m.cases[k]!;
      if (c === 0) continue; // A = 0: no signal, not on either curve
      const a = m.advantages[k]!;
      const r = m.ratio[k]!;
      const sign = a > 0 ? 1 : -1;
      const y = clipped ? surrogateValue(r, sign, eps, epsHigh) : r * sign;
      (a > 0 ? pos : neg).push({ r, y, a, c, flows: m.flows[k]! });
    }
  }
  const thin = (xs: TokenPoint[]) =>
    xs.length <= MAX_POINTS ? xs : xs.filter((_, i) => i % Math.ceil(xs.length / MAX_POINTS) === 0);
  return { pos: thin(pos), neg: thin(neg) };
}

function curve(sign: 1 | -1, lo: number, hi: number, eps: number, epsHigh: number, clipped: boolean) {
  const xs = new Set<number>();
  for (let i = 0; i <= 40; i++) xs.add(lo + ((hi - lo) * i) / 40);
  // The kinks, so the corners are drawn exactly.
  for (const k of [1 - eps, 1 + epsHigh]) if (k > lo && k < hi) xs.add(k);
  return [...xs]
    .sort((a, b) => a - b)
    .map((r) => ({ r, y: clipped ? surrogateValue(r, sign, eps, epsHigh) : r * sign, unclipped: r * sign }));
}

interface DotsState {
  points: TokenPoint[];
  onHover: (i: number | null) => void;
}
/**
 * The dots reach their layer by context, so a new minibatch redraws only the dots: the
 * chart around them (axes, curve, band) keeps its props and is not redrawn.
 */
const DotsContext = createContext<DotsState>({ points: [], onHover: () => {} });

/** The token dots, drawn with the chart's own scales; reports the dot under the pointer. */
function TokenDots({ lo, hi, yOf }: { lo: number; hi: number; yOf: (r: number) => number }) {
  const { points, onHover } = useContext(DotsContext);
  const x = useXAxisScale();
  const y = useYAxisScale();
  if (!x || !y) return null;
  const over = (e: MouseEvent<SVGGElement>) => {
    const i = (e.target as SVGElement).dataset?.i;
    onHover(i === undefined ? null : Number(i));
  };
  return (
    <ZIndexLayer zIndex={DefaultZIndexes.scatter}>
      <g className="token-dots" onMouseOver={over} onMouseLeave={() => onHover(null)}>
        {points.map((p, i) => {
          // Outliers beyond the axis sit on the curve at its edge (their exact r is in the readout).
          const r = Math.min(hi, Math.max(lo, p.r));
          return (
            <circle
              key={i}
              data-i={i}
              cx={x(r)}
              cy={y(r === p.r ? p.y : yOf(r))}
              r={4}
              fill={caseInfo(p.c).color}
              stroke={p.flows ? 'var(--bg)' : 'var(--fg)'}
              strokeWidth={p.flows ? 0.75 : 1.25}
              strokeDasharray={p.flows ? undefined : '2 1'}
            />
          );
        })}
      </g>
    </ZIndexLayer>
  );
}

function Readout({ p, clipped }: { p: TokenPoint | null; clipped: boolean }) {
  if (!p) return <p className="chart-note dot-readout">Hover a dot for its token's numbers.</p>;
  const info = caseInfo(p.c);
  const picks = clipped ? info.picks : 'r·A (no clipping)';
  return (
    <p className="chart-note dot-readout" role="status">
      <span className="swatch" style={{ background: info.color }} />
      case {info.n} ({info.effect}) · r = {fmtExact(p.r)} · A = {fmtExact(p.a)} · L/|A| = {fmtExact(p.y)} · min picks {picks} ·
      gradient {p.flows ? 'flows' : 'zero'}
    </p>
  );
}

export interface SurrogatePlotProps {
  sign: 1 | -1;
  points: TokenPoint[];
  /** ε the plotted tokens were trained with. */
  eps: number;
  epsHigh: number;
  /** ε from the sliders, previewed when different. */
  previewEps: number;
  previewEpsHigh: number;
  clipped: boolean;
}

const MARGIN = { top: 8, right: 12, bottom: 14, left: 4 };
const STYLE = { width: '100%', height: '13rem' };
const X_LABEL = axisLabel('ratio r', 'x');
const Y_LABEL = axisLabel('L / |A|', 'y');
const tick2 = (v: number) => fmt(v, 3);
const Y_DOMAIN = ['auto', 'auto'] as const;

/**
 * The r axis: [0.5, 1.5], wider only when the clip band needs it. It does not follow the
 * tokens (outliers sit at its edge, their exact r in the readout), so a new minibatch
 * redraws only the dots.
 */
function axisRange(eps: number, epsHigh: number, previewEps: number, previewEpsHigh: number): [number, number] {
  const lo = Math.min(0.5, 1 - Math.max(eps, previewEps) - 0.1);
  const hi = Math.max(1.5, 1 + Math.max(epsHigh, previewEpsHigh) + 0.1);
  return [Math.max(0, Math.floor(lo * 10) / 10), Math.ceil(hi * 10) / 10];
}

export function SurrogatePlot({ points: latest, ...props }: SurrogatePlotProps) {
  const points = useShown(latest);
  const [hovered, setHovered] = useState<number | null>(null);
  const dots = useMemo(() => ({ points, onHover: setHovered }), [points]);
  const [lo, hi] = axisRange(props.eps, props.epsHigh, props.previewEps, props.previewEpsHigh);
  return (
    <div className="surrogate" data-testid={props.sign > 0 ? 'surrogate-pos' : 'surrogate-neg'} data-points={points.length}>
      <h3>{props.sign > 0 ? 'A > 0: L = min(r, 1+ε_high)·A' : 'A < 0: L = max(r, 1−ε)·A'}</h3>
      <DotsContext value={dots}>
        <CurveChart {...props} lo={lo} hi={hi} />
      </DotsContext>
      <Readout p={hovered === null ? null : (points[hovered] ?? null)} clipped={props.clipped} />
    </div>
  );
}

type CurveProps = Omit<SurrogatePlotProps, 'points'> & { lo: number; hi: number };

const CurveChart = memo(function CurveChart(p: CurveProps) {
  const { sign, eps, epsHigh, clipped, lo, hi } = p;
  const line = useMemo(() => curve(sign, lo, hi, eps, epsHigh, clipped), [sign, lo, hi, eps, epsHigh, clipped]);
  const xDomain = useMemo(() => [lo, hi], [lo, hi]);
  const yOf = useMemo(
    () => (r: number) => (clipped ? surrogateValue(r, sign, eps, epsHigh) : r * sign),
    [sign, eps, epsHigh, clipped],
  );
  const preview = p.previewEps !== eps || p.previewEpsHigh !== epsHigh;
  const axisWidth = useAxisWidth(48);
  return (
    <ComposedChart responsive style={STYLE} data={line} margin={MARGIN}>
      <CartesianGrid stroke="var(--grid)" strokeDasharray="2 4" />
      <XAxis
        dataKey="r"
        type="number"
        domain={xDomain}
        tickCount={6}
        tickFormatter={tick2}
        tick={AXIS.tick}
        stroke={AXIS.stroke}
        label={X_LABEL}
        height={36}
      />
      <YAxis
        type="number"
        domain={Y_DOMAIN}
        tickFormatter={tick2}
        tick={AXIS.tick}
        stroke={AXIS.stroke}
        label={Y_LABEL}
        width={axisWidth}
      />
      <ReferenceArea
        x1={Math.max(lo, 1 - eps)}
        x2={Math.min(hi, 1 + epsHigh)}
        fill="var(--band)"
        fillOpacity={0.5}
        ifOverflow="hidden"
      />
      {preview ? (
        <ReferenceArea
          x1={Math.max(lo, 1 - p.previewEps)}
          x2={Math.min(hi, 1 + p.previewEpsHigh)}
          fill="none"
          stroke="var(--band-edge)"
          strokeDasharray="4 3"
          ifOverflow="hidden"
        />
      ) : null}
      <ReferenceLine x={1} stroke="var(--fg-muted)" />
      <Line
        dataKey="unclipped"
        name="r·A"
        stroke="var(--fg-muted)"
        strokeDasharray="4 4"
        dot={false}
        activeDot={false}
        isAnimationActive={false}
      />
      <Line dataKey="y" name="L(r)" stroke="var(--fg)" strokeWidth={2} dot={false} activeDot={false} isAnimationActive={false} />
      <TokenDots lo={lo} hi={hi} yOf={yOf} />
    </ComposedChart>
  );
});
