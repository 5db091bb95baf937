/** Chapter 5: the clipped surrogate, its six cases with the gradient computed, length normalisation, live tokens. */
import { useState } from 'react';
import type { LossType } from '../../engine/minibatch';
import { tokenSurrogate } from '../../learn/surrogate';
import { CHAPTER_LABS } from '../../learn/tryit';
import { completionWeights, LOSS_TYPES } from '../../learn/weights';
import { CASE_INFO } from '../charts/cases-info';
import { fmt, fmtPercent } from '../format';
import { Chapter } from './Chapter';
import { Formula, M } from './Formula';
import { CaseBadge, LiveTokens } from './LiveTokens';
import { Bars, LinePlot, Readout, Slider, TryIt, Widget } from './widgets';

const RS = Array.from({ length: 151 }, (_, i) => 0.3 + i * 0.01);
const SHORT = 3;
const MAX_T = 16;

const LOSS_TYPE_TEXT: Record<LossType, string> = {
  grpo: 'each completion first averages its own tokens (1/|o|), then completions are averaged: a short completion’s tokens weigh more each',
  bnpo: 'all tokens of the minibatch are averaged together: every token weighs the same, so long completions dominate',
  dr_grpo: 'a fixed divisor (batch × maximum length): every token weighs the same and the total does not depend on lengths',
};

