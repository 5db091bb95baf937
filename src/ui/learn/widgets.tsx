/**
 * The building blocks every chapter's widget uses: a labelled slider with its value, a
 * readout, the "Try it in the lab" link and a small SVG plot. Real inputs and buttons, so
 * everything is reachable from the keyboard.
 */
import { useId, type ReactNode } from 'react';
import { labLink, type LabSetup } from '../../learn/tryit';
import { fmt } from '../format';
import { useLabLinkTarget } from '../share/page-mode';
import { useLab } from '../store';

/** fmt, with float dust (a sum that should be 0 landing at 1e-17) shown as the 0 it is. */
export const show = (x: number, digits = 4) => fmt(Math.abs(x) < 1e-12 ? 0 : x, digits);

export function Slider({
  label,
  value,
  min,
  max,
  step,
  onChange,
  testId,
  format = fmt,
}: {
  label: ReactNode;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (v: number) => void;
  testId: string;
  format?: (v: number) => string;
}) {
  const id = useId();
  return (
    <div className="learn-slider">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
        data-testid={testId}
      />
      <output htmlFor={id}>{format(value)}</output>
    </div>
  );
}

export function Readout({ label, value, testId, note }: { label: ReactNode; value: string; testId?: string; note?: string }) {
  return (
    <div className="readout">
      <span className="readout-label">{label}</span>
      <span className="readout-value" data-testid={testId} data-value={value}>
        {value}
      </span>
      {note ? <span className="readout-note">{note}</span> : null}
    </div>
  );
}

/** The backend belongs to this machine, not to the chapter: a try-it link keeps the one in use. */
export function useWithBackend(setup: LabSetup): LabSetup {
  const backend = useLab((s) => s.draft.backend);
  return { ...setup, config: { ...setup.config, backend } };
}

export function TryIt({ setup: chapterSetup }: { setup: LabSetup }) {
  const setup = useWithBackend(chapterSetup);
  const linkTarget = useLabLinkTarget();
  return (
    <p className="try-it">
      <a className="button primary" href={labLink(setup)} {...linkTarget} data-testid="try-it">
        Try it in the lab
      </a>{' '}
      <span className="muted">
        opens {setup.config.task} · {setup.config.algo.toUpperCase()}: watch {setup.watch}.
      </span>
    </p>
  );
}

