/** Chapter 3: advantages per token, TD errors and GAE, and the KL penalty inside the reward. */
import { useState } from 'react';
import { gaeRows, type Trajectory } from '../../learn/gae';
import { CHAPTER_LABS } from '../../learn/tryit';
import { fmt } from '../format';
import { Chapter } from './Chapter';
import { Formula, M } from './Formula';
import { LinePlot, Readout, Slider, TryIt, Widget } from './widgets';

/** One fixed completion of six tokens: the value head's guesses, a KL per token, a score of 1 at the end. */
const TRAJ: Trajectory = {
  score: 1,
  values: [0.3, 0.35, 0.5, 0.45, 0.7, 0.8],
  kl: [0.05, 0.4, 0.02, 0.1, 0.6, 0.05],
};

export function Chapter3() {
  const [gamma, setGamma] = useState(1);
  const [lambda, setLambda] = useState(0.95);
  const [beta, setBeta] = useState(0.05);
  const rows = gaeRows(TRAJ, gamma, lambda, beta);
  const mc = gaeRows(TRAJ, gamma, 1, beta);
  const T = rows.length;
  const pts = (f: (t: number) => number): [number, number][] => rows.map((_, t) => [t + 1, f(t)]);
  const lo = Math.min(-0.3, ...rows.map((r) => Math.min(r.delta, r.advantage, r.reward)), ...mc.map((r) => r.advantage));
  const hi = Math.max(1, ...rows.map((r) => Math.max(r.delta, r.advantage)), ...mc.map((r) => r.advantage));
  return (
    <Chapter
      n={3}
      title="Advantages and GAE, token by token"
      cites={['The gradient estimator (REINFORCE, made explicit)', 'KL regularization and the trust-region view']}
    >
      <p>
        REINFORCE weights every token of a completion by the same <M>R - b</M>. That is honest but blunt: a completion that scored
        well may contain a bad token, and the whole reward arrives only at the end. PPO trains a second head, the value{' '}
        <M>{String.raw`V_t`}</M>, to guess at each token how much reward is still to come. Then each token can be judged by how
        much it beat that guess.
      </p>
      <p>
        The one-step surprise is the TD error: the reward just received, plus the discounted guess for the next token, minus the
        guess before it:
      </p>
      <Formula display tex={String.raw`\delta_t = r_t + \gamma V_{t+1} - V_t, \qquad V_{T+1}=0`} />
      <p>
        Generalised advantage estimation adds up the surprises still ahead, each shrunk by <M>{String.raw`\gamma\lambda`}</M> per
        step:
      </p>
      <Formula
        display
        tex={String.raw`A_t = \delta_t + \gamma\lambda\,A_{t+1} = \sum_{k\ge 0} (\gamma\lambda)^k\,\delta_{t+k}`}
      />
      <p>
        <M>\lambda</M> is a dial between two estimators. At <M>\lambda=0</M>, <M>{String.raw`A_t=\delta_t`}</M>: only one step of
        real reward, the rest trusted to the value head (low variance, biased if <M>V</M> is wrong). At <M>\lambda=1</M> (with{' '}
        <M>\gamma=1</M>), <M>A_t</M> is the actual reward-to-go minus <M>V_t</M>: no trust in <M>V</M> beyond the baseline, all
        the noise of the sampled future. RLHF practice sits near <M>\gamma=1,\ \lambda=0.95</M>.
      </p>
      <p>
        Where the KL guardrail lives in the reward (chapter 6), it enters here: every token pays{' '}
        <M>{String.raw`-\beta\,\mathrm{kl}_t`}</M> on top of the task score at the last token,
      </p>
      <Formula display tex={String.raw`r_t = -\beta\,\mathrm{kl}_t + [t = T]\,R(q,o)`} />
      <p>
        so a token that strayed far from the reference gets a lower advantage even when the completion scored well. The value head
        is trained toward <M>{String.raw`A_t + V_t`}</M>, the “returns” column.
      </p>
      <Widget title="One completion: δ and A per token">
        <div className="widget-grid">
          <div>
            <Slider label={<M>\gamma</M>} value={gamma} min={0} max={1} step={0.01} onChange={setGamma} testId="ch3-gamma" />
            <Slider label={<M>\lambda</M>} value={lambda} min={0} max={1} step={0.01} onChange={setLambda} testId="ch3-lambda" />
            <Slider label={<M>\beta</M>} value={beta} min={0} max={0.5} step={0.01} onChange={setBeta} testId="ch3-beta" />
            <p className="button-row">
              <button type="button" onClick={() => setLambda(0)} data-testid="ch3-td">
                λ = 0 (one-step TD)
              </button>
              <button type="button" onClick={() => setLambda(1)} data-testid="ch3-mc">
                λ = 1 (Monte Carlo)
              </button>
            </p>
            <Readout label={<M>A_1</M>} value={fmt(rows[0]!.advantage, 4)} testId="ch3-a1" />
            <Readout
              label="total reward"
              value={fmt(
                rows.reduce((s, r) => s + r.reward, 0),
                4,
              )}
              testId="ch3-total-reward"
            />
            <table data-testid="ch3-table">
              <caption className="sr-only">Per-token reward, value, TD error, advantage and return</caption>
              <thead>
                <tr>
                  <th scope="col">t</th>
                  <th scope="col">kl</th>
                  <th scope="col">r</th>
                  <th scope="col">V</th>
                  <th scope="col">δ</th>
                  <th scope="col">A</th>
                  <th scope="col">return</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r, t) => (
                  <tr key={t}>
                    <th scope="row">{t + 1}</th>
                    <td>{fmt(TRAJ.kl[t], 3)}</td>
                    <td>{fmt(r.reward, 3)}</td>
                    <td>{fmt(r.value, 3)}</td>
                    <td>{fmt(r.delta, 3)}</td>
                    <td>{fmt(r.advantage, 3)}</td>
                    <td>{fmt(r.ret, 3)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div>
            <LinePlot
              x={[1, T]}
              y={[lo, hi]}
              xLabel="token t"
              yLabel="advantage"
              series={[
                { label: 'r_t', color: 'var(--series-3)', points: pts((t) => rows[t]!.reward) },
                { label: 'δ_t (= A_t at λ = 0)', color: 'var(--series-2)', points: pts((t) => rows[t]!.delta) },
                { label: `A_t (λ = ${fmt(lambda, 2)})`, color: 'var(--series-1)', points: pts((t) => rows[t]!.advantage) },
                { label: 'A_t at λ = 1', color: 'var(--series-5)', dashed: true, points: pts((t) => mc[t]!.advantage) },
              ]}
              dots={rows.map((r, t) => ({
                x: t + 1,
                y: r.advantage,
                color: 'var(--series-1)',
                label: `A_${t + 1} = ${fmt(r.advantage, 4)}`,
              }))}
              testId="ch3-plot"
            />
            <p className="muted small">
              Raise β: tokens 2 and 5 (large KL) get negative rewards, and the advantages before them drop. Slide λ from 0 to 1:
              the final score reaches the early tokens instead of stopping at the value head’s guess.
            </p>
          </div>
        </div>
      </Widget>
      <TryIt setup={CHAPTER_LABS[3](gamma, lambda, beta)} />
    </Chapter>
  );
}
