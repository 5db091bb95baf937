/**
 * Data layers drawn inside a recharts chart with the chart's own scales: one SVG path per
 * series, and a hover layer that finds the nearest point. recharts draws the frame (axes,
 * grid, clip band, markers, labels) and redraws it only when its props change; a new
 * iteration redraws just these layers, whose data arrives by context (a few milliseconds
 * even for 2,000 points, where a recharts <Line> redraw costs tens).
 */
import { createContext, useContext, type MouseEvent } from 'react';
import { DefaultZIndexes, usePlotArea, useXAxisInverseScale, useXAxisScale, useYAxisScale, ZIndexLayer } from 'recharts';

export interface PathSeries {
  key: string;
  color: string;
  /** 'right' for a second y axis (β beside the KL). */
  axis?: 'left' | 'right';
  dashed?: boolean;
  /** 'linear' joins points; 'step' draws a histogram (each value holds until the next x). */
  shape?: 'linear' | 'step';
  dots?: boolean;
  /** Fill between the path and y = 0 (a histogram). */
  area?: boolean;
}

export type Row = Record<string, number | null | undefined>;

export interface LayerData {
  rows: readonly Row[];
  xKey: string;
  series: readonly PathSeries[];
  /** A shaded band between two values of each row (reward ± std). */
  band?: { color: string; lower: (r: Row) => number | null; upper: (r: Row) => number | null };
}

export interface HoverState {
  hovered: number | null;
  onHover: (i: number | null) => void;
}

export const LayerContext = createContext<LayerData>({ rows: [], xKey: 'x', series: [] });
/** Apart from the data, so moving the pointer does not rebuild the paths. */
export const HoverContext = createContext<HoverState>({ hovered: null, onHover: () => {} });

const num = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** "M x y L x y …" with a break wherever a value is missing (null = not applicable). */
function linePath(
  rows: readonly Row[],
  xKey: string,
  key: string,
  x: (v: number) => number | undefined,
  y: (v: number) => number | undefined,
  step: boolean,
): string {
  let d = '';
  let open = false;
  for (const r of rows) {
    const xv = r[xKey];
    const yv = r[key];
    const px = num(xv) ? x(xv) : undefined;
    const py = num(yv) ? y(yv) : undefined;
    if (px === undefined || py === undefined) {
      open = false;
      continue;
    }
    if (!open) d += `M${px.toFixed(1)},${py.toFixed(1)}`;
    else if (step) d += `H${px.toFixed(1)}V${py.toFixed(1)}`;
    else d += `L${px.toFixed(1)},${py.toFixed(1)}`;
    open = true;
  }
  return d;
}

function bandPath(
  rows: readonly Row[],
  xKey: string,
  band: NonNullable<LayerData['band']>,
  x: (v: number) => number | undefined,
  y: (v: number) => number | undefined,
): string {
  const top: string[] = [];
  const bottom: string[] = [];
  for (const r of rows) {
    const xv = r[xKey];
    const lo = band.lower(r);
    const hi = band.upper(r);
    const px = num(xv) ? x(xv) : undefined;
    const pl = num(lo) ? y(lo) : undefined;
    const ph = num(hi) ? y(hi) : undefined;
    if (px === undefined || pl === undefined || ph === undefined) continue;
    top.push(`${px.toFixed(1)},${ph.toFixed(1)}`);
    bottom.push(`${px.toFixed(1)},${pl.toFixed(1)}`);
  }
  return top.length ? `M${top.join('L')}L${bottom.reverse().join('L')}Z` : '';
}

