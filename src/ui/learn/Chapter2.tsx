/** Chapter 2: the log-derivative trick, REINFORCE's Monte Carlo estimate, baselines and the covariance view. */
import { useMemo, useState } from 'react';
import { Rng } from '../../engine/rng';
import { covarianceEstimate, exactGradient, exactSampleVariance, objective, reinforceEstimate } from '../../learn/categorical';
import { CHAPTER_LABS } from '../../learn/tryit';
import { fmt } from '../format';
import { ARMS, ARM_COLORS, PAYOFF } from './arms';
import { Chapter } from './Chapter';
import { Formula, M } from './Formula';
import { LinePlot, Readout, show, Slider, TryIt, Widget } from './widgets';

const Z = [0, 1, 0, -1];
/** Independent repetitions of the whole N-sample estimate, to show its spread. */
const REPS = 60;
const D = 3;

const vec = (v: number[]) => `(${v.map((x) => show(x, 3)).join(', ')})`;

export function Chapter2() {
  const [logN, setLogN] = useState(3);
  const [b, setB] = useState(0);
  const [seed, setSeed] = useState(1);
  const n = 2 ** logN;
  const exact = exactGradient(Z, PAYOFF);
  const J = objective(Z, PAYOFF);
  const reps = useMemo(() => {
    const rng = Rng.stream(seed, 'sampling');
    return Array.from({ length: REPS }, () => reinforceEstimate(Z, PAYOFF, n, b, rng));
  }, [n, b, seed]);
  // The same draws without a baseline, for comparison (same seed, so the same arms).
  const plain = useMemo(() => {
    const rng = Rng.stream(seed, 'sampling');
    return Array.from({ length: REPS }, () => reinforceEstimate(Z, PAYOFF, n, 0, rng).mean[D]!);
  }, [n, seed]);
  const plainSpread = Math.sqrt(plain.reduce((s, v) => s + (v - exact[D]!) ** 2, 0) / REPS);
  const first = reps[0]!;
  const dEstimates = reps.map((r) => r.mean[D]!);
  const spreadObserved = Math.sqrt(dEstimates.reduce((s, v) => s + (v - exact[D]!) ** 2, 0) / REPS);
  const variance = exactSampleVariance(Z, PAYOFF, b) / n;
  const cov = covarianceEstimate(Z, PAYOFF, first.draws);
  const err = Math.sqrt(first.mean.reduce((s, m, j) => s + (m - exact[j]!) ** 2, 0));
  return (
    <Chapter
      n={2}
      title="The log-derivative trick and REINFORCE"
      cites={[
        'The gradient estimator (REINFORCE, made explicit)',
        'Appendix: The identity',
        'Baselines (variance reduction) and "advantage"',
        'Intuition (covariance view)',
        'Tiny categorical example',
      ]}
    >
      <p>
        The way around the sample is to differentiate the probabilities rather than the draw. Since{' '}
        <M>{String.raw`\nabla \log p = \nabla p / p`}</M>, the gradient of a probability can be written as the probability times
        the gradient of its log:
      </p>
      <Formula display tex={String.raw`\nabla_\theta p_\theta(x) = p_\theta(x)\;\nabla_\theta \log p_\theta(x)`} />
      <p>
        Put that inside the sum that defines <M>J</M>, and the gradient turns back into an average over samples, which we{' '}
        <em>can</em> estimate from draws of the policy:
      </p>
      <Formula
        display
        tex={String.raw`\nabla_\theta J = \sum_x p_\theta(x)\,R(x)\,\nabla_\theta\log p_\theta(x) = \mathbb{E}_{x\sim p_\theta}\big[R(x)\,\nabla_\theta\log p_\theta(x)\big] \approx \frac1N\sum_{i=1}^N R(x_i)\,\nabla_\theta\log p_\theta(x_i)`}
      />
      <p>
        For a softmax, the “score” <M>{String.raw`\nabla_z \log\pi_k = e_k - \pi`}</M> is simple: raise the drawn arm’s logit,
        lower all logits in proportion to their probability. For a sequence, <M>{String.raw`\log\pi_\theta(o\mid q)`}</M> is a sum
        over tokens, so the gradient is a sum of per-token scores, each weighted by the reward. This is REINFORCE.
      </p>
      <p>
        The estimate is right on average but noisy. Because the score has mean zero,{' '}
        <M>{String.raw`\mathbb{E}[\nabla\log\pi]=0`}</M>, we may subtract any baseline <M>b</M> that does not depend on the drawn
        arm without changing the average, and a good <M>b</M> (close to <M>J</M>) shrinks the noise. The weight <M>R - b</M> is
        the <em>advantage</em>. With <M>b</M> the mean reward, the gradient reads as a covariance: arms that pay more than usual
        get pushed up, arms that pay less get pushed down.
      </p>
      <Formula
        display
        tex={String.raw`\nabla_\theta J = \mathbb{E}\big[(R-b)\,\nabla_\theta\log\pi_\theta\big] = \operatorname{Cov}\big(R,\ \nabla_\theta\log\pi_\theta\big)`}
      />
      <Widget title="Exact gradient against the Monte Carlo estimate">
        <div className="widget-grid">
          <div>
            <p className="small">
              Logits fixed at <M>{`z = (${Z.join(', ')})`}</M> over arms {ARMS.join(', ')} paying {PAYOFF.join(', ')}; so{' '}
              <M>{`J = ${fmt(J, 4)}`}</M>.
            </p>
            <Slider
              label="samples N"
              value={logN}
              min={0}
              max={10}
              step={1}
              onChange={setLogN}
              format={(v) => String(2 ** v)}
              testId="ch2-n"
            />
            <Slider
              label={
                <>
                  baseline <M>b</M>
                </>
              }
              value={b}
              min={0}
              max={1}
              step={0.01}
              onChange={setB}
              testId="ch2-b"
            />
            <p className="button-row">
              <button type="button" onClick={() => setB(0)} data-testid="ch2-no-baseline">
                No baseline
              </button>
              <button type="button" onClick={() => setB(Number(J.toFixed(2)))} data-testid="ch2-baseline-J">
                b = J
              </button>
              <button type="button" onClick={() => setSeed(seed + 1)} data-testid="ch2-resample">
                New samples
              </button>
            </p>
            <Readout
              label={
                <>
                  exact <M>{String.raw`\nabla_z J`}</M>
                </>
              }
              value={vec(exact)}
              testId="ch2-exact"
            />
            <Readout label="estimate (one run of N)" value={vec(first.mean)} testId="ch2-estimate" />
            <Readout label="its error ‖estimate − exact‖" value={fmt(err, 3)} testId="ch2-error" />
            <Readout
              label={
                <>
                  std of the estimate of <M>{String.raw`\partial J/\partial z_D`}</M>
                </>
              }
              value={fmt(spreadObserved, 3)}
              testId="ch2-spread"
              note={`measured over ${REPS} runs`}
            />
            {b !== 0 ? (
              <Readout label="the same, without a baseline" value={fmt(plainSpread, 3)} testId="ch2-spread-plain" />
            ) : null}
            <Readout
              label="variance of the estimate, summed over logits"
              value={fmt(variance, 3)}
              testId="ch2-variance"
              note="exact: one sample's variance / N"
            />
            <Readout
              label="covariance view Cov(R, ∇log π)"
              value={vec(cov)}
              testId="ch2-cov"
              note="same N draws, b = their mean R"
            />
          </div>
          <div>
            <LinePlot
              x={[0, REPS - 1]}
              y={[-0.4, 0.5]}
              xLabel={`${REPS} independent runs of N = ${n}`}
              yLabel="estimate of ∂J/∂z_D"
              hGuides={[{ at: exact[D]!, label: `exact ${fmt(exact[D], 3)}` }]}
              series={[]}
              dots={[
                ...(b !== 0
                  ? plain.map((v, i) => ({ x: i, y: v, color: 'var(--case0)', label: `no baseline: ${fmt(v, 4)}` }))
                  : []),
                ...dEstimates.map((v, i) => ({ x: i, y: v, color: ARM_COLORS[D]!, label: `b = ${fmt(b)}: ${fmt(v, 4)}` })),
              ]}
              testId="ch2-strip"
            />
            <p className="muted small">
              Each dot is a whole estimate from N draws{b !== 0 ? ' (grey: the same draws without a baseline)' : ''}. More draws
              pull the dots toward the exact value (the spread falls as <M>{String.raw`1/\sqrt N`}</M>); a baseline near <M>J</M>{' '}
              pulls them in at the same N.
            </p>
          </div>
        </div>
      </Widget>
      <TryIt setup={CHAPTER_LABS[2]()} />
    </Chapter>
  );
}
