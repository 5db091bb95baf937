/**
 * Chapter 5's last part: the six cases on real tokens of the running lab. It reads the
 * minibatch the worker last trained (the store's `minibatch`, as the lab's SixCases chart
 * does), shows a few tokens with the case the engine gave them, and recomputes dL/dr for
 * each with the chapter's own tokenSurrogate, next to whether the engine let gradient through.
 */
import { useMemo } from 'react';
import { CASE_INFO } from '../charts/cases-info';
import { tokenSurrogate } from '../../learn/surrogate';
import { fmt } from '../format';
import { useLab } from '../store';

const SHOWN = 12;

export function LiveTokens() {
  const mb = useLab((s) => s.minibatch);
  const clipped = useLab((s) => (s.loaded?.algo ?? s.draft.algo) !== 'reinforce');
  const runState = useLab((s) => s.runState);
  const send = useLab((s) => s.send);
  const tokens = useMemo(() => {
    if (!mb) return [];
    const d = mb.data;
    const out: { row: number; t: number; r: number; a: number; c: number; flows: boolean; grad: number }[] = [];
    for (let j = 0; j < d.rows.length; j++)
      for (let t = 0; t < d.lengths[j]!; t++) {
        const k = j * d.width + t;
        const r = d.ratio[k]!;
        const a = d.advantages[k]!;
        const mine = tokenSurrogate(r, a, d.eps, d.epsHigh);
        out.push({ row: d.rows[j]!, t, r, a, c: d.cases[k]!, flows: d.flows[k] === 1, grad: clipped ? mine.gradR : a });
      }
    return out;
  }, [mb, clipped]);
  if (!mb)
    return (
      <div className="live-tokens" data-testid="ch5-live">
        <p>
          No minibatch yet: the lab has not trained in this page. Run one iteration (it keeps running while you read, and the
          table below fills in).
        </p>
        <button type="button" onClick={() => send({ type: 'step' })} disabled={runState === 'loading'} data-testid="ch5-step">
          Step one iteration
        </button>
      </div>
    );
  // Prefer tokens that moved away from r = 1, so the interesting cases show first.
  const shown = [...tokens].sort((x, y) => Math.abs(y.r - 1) - Math.abs(x.r - 1)).slice(0, SHOWN);
  const agree = tokens.filter((t) => (t.grad !== 0) === t.flows || t.c === 0).length;
  return (
    <div className="live-tokens" data-testid="ch5-live">
      <p className="small">
        Iteration {mb.iteration}, epoch {mb.data.epoch + 1}, minibatch {mb.data.minibatch + 1}: {tokens.length} tokens, ε ={' '}
        {fmt(mb.data.eps)}. The {SHOWN} tokens whose ratio moved most:
      </p>
      <table data-testid="ch5-live-table">
        <caption className="sr-only">Tokens of the lab's last minibatch with their case and gradient</caption>
        <thead>
          <tr>
            <th scope="col">completion</th>
            <th scope="col">t</th>
            <th scope="col">r</th>
            <th scope="col">A</th>
            <th scope="col">case (engine)</th>
            <th scope="col">dL/dr (here)</th>
            <th scope="col">gradient (engine)</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((t) => (
            <tr key={`${t.row}-${t.t}`}>
              <th scope="row">{t.row + 1}</th>
              <td>{t.t + 1}</td>
              <td>{fmt(t.r, 4)}</td>
              <td>{fmt(t.a, 3)}</td>
              <td>{t.c === 0 ? 'no signal' : <CaseBadge n={t.c} />}</td>
              <td>{fmt(t.grad, 3)}</td>
              <td>{t.flows ? 'flows' : 'zero'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small" data-testid="ch5-live-agree">
        The gradient computed here is zero exactly where the engine says it is cut on {agree} of {tokens.length} tokens.
      </p>
    </div>
  );
}

export function CaseBadge({ n }: { n: number }) {
  const info = CASE_INFO.find((c) => c.n === n);
  return (
    <span className="case-badge" style={{ background: info?.color ?? 'var(--case0)' }}>
      case {n}
    </span>
  );
}