/** The series of the chart's LayerContext, as paths (and the band behind them). */
export function SeriesLayer({ yAxisId = 'left' }: { yAxisId?: string }) {
  const { rows, xKey, series, band } = useContext(LayerContext);
  const x = useXAxisScale();
  const yLeft = useYAxisScale(yAxisId);
  const yRight = useYAxisScale('right');
  if (!x || !yLeft) return null;
  const sx = (v: number) => x(v);
  // Drawn at the z-level of recharts' own lines: above the clip band and the grid.
  return (
    <ZIndexLayer zIndex={DefaultZIndexes.line}>
      <g className="series-layer">
        {band ? (
          <path d={bandPath(rows, xKey, band, sx, (v) => yLeft(v))} fill={band.color} fillOpacity={0.18} stroke="none" />
        ) : null}
        {series.map((s) => {
          const y = s.axis === 'right' ? yRight : yLeft;
          if (!y) return null;
          const sy = (v: number) => y(v);
          const d = linePath(rows, xKey, s.key, sx, sy, s.shape === 'step');
          const base = sy(0);
          const first = d.match(/^M([-\d.]+)/)?.[1];
          return (
            <g key={s.key} data-series={s.key}>
              {s.area && d && first !== undefined && base !== undefined ? (
                <path d={`${d}V${base.toFixed(1)}H${first}Z`} fill={s.color} fillOpacity={0.4} stroke="none" />
              ) : null}
              <path
                d={d}
                fill="none"
                stroke={s.color}
                strokeWidth={s.area ? 1.5 : 2}
                strokeDasharray={s.dashed ? '5 3' : undefined}
                strokeLinejoin="round"
              />
              {s.dots
                ? rows.map((r, i) => {
                    const xv = r[xKey];
                    const yv = r[s.key];
                    const px = num(xv) ? sx(xv) : undefined;
                    const py = num(yv) ? sy(yv) : undefined;
                    return px === undefined || py === undefined ? null : <circle key={i} cx={px} cy={py} r={3} fill={s.color} />;
                  })
                : null}
            </g>
          );
        })}
      </g>
    </ZIndexLayer>
  );
}

/** Index of the row whose x is nearest to `v` (rows sorted by x). */
export function nearestIndex(rows: readonly Row[], xKey: string, v: number): number | null {
  if (!rows.length) return null;
  let lo = 0;
  let hi = rows.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((rows[mid]![xKey] ?? -Infinity) <= v) lo = mid;
    else hi = mid;
  }
  const dl = Math.abs((rows[lo]![xKey] ?? Infinity) - v);
  const dh = Math.abs((rows[hi]![xKey] ?? Infinity) - v);
  return dh < dl ? hi : lo;
}

/**
 * Catches the pointer over the plot area and reports the nearest row; draws a cursor
 * line and the hovered points. `snap` maps a hovered x to the row index (default: nearest).
 */
export function HoverLayer({ snap }: { snap?: (x: number) => number | null }) {
  const { rows, xKey, series } = useContext(LayerContext);
  const { hovered, onHover } = useContext(HoverContext);
  const area = usePlotArea();
  const inverse = useXAxisInverseScale();
  const x = useXAxisScale();
  const yLeft = useYAxisScale('left');
  const yRight = useYAxisScale('right');
  if (!area || !inverse || !x) return null;
  const move = (e: MouseEvent<SVGRectElement>) => {
    const svg = e.currentTarget.ownerSVGElement;
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    const v = Number(inverse(e.clientX - box.left));
    if (!Number.isFinite(v)) return;
    onHover(snap ? snap(v) : nearestIndex(rows, xKey, v));
  };
  const row = hovered === null ? undefined : rows[hovered];
  const xv = row?.[xKey];
  const px = num(xv) ? x(xv) : undefined;
  // On top of everything, so the pointer reaches it through bands and labels.
  return (
    <ZIndexLayer zIndex={DefaultZIndexes.cursorLine}>
      <g className="hover-layer">
        {px !== undefined ? (
          <line x1={px} x2={px} y1={area.y} y2={area.y + area.height} stroke="var(--fg-muted)" strokeDasharray="2 2" />
        ) : null}
        {row && px !== undefined
          ? series.map((s) => {
              const y = s.axis === 'right' ? yRight : yLeft;
              const v = row[s.key];
              const py = y && num(v) ? y(v) : undefined;
              return py === undefined || s.shape === 'step' ? null : (
                <circle key={s.key} cx={px} cy={py} r={4} fill={s.color} stroke="var(--bg)" />
              );
            })
          : null}
        <rect
          x={area.x}
          y={area.y}
          width={Math.max(0, area.width)}
          height={Math.max(0, area.height)}
          fill="transparent"
          onMouseMove={move}
          onMouseLeave={() => onHover(null)}
        />
      </g>
    </ZIndexLayer>
  );
}