export function Chapter5() {
  const [r, setR] = useState(1.1);
  const [a, setA] = useState(1);
  const [eps, setEps] = useState(0.2);
  const [longLen, setLongLen] = useState(12);
  const [lossType, setLossType] = useState<LossType>('grpo');
  const tok = tokenSurrogate(r, a, eps, eps);
  const info = CASE_INFO.find((c) => c.n === tok.case);
  const curve = RS.map((x) => [x, tokenSurrogate(x, a, eps, eps).value] as [number, number]);
  const yLo = Math.min(0, ...curve.map((p) => p[1]), 0.3 * a, 1.8 * a);
  const yHi = Math.max(0, ...curve.map((p) => p[1]), 0.3 * a, 1.8 * a);
  const w = completionWeights([SHORT, longLen], MAX_T, lossType);
  const shortShare = w.perCompletion[0]! / (w.perCompletion[0]! + w.perCompletion[1]!);
  return (
    <Chapter
      n={5}
      title="The clipped surrogate and its six cases"
      cites={["PPO's clipping mechanism (the soft trust region)", 'In PPO specifically']}
    >
      <p>
        The ratio-weighted objective of chapter 4 has the right gradient at <M>r=1</M>, but nothing stops an optimiser from
        pushing a token’s ratio far away, where the old batch says little about the new policy. PPO takes the pessimistic of two
        values per token, the plain <M>r_tA_t</M> and the same with the ratio clamped to a band around 1:
      </p>
      <Formula
        display
        tex={String.raw`L_t(\theta)=\min\Big(r_t A_t,\ \operatorname{clip}(r_t,\,1-\varepsilon,\,1+\varepsilon)\,A_t\Big)`}
      />
      <Formula
        display
        tex={String.raw`\mathcal{J}_{\text{PPO}}(\theta)=\mathbb{E}_{q,\;o\sim\pi_{\theta_{\text{old}}}}\Big[\frac{1}{|o|}\sum_{t=1}^{|o|} L_t(\theta)\Big]`}
      />
      <p>
        Read the min by the sign of the advantage. For a good token (<M>A&gt;0</M>) the objective grows with <M>r</M> only up to{' '}
        <M>1+\varepsilon</M>; past it the clipped branch is the smaller one, it is a constant, and the token’s gradient is zero:
        no extra credit for making it even more likely. For a bad token (<M>A&lt;0</M>) the same happens below{' '}
        <M>1-\varepsilon</M>: once it has been made unlikely enough, pushing further earns nothing. In the other two corners (a
        good token that became <em>less</em> likely, a bad one that became <em>more</em> likely) the unclipped branch wins and the
        gradient still flows, so mistakes can always be undone. Two signs and three ratio regions make six cases.
      </p>
      <Widget title="Drag r and A: the case, the branch the min picks, and the gradient">
        <div className="widget-grid">
          <div>
            <Slider
              label={
                <>
                  ratio <M>r</M>
                </>
              }
              value={r}
              min={0.3}
              max={1.8}
              step={0.01}
              onChange={setR}
              testId="ch5-r"
            />
            <Slider
              label={
                <>
                  advantage <M>A</M>
                </>
              }
              value={a}
              min={-2}
              max={2}
              step={0.1}
              onChange={setA}
              testId="ch5-a"
            />
            <Slider label={<M>\varepsilon</M>} value={eps} min={0.05} max={0.5} step={0.01} onChange={setEps} testId="ch5-eps" />
            <Readout
              label="case"
              value={String(tok.case)}
              testId="ch5-case"
              note={info ? `r ${info.ratio}, A ${info.sign}` : 'A = 0: no signal'}
            />
            <p>{tok.case ? <CaseBadge n={tok.case} /> : null}</p>
            <Readout
              label="the min picks"
              value={tok.picks === 'clipped' ? 'clip(r)·A' : tok.picks === 'both' ? 'r·A (both equal)' : 'r·A'}
              testId="ch5-picks"
            />
            <Readout label={<M>L(r)</M>} value={fmt(tok.value, 4)} testId="ch5-L" />
            <Readout
              label={<M>{String.raw`\partial L/\partial r`}</M>}
              value={fmt(tok.gradR, 4)}
              testId="ch5-grad"
              note={tok.gradR === 0 ? 'zero: this token teaches nothing more' : 'flows'}
            />
            <Readout
              label={<M>{String.raw`\partial L/\partial \log\pi_\theta(o_t)`}</M>}
              value={fmt(tok.gradR * r, 4)}
              note="= r · ∂L/∂r, what reaches the logits"
            />
          </div>
          <div>
            <LinePlot
              x={[0.3, 1.8]}
              y={[yLo, yHi]}
              xLabel="ratio r"
              yLabel="L(r)"
              guides={[
                { at: 1 - eps, label: '1−ε' },
                { at: 1 + eps, label: '1+ε' },
              ]}
              series={[
                { label: 'r·A (unclipped)', color: 'var(--grid-strong)', dashed: true, points: RS.map((x) => [x, x * a]) },
                { label: 'L(r) = min(…)', color: 'var(--series-1)', points: curve },
              ]}
              dots={[{ x: r, y: tok.value, color: info?.color ?? 'var(--case0)', label: `r = ${fmt(r)}, L = ${fmt(tok.value)}` }]}
              testId="ch5-plot"
            />
          </div>
        </div>
      </Widget>
      <h3>How tokens are averaged: 1/|o| and the loss types</h3>
      <p>
        The <M>{String.raw`\frac{1}{|o|}\sum_t`}</M> in the objective is a choice. It makes every completion count once, whatever
        its length, which also means each token of a short completion weighs more than a token of a long one. Real trainers name
        three choices (TRL’s <code>loss_type</code>); the widget shows the weight each token gets in a minibatch of one short and
        one long completion.
      </p>
      <Widget title="Token weights of a short and a long completion">
        <fieldset>
          <legend>loss type</legend>
          {LOSS_TYPES.map((t) => (
            <label key={t} className="radio">
              <input
                type="radio"
                name="ch5-loss-type"
                value={t}
                checked={lossType === t}
                onChange={() => setLossType(t)}
                data-testid={`ch5-loss-${t}`}
              />{' '}
              {t}
            </label>
          ))}
        </fieldset>
        <p className="small">{LOSS_TYPE_TEXT[lossType]}.</p>
        <Slider
          label="long completion’s length"
          value={longLen}
          min={SHORT}
          max={MAX_T}
          step={1}
          onChange={setLongLen}
          testId="ch5-long"
        />
        <Bars
          items={[
            ...Array.from({ length: SHORT }, (_, t) => ({ label: `s${t + 1}`, value: w.perToken[0]!, color: 'var(--series-2)' })),
            ...Array.from({ length: longLen }, (_, t) => ({
              label: `${t + 1}`,
              value: w.perToken[1]!,
              color: 'var(--series-1)',
            })),
          ]}
          y={[0, 0.2]}
          testId="ch5-weights"
        />
        <Readout
          label={`short completion (${SHORT} tokens), share of the loss`}
          value={fmtPercent(shortShare)}
          testId="ch5-short-share"
        />
        <Readout
          label="weight of one short token / one long token"
          value={fmt(w.perToken[0]! / w.perToken[1]!, 3)}
          testId="ch5-token-ratio"
        />
      </Widget>
      <h3>The same cases on real tokens from the running lab</h3>
      <LiveTokens />
      <TryIt setup={CHAPTER_LABS[5](eps)} />
    </Chapter>
  );
}
