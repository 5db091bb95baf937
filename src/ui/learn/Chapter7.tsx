/** Chapter 7: the composite loss, term by term, from the live run's metrics history. */
import { useState } from 'react';
import { CHAPTER_LABS } from '../../learn/tryit';
import type { HistoryRow } from '../data/history';
import { fmt } from '../format';
import { useLab } from '../store';
import { Chapter } from './Chapter';
import { Formula, M } from './Formula';
import { Readout, Slider, TryIt, Widget } from './widgets';

const SHOWN = 40;

interface Terms {
  iter: number;
  policy: number;
  value: number;
  entropy: number;
  kl: number;
  /** The engine's own total, with the run's coefficients. */
  engineTotal: number | null;
}

const TERM_COLORS = {
  policy: 'var(--series-1)',
  value: 'var(--series-2)',
  entropy: 'var(--series-3)',
  kl: 'var(--series-4)',
} as const;
const TERM_LABELS = { policy: '−J (policy)', value: 'c_v · value loss', entropy: '−c_ent · entropy', kl: 'β · KL' } as const;
type TermKey = keyof typeof TERM_COLORS;
const KEYS = Object.keys(TERM_COLORS) as TermKey[];

/** Illustrative iterations, shown (and labelled so) until the lab has trained in this page. */
const EXAMPLE: Raw[] = [0.08, 0.05, 0.02, -0.01, -0.02, -0.03].map((p, i) => ({
  iter: i + 1,
  policy: p,
  value: 0.3 - 0.04 * i,
  entropy: 1.9 - 0.1 * i,
  kl: 0.01 * i,
  engineTotal: null,
  beta: 0.05,
}));

interface Raw {
  iter: number;
  policy: number;
  value: number | null;
  entropy: number;
  kl: number | null;
  engineTotal: number | null;
  beta: number;
}

const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function rawOf(r: HistoryRow): Raw | null {
  const policy = num(r['loss/policy']);
  const entropy = num(r['loss/entropy']);
  if (policy === null || entropy === null) return null;
  return {
    iter: r.iter,
    policy,
    value: num(r['loss/value']),
    entropy,
    kl: num(r['loss/kl']),
    engineTotal: num(r['loss/total']),
    beta: num(r.beta) ?? 0,
  };
}