export function Widget({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="widget" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** Linear scale from a domain to a pixel range. */
export const scale = (d0: number, d1: number, r0: number, r1: number) => (x: number) =>
  d1 === d0 ? (r0 + r1) / 2 : r0 + ((x - d0) / (d1 - d0)) * (r1 - r0);

export interface Series {
  points: [number, number][];
  color: string;
  label: string;
  dashed?: boolean;
}

/** A small line plot in SVG: series, optional vertical and horizontal guides, axis extents as labels. */
export function LinePlot({
  series,
  x,
  y,
  xLabel,
  yLabel,
  guides = [],
  hGuides = [],
  dots = [],
  height = 180,
  testId,
}: {
  series: Series[];
  x: [number, number];
  y: [number, number];
  xLabel: string;
  yLabel: string;
  guides?: { at: number; label?: string }[];
  hGuides?: { at: number; label?: string }[];
  dots?: { x: number; y: number; color: string; label: string }[];
  height?: number;
  testId?: string;
}) {
  const W = 360;
  const H = height;
  // The top margin holds the y axis's name; guide labels are drawn after the data, on a halo, so dots never hide them.
  const pad = { l: 40, r: 10, t: 22, b: 28 };
  const sx = scale(x[0], x[1], pad.l, W - pad.r);
  const sy = scale(y[0], y[1], H - pad.b, pad.t);
  const clampY = (v: number) => Math.min(Math.max(v, y[0]), y[1]);
  return (
    <figure className="line-plot" data-testid={testId}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${yLabel} against ${xLabel}`}>
        <line x1={pad.l} x2={W - pad.r} y1={sy(clampY(0))} y2={sy(clampY(0))} className="axis" />
        <line x1={pad.l} x2={pad.l} y1={pad.t} y2={H - pad.b} className="axis" />
        <text x={pad.l} y={12} className="tick axis-name">
          {yLabel}
        </text>
        {guides.map((g, i) => (
          <line key={`v${i}`} x1={sx(g.at)} x2={sx(g.at)} y1={pad.t} y2={H - pad.b} className="guide" />
        ))}
        {hGuides.map((g, i) => (
          <line key={`h${i}`} x1={pad.l} x2={W - pad.r} y1={sy(g.at)} y2={sy(g.at)} className="guide" />
        ))}
        {series.map((s) => (
          <polyline
            key={s.label}
            points={s.points.map(([a, b]) => `${sx(a)},${sy(clampY(b))}`).join(' ')}
            fill="none"
            stroke={s.color}
            strokeWidth={2}
            strokeDasharray={s.dashed ? '5 4' : undefined}
          >
            <title>{s.label}</title>
          </polyline>
        ))}
        {dots.map((d, i) => (
          <circle key={i} cx={sx(d.x)} cy={sy(clampY(d.y))} r={5} fill={d.color} stroke="var(--bg-card)">
            <title>{d.label}</title>
          </circle>
        ))}
        {guides.map((g, i) =>
          g.label ? (
            <text key={`v${i}`} x={sx(g.at) + 2} y={pad.t + 9} className="tick halo">
              {g.label}
            </text>
          ) : null,
        )}
        {hGuides.map((g, i) =>
          g.label ? (
            <text key={`h${i}`} x={W - pad.r - 2} y={sy(g.at) - 3} className="tick halo" textAnchor="end">
              {g.label}
            </text>
          ) : null,
        )}
        <text x={pad.l} y={H - 6} className="tick">
          {fmt(x[0])}
        </text>
        <text x={W - pad.r} y={H - 6} className="tick" textAnchor="end">
          {fmt(x[1])}
        </text>
        <text x={(W + pad.l) / 2} y={H - 6} className="tick" textAnchor="middle">
          {xLabel}
        </text>
        <text x={pad.l - 4} y={pad.t + 8} className="tick" textAnchor="end">
          {fmt(y[1])}
        </text>
        <text x={pad.l - 4} y={H - pad.b} className="tick" textAnchor="end">
          {fmt(y[0])}
        </text>
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.label}>
            <span className="swatch" style={{ background: s.color }} /> {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Vertical bars, one per item, around a zero line (values may be negative). */
export function Bars({
  items,
  testId,
  height = 150,
  y,
}: {
  items: { label: string; value: number; color: string; title?: string }[];
  testId?: string;
  height?: number;
  y?: [number, number];
}) {
  const W = 360;
  const H = height;
  const pad = { l: 40, r: 6, t: 8, b: 20 };
  const lo = y ? y[0] : Math.min(0, ...items.map((i) => i.value));
  const hi = y ? y[1] : Math.max(0, ...items.map((i) => i.value), 1e-9);
  const sy = scale(lo, hi, H - pad.b, pad.t);
  const bw = (W - pad.l - pad.r) / Math.max(items.length, 1);
  return (
    <figure className="bars" data-testid={testId}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={items.map((i) => `${i.label} ${fmt(i.value)}`).join(', ')}>
        {items.map((it, i) => {
          const v = Math.min(Math.max(it.value, lo), hi);
          const top = Math.min(sy(v), sy(0));
          return (
            <g key={i}>
              <rect x={pad.l + i * bw + bw * 0.15} width={bw * 0.7} y={top} height={Math.abs(sy(v) - sy(0))} fill={it.color}>
                <title>{it.title ?? `${it.label}: ${fmt(it.value)}`}</title>
              </rect>
              <text x={pad.l + i * bw + bw / 2} y={H - 5} className="tick" textAnchor="middle">
                {it.label}
              </text>
            </g>
          );
        })}
        <line x1={pad.l} x2={W - pad.r} y1={sy(0)} y2={sy(0)} className="axis" />
        <text x={pad.l - 4} y={pad.t + 8} className="tick" textAnchor="end">
          {fmt(hi)}
        </text>
        <text x={pad.l - 4} y={H - pad.b} className="tick" textAnchor="end">
          {fmt(lo)}
        </text>
      </svg>
    </figure>
  );
}
