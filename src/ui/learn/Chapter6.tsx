/** Chapter 6: KL to the reference: the three estimators, where β acts, what each does as a loss, adaptive β. */
import { useMemo, useState } from 'react';
import type { KlEstimator } from '../../engine/kl';
import { betaTrace } from '../../learn/beta';
import { softmax } from '../../learn/categorical';
import { ESTIMATORS, estimatorGradient, estimatorStats, exactKl, exactKlGradient } from '../../learn/kl';
import { CHAPTER_LABS, labLink } from '../../learn/tryit';
import { fmt, fmtPercent } from '../format';
import { useLabLinkTarget } from '../share/page-mode';
import { Chapter } from './Chapter';
import { Formula, M } from './Formula';
import { LinePlot, Readout, show, Slider, TryIt, useWithBackend, Widget } from './widgets';

/** The reference's logits over five tokens, and the direction the policy drifts in. */
const REF_LOGITS = [0.5, 0.2, 0, -0.3, -0.8];
const DRIFT = [-1, 0.2, 0.9, -0.4, 1.2];
const COLORS: Record<KlEstimator, string> = { k1: 'var(--series-1)', k2: 'var(--series-2)', k3: 'var(--series-3)' };
const FORMULAS: Record<KlEstimator, string> = {
  k1: String.raw`k_1=-d`,
  k2: String.raw`k_2=\tfrac12 d^2`,
  k3: String.raw`k_3=(e^{d}-1)-d`,
};

const vec = (v: number[]) => `(${v.map((x) => show(x, 2)).join(', ')})`;

/** Each estimator's possible values as dots (area ∝ probability), with the exact KL as a line. */
function EstimatorStrip({ stats, pi, kl }: { stats: ReturnType<typeof estimatorStats>[]; pi: number[]; kl: number }) {
  const W = 360;
  const H = 200;
  const pad = { l: 40, r: 10, t: 10, b: 22 };
  const all = stats.flatMap((s) => s.values);
  const lo = Math.min(-0.2, ...all);
  const hi = Math.max(0.5, ...all);
  const sy = (v: number) => pad.t + ((hi - v) / (hi - lo)) * (H - pad.t - pad.b);
  const col = (W - pad.l - pad.r) / stats.length;
  return (
    <figure className="line-plot" data-testid="ch6-strip">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="The values each estimator can take, sized by probability">
        <line x1={pad.l} x2={W - pad.r} y1={sy(0)} y2={sy(0)} className="axis" />
        <line x1={pad.l} x2={W - pad.r} y1={sy(kl)} y2={sy(kl)} className="guide" />
        <text x={pad.l + 2} y={sy(kl) - 3} className="tick">
          exact KL {fmt(kl, 3)}
        </text>
        {stats.map((s, i) => {
          const cx = pad.l + col * (i + 0.5);
          return (
            <g key={s.kind}>
              {s.values.map((v, x) => (
                <circle
                  key={x}
                  cx={cx}
                  cy={sy(v)}
                  r={3 + 14 * Math.sqrt(pi[x]!)}
                  fill={COLORS[s.kind]}
                  fillOpacity={0.45}
                  stroke={COLORS[s.kind]}
                >
                  <title>{`${s.kind}: token ${x + 1} (π = ${fmt(pi[x], 3)}) gives ${fmt(v, 4)}`}</title>
                </circle>
              ))}
              <line x1={cx - col * 0.35} x2={cx + col * 0.35} y1={sy(s.mean)} y2={sy(s.mean)} stroke="var(--fg)" strokeWidth={2}>
                <title>{`mean ${fmt(s.mean, 4)}`}</title>
              </line>
              <text x={cx} y={H - 5} className="tick" textAnchor="middle">
                {s.kind}
              </text>
            </g>
          );
        })}
        <text x={pad.l - 4} y={sy(hi) + 8} className="tick" textAnchor="end">
          {fmt(hi, 3)}
        </text>
        <text x={pad.l - 4} y={sy(lo)} className="tick" textAnchor="end">
          {fmt(lo, 3)}
        </text>
      </svg>
      <figcaption className="legend">
        Dots: the value for each token the policy may sample (area ∝ its probability). Bar: the estimator’s mean.
      </figcaption>
    </figure>
  );
}

