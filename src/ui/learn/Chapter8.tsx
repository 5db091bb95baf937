/** Chapter 8: GRPO: advantages from a group of completions of the same prompt, no critic. */
import { useState } from 'react';
import { groupResult } from '../../learn/group';
import { CHAPTER_LABS, labLink } from '../../learn/tryit';
import { fmt } from '../format';
import { useLabLinkTarget } from '../share/page-mode';
import { Chapter } from './Chapter';
import { Formula, M } from './Formula';
import { Bars, Readout, Slider, TryIt, useWithBackend, Widget } from './widgets';

const START = [1, 0.2, 0.6, 0, 0.9, 0.4];

export function Chapter8() {
  const [rewards, setRewards] = useState(START);
  const [scaled, setScaled] = useState(true);
  const g = groupResult(rewards);
  const adv = scaled ? g.scaled : g.centered;
  const ppo = CHAPTER_LABS[8]().config;
  const ppoLink = labLink(useWithBackend({ watch: '', config: { ...ppo, algo: 'ppo', group: 1 } }));
  const linkTarget = useLabLinkTarget();
  return (
    <Chapter n={8} title="GRPO: advantages from a group, no critic" cites={['The composite loss you actually optimize']}>
      <p>
        The weakest part of PPO for language models is the value head. Rewards usually arrive once, at the end of a completion,
        and a critic has to learn to predict them at every token before its advantages are worth anything; meanwhile it costs
        memory and adds its own instabilities. GRPO removes it. For each prompt it samples a group of <M>G</M> completions and
        judges each one against its siblings:
      </p>
      <Formula
        display
        tex={String.raw`A_i=\frac{R_i-\operatorname{mean}(R_1,\dots,R_G)}{\operatorname{std}(R_1,\dots,R_G)+10^{-4}}`}
      />
      <p>
        The same <M>A_i</M> is given to every token of completion <M>i</M>. The rest is PPO as before: the ratios, the clipped
        surrogate, the KL (usually <M>k_3</M> in the loss). The group mean plays the baseline of chapter 2, estimated from the
        siblings instead of predicted by a network. Two consequences follow from the formula. If every completion in a group gets
        the same reward, all advantages are zero and the group teaches nothing, which is common when a task is far too easy or far
        too hard (the lab’s <code>grpo/frac_reward_zero_std</code> counts such groups). And dividing by the std makes a group with
        tiny differences in reward speak as loudly as one with large differences; Dr. GRPO drops the division for that reason.
      </p>
      <Widget title="A group of six completions: drag their rewards">
        <div className="widget-grid">
          <div>
            {rewards.map((r, i) => (
              <Slider
                key={i}
                label={`R of completion ${i + 1}`}
                value={r}
                min={0}
                max={1}
                step={0.05}
                onChange={(v) => setRewards(rewards.map((old, j) => (j === i ? v : old)))}
                testId={`ch8-r${i + 1}`}
              />
            ))}
            <label className="toggle">
              <input type="checkbox" checked={scaled} onChange={() => setScaled(!scaled)} data-testid="ch8-scaled" /> divide by
              the group’s std
            </label>
            <p className="button-row">
              <button type="button" onClick={() => setRewards(rewards.map(() => 0.5))} data-testid="ch8-equal">
                Give all the same reward
              </button>
              <button type="button" onClick={() => setRewards(START)}>
                Back to the start
              </button>
            </p>
          </div>
          <div>
            <Readout label="group mean" value={fmt(g.mean, 3)} testId="ch8-mean" />
            <Readout label="group std" value={fmt(g.std, 3)} testId="ch8-std" />
            <Readout label={<M>A_1</M>} value={fmt(adv[0], 3)} testId="ch8-a1" />
            <Readout
              label="signal"
              value={g.noSignal ? 'none: all rewards equal' : 'yes'}
              testId="ch8-signal"
              note={g.noSignal ? 'every advantage is 0' : undefined}
            />
            <Bars
              items={adv.map((a, i) => ({
                label: `${i + 1}`,
                value: a,
                color: a >= 0 ? 'var(--series-3)' : 'var(--series-2)',
                title: `completion ${i + 1}: R = ${fmt(rewards[i])}, A = ${fmt(a, 4)}`,
              }))}
              y={scaled ? [-2.5, 2.5] : [-1, 1]}
              testId="ch8-advantages"
            />
            <p className="muted small">Bars: each completion’s advantage, shared by all its tokens.</p>
          </div>
        </div>
      </Widget>
      <h3>GRPO against PPO with GAE</h3>
      <p>
        On the lab’s tasks, try both on the same problem. PPO with GAE gets per-token credit from its value head once the head has
        learned; GRPO gets one number per completion but needs no critic, and it spends G samples per prompt to get it. Compare
        the reward charts, and <code>grpo/frac_reward_zero_std</code> as the task gets solved.
      </p>
      <TryIt setup={CHAPTER_LABS[8]()} />
      <p className="try-it">
        <a className="button" href={ppoLink} {...linkTarget} data-testid="try-it-ppo">
          The same task with PPO and GAE
        </a>
      </p>
    </Chapter>
  );
}
