/** Chapter 4: reusing a batch, per-token importance ratios, and why not one ratio per sequence. */
import { useMemo, useState } from 'react';
import { Rng } from '../../engine/rng';
import { movedPolicies, ratioSecondMoment, sampleSequence, sequenceRatioStd, tokenRatioStd } from '../../learn/ratios';
import { CHAPTER_LABS } from '../../learn/tryit';
import { fmt } from '../format';
import { Chapter } from './Chapter';
import { Formula, M } from './Formula';
import { Bars, LinePlot, Readout, Slider, TryIt, Widget } from './widgets';

/** π_old's logits over a four-token vocabulary. */
const LOGITS = [0, 0.6, -0.4, 0.2];
const TOKENS = ['a', 'b', 'c', 'd'];
const MAX_LEN = 32;

export function Chapter4() {
  const [step, setStep] = useState(0.3);
  const [length, setLength] = useState(8);
  const [seed, setSeed] = useState(1);
  const { old, current } = useMemo(() => movedPolicies(LOGITS, step), [step]);
  const m = ratioSecondMoment(old, current);
  const seq = useMemo(() => sampleSequence(old, current, length, Rng.stream(seed, 'sampling')), [old, current, length, seed]);
  const lengths = Array.from({ length: MAX_LEN }, (_, i) => i + 1);
  const yMax = 3;
  return (
    <Chapter
      n={4}
      title="Per-token importance ratios"
      cites={['Importance sampling and where PPO starts to differ', 'In PPO specifically']}
    >
      <p>
        Sampling completions is the slow part of training, so PPO samples a batch once, under a frozen copy of the policy{' '}
        <M>{String.raw`\pi_{\theta_{\text{old}}}`}</M>, and then takes several gradient steps on it. After the first step the
        batch no longer comes from the policy being trained. Importance sampling corrects for that: reweight each token by how
        much more (or less) likely the current policy finds it than the policy that wrote it,
      </p>
      <Formula
        display
        tex={String.raw`r_t(\theta) = \dfrac{\pi_\theta(o_t \mid q, o_{<t})}{\pi_{\theta_{\text{old}}}(o_t \mid q, o_{<t})},\qquad \mathbb{E}_{\pi_{\text{old}}}\big[r_t A_t\big]`}
      />
      <p>
        Before the first step every <M>r_t</M> is 1 (in the lab, up to float rounding: sampling and the update reach the same
        log-probs by different routes). The correction for a whole completion would be the product of its token ratios. Its mean
        is also 1, but its spread multiplies with every token: with{' '}
        <M>{String.raw`m=\mathbb{E}_{\text{old}}[r^2]=\sum_x \pi_\theta(x)^2/\pi_{\text{old}}(x)`}</M>, one token’s ratio has
        variance <M>m-1</M> while a product of <M>L</M> of them has variance <M>m^L-1</M>. A few dozen tokens of a slightly moved
        policy are enough for most products to be near zero and a rare few to be huge. PPO uses the per-token ratios instead, as
        if the prefix that led to each token were fixed: a first-order correction that stays usable while the policy moves a
        little, which is all PPO lets it do (chapter 5).
      </p>
      <Widget title="Move π_θ away from π_old: one token against a whole sequence">
        <div className="widget-grid">
          <div>
            <Slider
              label={<>logit shift of token a</>}
              value={step}
              min={0}
              max={1}
              step={0.05}
              onChange={setStep}
              testId="ch4-step"
            />
            <Slider
              label={
                <>
                  length <M>L</M>
                </>
              }
              value={length}
              min={1}
              max={MAX_LEN}
              step={1}
              onChange={setLength}
              testId="ch4-length"
            />
            <Readout label="std of one token’s ratio" value={fmt(tokenRatioStd(m), 3)} testId="ch4-token-std" />
            <Readout
              label={`std of the product over ${length} tokens`}
              value={fmt(sequenceRatioStd(m, length), 3)}
              testId="ch4-seq-std"
            />
            <Bars
              items={TOKENS.map((t, i) => ({
                label: `${t}: r = ${fmt(current[i]! / old[i]!, 3)}`,
                value: current[i]!,
                color: 'var(--series-1)',
              }))}
              y={[0, 0.6]}
              testId="ch4-policy"
            />
            <p className="muted small">Bars: π_θ per token; labels: each token’s ratio to π_old.</p>
          </div>
          <div>
            <LinePlot
              x={[1, MAX_LEN]}
              y={[0, yMax]}
              xLabel="completion length L"
              yLabel="standard deviation"
              guides={[{ at: length, label: `L = ${length}` }]}
              series={[
                { label: 'one token’s ratio', color: 'var(--series-1)', points: lengths.map((l) => [l, tokenRatioStd(m)]) },
                {
                  label: 'product over the sequence (clipped at 3)',
                  color: 'var(--series-2)',
                  points: lengths.map((l) => [l, sequenceRatioStd(m, l)]),
                },
              ]}
            />
            <p className="small">One sampled sequence under π_old, its per-token ratios:</p>
            <p className="chips" data-testid="ch4-sample">
              {seq.ratios.map((r, i) => (
                <span key={i} title={`token ${TOKENS[seq.tokens[i]!]}`}>
                  {fmt(r, 3)}
                </span>
              ))}
            </p>
            <Readout label="their product" value={fmt(seq.product, 3)} testId="ch4-product" />
            <button type="button" onClick={() => setSeed(seed + 1)} data-testid="ch4-resample">
              Sample another sequence
            </button>
          </div>
        </div>
      </Widget>
      <TryIt setup={CHAPTER_LABS[4]()} />
    </Chapter>
  );
}