export function Chapter6() {
  const [drift, setDrift] = useState(0.6);
  const [target, setTarget] = useState(0.5);
  const ref = softmax(REF_LOGITS);
  const z = REF_LOGITS.map((v, i) => v + drift * DRIFT[i]!);
  const pi = softmax(z);
  const kl = exactKl(pi, ref);
  const stats = ESTIMATORS.map((k) => estimatorStats(pi, ref, k));
  const trueGrad = exactKlGradient(pi, ref);
  const trace = useMemo(
    () => betaTrace({ beta0: 0.05, target, pull: 0.05, iterations: 150, episodes: 64, horizon: 1000 }),
    [target],
  );
  const last = trace[trace.length - 1]!;
  const hacked = CHAPTER_LABS[6]();
  const guarded = useWithBackend({ ...hacked, config: { ...hacked.config, beta: 0.1 } });
  const linkTarget = useLabLinkTarget();
  return (
    <Chapter
      n={6}
      title="The KL guardrail to the reference"
      cites={['KL regularization and the trust-region view', 'The composite loss you actually optimize']}
    >
      <p>
        Clipping only limits how far each sampled token’s probability moves in one update. Over many updates the policy can still
        wander anywhere, and a reward model with a blind spot invites it to: the policy finds text that scores well without being
        good. The guardrail is a penalty on the KL divergence between the policy and a frozen reference (the SFT model), per
        token:
      </p>
      <Formula
        display
        tex={String.raw`\mathrm{KL}\big(\pi_\theta\,\|\,\pi_{\text{ref}}\big)=\sum_x \pi_\theta(x)\,\log\frac{\pi_\theta(x)}{\pi_{\text{ref}}(x)}`}
      />
      <p>
        A big vocabulary makes the sum expensive, so trainers estimate it from the token that was sampled anyway. With{' '}
        <M>{String.raw`d=\log\pi_{\text{ref}}(x)-\log\pi_\theta(x)`}</M> for the sampled <M>x</M>, there are three standard
        estimators: <M>{FORMULAS.k1}</M>, <M>{FORMULAS.k2}</M> and <M>{FORMULAS.k3}</M>. <M>k_1</M> is unbiased but negative
        whenever the sampled token is likelier under the reference; <M>k_2</M> is never negative but biased; <M>k_3</M> is both
        unbiased and never negative (it adds <M>{String.raw`e^d-1`}</M>, which has mean zero, to <M>k_1</M>).
      </p>
      <Widget title="k1, k2, k3 against the exact KL on a five-token distribution">
        <div className="widget-grid">
          <div>
            <Slider
              label="how far π_θ has drifted from π_ref"
              value={drift}
              min={0}
              max={1.5}
              step={0.05}
              onChange={setDrift}
              testId="ch6-drift"
            />
            <Readout label="exact KL" value={fmt(kl, 4)} testId="ch6-kl" />
            <table data-testid="ch6-table">
              <caption className="sr-only">Mean, bias, spread and chance of a negative value of each estimator</caption>
              <thead>
                <tr>
                  <th scope="col">estimator</th>
                  <th scope="col">mean</th>
                  <th scope="col">bias</th>
                  <th scope="col">std</th>
                  <th scope="col">P(&lt; 0)</th>
                </tr>
              </thead>
              <tbody>
                {stats.map((s) => (
                  <tr key={s.kind}>
                    <th scope="row">{s.kind}</th>
                    <td>{fmt(s.mean, 4)}</td>
                    <td data-testid={`ch6-bias-${s.kind}`} data-value={s.bias}>
                      {show(s.bias, 3)}
                    </td>
                    <td>{fmt(s.std, 3)}</td>
                    <td data-testid={`ch6-neg-${s.kind}`} data-value={s.negativeProbability}>
                      {fmtPercent(s.negativeProbability)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <EstimatorStrip stats={stats} pi={pi} kl={kl} />
        </div>
      </Widget>
      <h3>In the reward or in the loss</h3>
      <p>
        β can act in two places. In the <strong>reward</strong> (TRL’s PPO, InstructGPT): every token gets{' '}
        <M>{String.raw`-\beta\,\mathrm{kl}_t`}</M>, GAE carries it back through the advantages (chapter 3), and the policy learns
        to avoid drifting the way it learns anything else. In the <strong>loss</strong> (TRL’s GRPO): a term{' '}
        <M>{String.raw`+\beta\,k_t`}</M> averaged like <M>L_t</M> is differentiated directly. Then the estimator’s{' '}
        <em>gradient</em> matters, not just its value: holding the sampled token fixed, <M>k_1</M>’s expected gradient is zero (it
        pulls nowhere on average), <M>k_2</M>’s is exactly the gradient of the KL, and <M>k_3</M>’s is the gradient of the reverse
        divergence <M>{String.raw`\mathrm{KL}(\pi_{\text{ref}}\|\pi_\theta)`}</M>, which also points back toward the reference.
      </p>
      <Widget title="Expected gradient of each estimator as a loss term, with respect to the five logits">
        <Readout label="true ∇ KL(π‖π_ref)" value={vec(trueGrad)} testId="ch6-grad-true" />
        {ESTIMATORS.map((k) => (
          <Readout key={k} label={`E[∇ ${k}]`} value={vec(estimatorGradient(pi, ref, k))} testId={`ch6-grad-${k}`} />
        ))}
      </Widget>
      <h3>Adaptive β</h3>
      <p>
        Choosing β by hand is guesswork, so it can be steered instead (Ziegler et al.): after each iteration, compare the measured
        KL with a target, and nudge β up when the KL is too high and down when it is too low, by at most 20% of the error, scaled
        by the episodes in the update over a horizon:
      </p>
      <Formula
        display
        tex={String.raw`e=\operatorname{clip}\!\Big(\frac{\mathrm{KL}}{\mathrm{KL}_{\text{target}}}-1,\,-0.2,\,0.2\Big),\qquad \beta\leftarrow\beta\,\Big(1+e\,\frac{n}{\text{horizon}}\Big)`}
      />
      <Widget title="β tracking a target (the trainer’s rule, in a toy world where KL settles at 0.05/β)">
        <Slider label="target KL" value={target} min={0.1} max={2} step={0.05} onChange={setTarget} testId="ch6-target" />
        <Readout label="β after 150 iterations" value={fmt(last.beta, 4)} testId="ch6-beta" />
        <Readout label="KL after 150 iterations" value={fmt(last.kl, 4)} testId="ch6-beta-kl" />
        <LinePlot
          x={[1, trace.length]}
          y={[0, Math.max(2.2, ...trace.map((s) => s.kl))]}
          xLabel="iteration"
          yLabel="KL"
          hGuides={[{ at: target, label: 'target' }]}
          series={[
            { label: 'KL', color: 'var(--series-1)', points: trace.map((s) => [s.iter, s.kl]) },
            { label: 'β × 10', color: 'var(--series-2)', points: trace.map((s) => [s.iter, s.beta * 10]) },
          ]}
        />
      </Widget>
      <p>
        The lab’s sentiment task has a reward with a blind spot. With β = 0 nothing holds the policy near its reference, and it
        soon repeats whatever words the scorer likes instead of writing reviews (the task/grammatical chart falls); then raise β,
        or turn on adaptive β, and watch the KL chart.
      </p>
      <TryIt setup={CHAPTER_LABS[6]()} />
      <p className="try-it">
        <a className="button" href={labLink(guarded)} {...linkTarget} data-testid="try-it-guarded">
          The same run with β = {guarded.config.beta}
        </a>
      </p>
    </Chapter>
  );
}
