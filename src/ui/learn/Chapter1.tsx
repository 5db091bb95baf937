/** Chapter 1: what we want to maximise, and why a sampled token blocks backpropagation. */
import { useMemo, useState } from 'react';
import { armAt, objective, softmax } from '../../learn/categorical';
import { CHAPTER_LABS } from '../../learn/tryit';
import { Rng } from '../../engine/rng';
import { fmt } from '../format';
import { ARMS, ARM_COLORS, PAYOFF } from './arms';
import { Chapter } from './Chapter';
import { Formula, M } from './Formula';
import { Bars, LinePlot, Readout, Slider, TryIt, Widget } from './widgets';

const SWEEP = Array.from({ length: 121 }, (_, i) => -3 + i * 0.05);

export function Chapter1() {
  const [z, setZ] = useState([0, 1, 0, -1]);
  const [draw, setDraw] = useState(1);
  const pi = softmax(z);
  const J = objective(z, PAYOFF);
  const u = useMemo(() => Rng.stream(draw, 'sampling').uniform(), [draw]);
  const arm = armAt(pi, u);
  // Move arm D's logit by s, everything else fixed: J is smooth, the sample's reward steps.
  const sweep = SWEEP.map((s) => {
    const zs = z.map((v, i) => (i === 3 ? v + s : v));
    return { s, J: objective(zs, PAYOFF), R: PAYOFF[armAt(softmax(zs), u)]! };
  });
  return (
    <Chapter
      n={1}
      title="The true objective J(θ) and the sample in the way"
      cites={['The true objective', 'Appendix: The problem']}
    >
      <p>
        A language model is a policy. Given a prompt <M>q</M>, it picks each next token from a softmax over the vocabulary, so the
        probability of a whole completion is a product of per-token probabilities:
      </p>
      <Formula display tex={String.raw`\pi_\theta(o_{1:T}\mid q)=\prod_{t=1}^{T}\pi_\theta(o_t\mid q,o_{<t})`} />
      <p>
        Post-training asks one thing of it: completions that a reward function scores higher. The number to increase is the reward
        averaged over prompts and over the completions the model itself would write:
      </p>
      <Formula display tex={String.raw`J(\theta)=\mathbb{E}_{q\sim P(Q),\;o\sim\pi_\theta(\cdot\mid q)}\big[R(q,o)\big]`} />
      <p>
        The smallest case shows the whole difficulty. Take one step and four arms (the appendix’s categorical): the policy is{' '}
        <M>{String.raw`\pi_k = e^{z_k}/\sum_j e^{z_j}`}</M>, each arm pays a fixed <M>R_k</M>, and{' '}
        <M>{String.raw`J(z)=\sum_k \pi_k R_k`}</M>. Written as a sum, <M>J</M> is a smooth function of the logits. But in training
        we never see the sum; we see <em>one drawn arm</em> and its reward. The draw is a lookup: a uniform number <M>u</M> lands
        in one arm’s slice of <M>[0,1)</M>. Nudge a logit and the slices shift a little, yet the same <M>u</M> usually lands in
        the same slice. The sampled reward is flat almost everywhere and jumps at the edges, so its derivative with respect to the
        logits is zero or undefined. Autodiff through the sample gives nothing useful.
      </p>
      <Widget title="Four arms: J is smooth, one sample is a staircase">
        <div className="widget-grid">
          <div>
            {ARMS.map((a, k) => (
              <Slider
                key={a}
                label={
                  <>
                    logit <M>{`z_${a}`}</M> (pays {PAYOFF[k]})
                  </>
                }
                value={z[k]!}
                min={-3}
                max={3}
                step={0.1}
                onChange={(v) => setZ(z.map((old, i) => (i === k ? v : old)))}
                testId={`ch1-logit-${a}`}
              />
            ))}
            <Readout label={<M>J(z)</M>} value={fmt(J)} testId="ch1-J" note="expected reward" />
            <Readout
              label="one sample"
              value={`arm ${ARMS[arm]} → R = ${PAYOFF[arm]}`}
              testId="ch1-sample"
              note={`u = ${fmt(u, 3)}`}
            />
            <button type="button" onClick={() => setDraw(draw + 1)} data-testid="ch1-draw">
              Draw another u
            </button>
          </div>
          <div>
            <Bars
              items={ARMS.map((a, k) => ({ label: `π ${a}`, value: pi[k]!, color: ARM_COLORS[k]! }))}
              y={[0, 1]}
              testId="ch1-pi"
            />
            <LinePlot
              x={[z[3]! - 3, z[3]! + 3]}
              y={[0, 1]}
              xLabel="logit of arm D"
              yLabel="reward"
              guides={[{ at: z[3]!, label: 'now' }]}
              series={[
                { label: 'J(z): smooth', color: 'var(--series-1)', points: sweep.map((p) => [z[3]! + p.s, p.J]) },
                {
                  label: `R of the arm u = ${fmt(u, 3)} picks: steps`,
                  color: 'var(--series-2)',
                  dashed: true,
                  points: sweep.map((p) => [z[3]! + p.s, p.R]),
                },
              ]}
            />
          </div>
        </div>
        <p className="muted small">
          Raise arm D’s logit: <M>J</M> rises steadily, while the reward of the drawn arm stays put until the draw suddenly
          switches arm. The next chapter gets a usable gradient anyway.
        </p>
      </Widget>
      <TryIt setup={CHAPTER_LABS[1]()} />
    </Chapter>
  );
}