function StackedTerms({ terms }: { terms: Terms[] }) {
  const W = 520;
  const H = 220;
  const pad = { l: 44, r: 8, t: 10, b: 22 };
  const up = terms.map((t) => KEYS.reduce((s, k) => s + Math.max(0, t[k]), 0));
  const down = terms.map((t) => KEYS.reduce((s, k) => s + Math.min(0, t[k]), 0));
  const hi = Math.max(1e-6, ...up);
  const lo = Math.min(0, ...down);
  const sy = (v: number) => pad.t + ((hi - v) / (hi - lo)) * (H - pad.t - pad.b);
  const bw = (W - pad.l - pad.r) / Math.max(terms.length, 1);
  return (
    <figure className="line-plot" data-testid="ch7-stack">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="The loss terms of each iteration, stacked">
        {terms.map((t, i) => {
          let pos = 0;
          let neg = 0;
          return (
            <g key={t.iter}>
              {KEYS.map((k) => {
                const v = t[k];
                const from = v >= 0 ? pos : neg;
                const to = from + v;
                if (v >= 0) pos = to;
                else neg = to;
                return (
                  <rect
                    key={k}
                    x={pad.l + i * bw + bw * 0.1}
                    width={bw * 0.8}
                    y={Math.min(sy(from), sy(to))}
                    height={Math.abs(sy(to) - sy(from))}
                    fill={TERM_COLORS[k]}
                  >
                    <title>{`iteration ${t.iter}: ${TERM_LABELS[k]} = ${fmt(v, 4)}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
        <line x1={pad.l} x2={W - pad.r} y1={sy(0)} y2={sy(0)} className="axis" />
        <text x={pad.l - 4} y={sy(hi) + 8} className="tick" textAnchor="end">
          {fmt(hi, 3)}
        </text>
        <text x={pad.l - 4} y={sy(lo)} className="tick" textAnchor="end">
          {fmt(lo, 3)}
        </text>
        <text x={(W + pad.l) / 2} y={H - 5} className="tick" textAnchor="middle">
          iteration {terms[0]?.iter ?? ''}–{terms[terms.length - 1]?.iter ?? ''}
        </text>
      </svg>
      <figcaption className="legend">
        {KEYS.map((k) => (
          <span key={k}>
            <span className="swatch" style={{ background: TERM_COLORS[k] }} /> {TERM_LABELS[k]}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

export function Chapter7() {
  const rows = useLab((s) => s.rows);
  const run = useLab((s) => s.inForce ?? s.loaded ?? s.draft);
  const setParam = useLab((s) => s.setParam);
  const [cv, setCv] = useState(run.vfCoef);
  const [cent, setCent] = useState(run.entCoef);
  const live = rows.map(rawOf).filter((r): r is Raw => r !== null);
  const example = live.length === 0;
  const raws = (example ? EXAMPLE : live).slice(-SHOWN);
  const critic = run.algo === 'ppo';
  const terms: Terms[] = raws.map((r) => ({
    iter: r.iter,
    policy: r.policy,
    value: cv * (r.value ?? 0),
    entropy: -cent * r.entropy,
    kl: r.beta * (r.kl ?? 0),
    engineTotal: r.engineTotal,
  }));
  const latest = terms[terms.length - 1]!;
  const total = KEYS.reduce((s, k) => s + latest[k], 0);
  return (
    <Chapter n={7} title="The composite loss" cites={['The composite loss you actually optimize']}>
      <p>
        One optimiser step minimises one number. PPO’s is a weighted sum of four parts: the clipped objective (negated, since we
        minimise), the value head’s regression error, an entropy bonus that keeps the policy from collapsing onto one token too
        early, and, when β acts in the loss, the KL term:
      </p>
      <Formula
        display
        tex={String.raw`\mathcal{L}=-\mathcal{J}_{\text{PPO}}+c_v\,\tfrac12\,\mathbb{E}\big[(V_\phi-\hat R)^2\big]-c_{\text{ent}}\,\mathbb{E}\big[H(\pi_\theta)\big]+\beta\,\mathbb{E}\big[\mathrm{KL}(\pi_\theta\|\pi_{\text{ref}})\big]`}
      />
      <p>
        The coefficients decide how loudly each part speaks. The value loss is often larger than the policy term, so a big{' '}
        <M>c_v</M> lets the critic dominate the shared network’s gradient; a big <M>{String.raw`c_{\text{ent}}`}</M> keeps the
        policy spread out and slows learning. GRPO and REINFORCE have no value head, so their value term is absent. Below, the
        terms of the lab’s own run, one stacked bar per iteration; the sliders re-weight them so you can see what other
        coefficients would have made of the same numbers.
      </p>
      <Widget title="The live run’s loss, term by term">
        {example ? (
          <p className="note" data-testid="ch7-example">
            Example numbers: the lab has not trained in this page yet. Start it (the header’s Start), or step it once, and this
            chart shows your run.
          </p>
        ) : (
          <p className="small muted">
            {run.task} · {run.algo.toUpperCase()} · the run’s c_v = {fmt(run.vfCoef)}, c_ent = {fmt(run.entCoef)}
            {run.klMode === 'loss' ? `, β = ${fmt(run.beta)} in the loss` : ', KL in the reward (no KL term)'}.
          </p>
        )}
        <div className="widget-grid">
          <div>
            <Slider label={<M>c_v</M>} value={cv} min={0} max={2} step={0.01} onChange={setCv} testId="ch7-cv" />
            <Slider
              label={<M>{String.raw`c_{\text{ent}}`}</M>}
              value={cent}
              min={0}
              max={0.1}
              step={0.001}
              onChange={setCent}
              testId="ch7-cent"
            />
            {KEYS.map((k) => (
              <Readout key={k} label={TERM_LABELS[k]} value={fmt(latest[k], 4)} testId={`ch7-${k}`} />
            ))}
            <Readout label="total, these coefficients" value={fmt(total, 4)} testId="ch7-total" />
            {latest.engineTotal !== null ? (
              <Readout
                label="total the engine logged (the run’s coefficients)"
                value={fmt(latest.engineTotal, 4)}
                testId="ch7-engine-total"
              />
            ) : null}
            {!critic && !example ? (
              <p className="small muted">{run.algo.toUpperCase()} has no value head: its value term is 0.</p>
            ) : null}
            <button
              type="button"
              onClick={() => {
                setCv(run.vfCoef);
                setCent(run.entCoef);
              }}
              data-testid="ch7-run-coefs"
            >
              Back to the run’s c_v and c_ent
            </button>{' '}
            <button
              type="button"
              disabled={example}
              onClick={() => {
                setParam('vfCoef', cv);
                setParam('entCoef', cent);
              }}
              data-testid="ch7-apply"
            >
              Apply these c_v and c_ent to the running lab
            </button>
          </div>
          <StackedTerms terms={terms} />
        </div>
      </Widget>
      <TryIt setup={CHAPTER_LABS[7](cv, cent)} />
    </Chapter>
  );
}
