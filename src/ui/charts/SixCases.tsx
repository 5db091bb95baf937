/**
 * The six cases: per case, what the min picks and whether gradient flows, with the engine's
 * counts for the minibatch just trained and for the whole iteration; beside it L(r) for
 * A > 0 and A < 0 with that minibatch's tokens as dots; below, each case's share over
 * iterations.
 */
import { useMemo } from 'react';
import { CASE_NAMES, type CaseName } from '../../engine/cases';
import type { CaseCounts } from '../../engine/metrics';
import { Card } from '../explain/Explain';
import { fmtPercent } from '../format';
import { useLab } from '../store';
import { shownLatest, shownMinibatch } from '../slices/metrics';
import { CASE_INFO, NO_SIGNAL } from './cases-info';
import { SurrogatePlot, tokenPoints } from './SurrogatePlot';
import { TimeChart, type SeriesSpec } from './TimeChart';

const total = (c: CaseCounts) => CASE_NAMES.reduce((s, k) => s + c[k], 0);

const CASE_SERIES: SeriesSpec[] = [...CASE_INFO, NO_SIGNAL].map((c) => ({
  key: `cases/${c.name}`,
  label: c.n ? `case ${c.n}` : 'no signal',
  color: c.color,
}));

function CaseTable({
  minibatch,
  iteration,
  mbLabel,
  clipped,
}: {
  /** False for REINFORCE: no case cuts the gradient, cases 4 and 5 included. */
  clipped: boolean;
  minibatch: CaseCounts | null;
  iteration: CaseCounts | null;
  mbLabel: string;
}) {
  const mbTotal = minibatch ? total(minibatch) : 0;
  const itTotal = iteration ? total(iteration) : 0;
  const cell = (counts: CaseCounts | null, sum: number, name: CaseName) =>
    counts ? (
      <>
        <span className="count">{counts[name]}</span> <span className="share">{fmtPercent(sum ? counts[name] / sum : 0)}</span>
      </>
    ) : (
      '—'
    );
  return (
    <table className="cases-table">
      <caption className="sr-only">The six cases of the clipped surrogate, with token counts</caption>
      <thead>
        <tr>
          <th scope="col">case</th>
          <th scope="col">ratio r</th>
          <th scope="col">A</th>
          <th scope="col">min picks</th>
          <th scope="col">gradient</th>
          <th scope="col">{mbLabel}</th>
          <th scope="col">this iteration</th>
        </tr>
      </thead>
      <tbody>
        {[...CASE_INFO, NO_SIGNAL].map((c) => {
          const flows = c.flows || (!clipped && c.n !== 0);
          return (
            <tr key={c.name} data-case={c.n} className={flows ? '' : 'no-grad'}>
              <th scope="row">
                <span className="swatch" style={{ background: c.color }} /> {c.n || '–'}
              </th>
              <td>{c.ratio}</td>
              <td>{c.sign}</td>
              <td>
                <code>{c.picks}</code>
              </td>
              <td>
                {c.n === 0 ? (
                  'none'
                ) : c.flows ? (
                  `flows (${c.effect})`
                ) : clipped ? (
                  <strong>zero ({c.effect.replace('clipped: ', '')})</strong>
                ) : (
                  'flows (REINFORCE does not clip)'
                )}
              </td>
              <td className="num" data-testid={`case-mb-${c.n}`}>
                {cell(minibatch, mbTotal, c.name)}
              </td>
              <td className="num" data-testid={`case-it-${c.n}`}>
                {cell(iteration, itTotal, c.name)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function SixCases() {
  const mb = useLab(shownMinibatch);
  const latest = useLab(shownLatest);
  const rows = useLab((s) => s.rows);
  const markers = useLab((s) => s.markers);
  const clipped = useLab((s) => (s.loaded?.algo ?? s.draft.algo) !== 'reinforce');
  // Primitive selections: an object built in a selector would re-render forever.
  const draftEps = useLab((s) => s.draft.eps);
  const draftEpsHigh = useLab((s) => s.draft.epsHigh);
  const previewEpsHigh = draftEpsHigh || draftEps;
  // The minibatch carries the clip range it was trained with; before any, the sliders' values.
  const eps = mb ? mb.data.eps : draftEps;
  const epsHigh = mb ? mb.data.epsHigh : previewEpsHigh;
  const points = useMemo(
    () => (mb ? tokenPoints(mb.data, eps, epsHigh, clipped) : { pos: [], neg: [] }),
    [mb, eps, epsHigh, clipped],
  );
  const mbLabel = mb ? `minibatch ${mb.data.minibatch + 1}, epoch ${mb.data.epoch + 1}` : 'minibatch';
  return (
    <Card title="The six cases" explain={['cases', 'surrogate', 'casesTime']} testId="six-cases" className="wide">
      <div className="cases-layout">
        <div>
          <CaseTable
            minibatch={mb?.data.counts ?? null}
            iteration={latest?.['policy/cases'] ?? null}
            mbLabel={mbLabel}
            clipped={clipped}
          />
          <p className="chart-note">
            {mb ? `iteration ${mb.iteration} · ${mbLabel} · ` : ''}
            {clipped
              ? 'cases 4 and 5 are clipped: the min picks a constant, so their gradient is zero.'
              : 'REINFORCE: nothing is clipped. Cases 4 and 5 are only positions of r here: in this algorithm they do not cut the gradient, which flows in every case (and every clip fraction is 0).'}
          </p>
        </div>
        <SurrogatePlot
          sign={1}
          points={points.pos}
          eps={eps}
          epsHigh={epsHigh}
          previewEps={draftEps}
          previewEpsHigh={previewEpsHigh}
          clipped={clipped}
        />
        <SurrogatePlot
          sign={-1}
          points={points.neg}
          eps={eps}
          epsHigh={epsHigh}
          previewEps={draftEps}
          previewEpsHigh={previewEpsHigh}
          clipped={clipped}
        />
      </div>
      <h3>Share of tokens per case, over iterations</h3>
      <TimeChart
        rows={rows}
        markers={markers}
        series={CASE_SERIES}
        yLabel="share of tokens"
        tickFormat={fmtPercent}
        fromZero
        height="11rem"
      />
    </Card>
  );
}
