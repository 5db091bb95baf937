/**
 * The remaining curves over iterations: reward (mean ± std), entropy, value loss with
 * explained variance, approx KL to π_old, completion length and the task's diagnostics.
 */
import { useMemo } from 'react';
import { Card } from '../explain/Explain';
import type { Row } from './layers';
import { useLab } from '../store';
import { TimeChart, type BandSpec, type SeriesSpec } from './TimeChart';

/** Mean ± std of the reward, for drawing the spread (both from the engine's metrics). */
function band(r: Row, side: 1 | -1): number | null {
  const m = r['reward/mean'];
  const s = r['reward/std'];
  return typeof m === 'number' && typeof s === 'number' ? m + side * s : null;
}

const rewardBand: BandSpec = {
  label: '± 1 std across the batch',
  color: 'var(--series-1)',
  lower: (r) => band(r, -1),
  upper: (r) => band(r, 1),
};
const REWARD: SeriesSpec[] = [{ key: 'reward/mean', label: 'mean reward', color: 'var(--series-1)' }];
/** GRPO: groups whose completions all scored the same get advantage 0 — nothing to learn from them. */
const REWARD_GRPO: SeriesSpec[] = [
  ...REWARD,
  {
    key: 'grpo/frac_reward_zero_std',
    label: 'groups with equal rewards (right axis)',
    color: 'var(--series-4)',
    axis: 'right',
    dashed: true,
  },
];
const ENTROPY: SeriesSpec[] = [{ key: 'policy/entropy', label: 'entropy (nats)', color: 'var(--series-2)' }];
const VALUE: SeriesSpec[] = [
  { key: 'loss/value', label: 'value loss', color: 'var(--series-3)' },
  { key: 'val/explained_variance', label: 'explained variance', color: 'var(--series-4)', axis: 'right', dashed: true },
];
const APPROX: SeriesSpec[] = [{ key: 'policy/approxkl', label: 'approx KL (k3)', color: 'var(--series-5)' }];
const LENGTH: SeriesSpec[] = [{ key: 'completions/mean_length', label: 'mean length', color: 'var(--series-6)' }];

export function RewardChart() {
  const rows = useLab((s) => s.rows);
  const markers = useLab((s) => s.markers);
  const solved = useLab((s) => s.task?.solvedThreshold);
  const grpo = useLab((s) => s.loaded?.algo === 'grpo');
  const refs = useMemo(() => (solved === undefined ? [] : [{ y: solved, label: `solved ≥ ${solved}` }]), [solved]);
  return (
    <Card title="Reward" explain="reward" testId="reward-chart">
      <TimeChart
        rows={rows}
        markers={markers}
        series={grpo ? REWARD_GRPO : REWARD}
        band={rewardBand}
        yLabel="reward"
        rightLabel="share of groups"
        refs={refs}
      />
    </Card>
  );
}

export function EntropyChart() {
  const rows = useLab((s) => s.rows);
  const markers = useLab((s) => s.markers);
  return (
    <Card title="Entropy" explain="entropy" testId="entropy-chart">
      <TimeChart rows={rows} markers={markers} series={ENTROPY} yLabel="nats / token" fromZero />
    </Card>
  );
}

export function ValueChart() {
  const rows = useLab((s) => s.rows);
  const markers = useLab((s) => s.markers);
  const algo = useLab((s) => s.loaded?.algo);
  return (
    <Card title="Value loss · explained variance" explain="value" testId="value-chart">
      <TimeChart
        rows={rows}
        markers={markers}
        series={VALUE}
        yLabel="value loss"
        rightLabel="explained var."
        empty={algo && algo !== 'ppo' ? `No critic in this run: ${algo} has no value head.` : undefined}
      />
    </Card>
  );
}

export function ApproxKlChart() {
  const rows = useLab((s) => s.rows);
  const markers = useLab((s) => s.markers);
  return (
    <Card title="Approx KL to π_old" explain="approxkl" testId="approxkl-chart">
      <TimeChart rows={rows} markers={markers} series={APPROX} yLabel="nats / token" />
    </Card>
  );
}

export function LengthChart() {
  const rows = useLab((s) => s.rows);
  const markers = useLab((s) => s.markers);
  return (
    <Card title="Completion length" explain="length" testId="length-chart">
      <TimeChart rows={rows} markers={markers} series={LENGTH} yLabel="tokens" fromZero />
    </Card>
  );
}

const TASK_COLORS = ['var(--series-2)', 'var(--series-4)', 'var(--series-6)', 'var(--series-3)'];

export function TaskChart() {
  const rows = useLab((s) => s.rows);
  const markers = useLab((s) => s.markers);
  // Joined into one string so the selection is a primitive (stable across renders).
  const names = useLab((s) =>
    s.latest
      ? Object.keys(s.latest)
          .filter((k) => k.startsWith('task/'))
          .join('\n')
      : null,
  );
  const series = useMemo<SeriesSpec[]>(
    () =>
      (names ? names.split('\n') : []).map((k, i) => ({
        key: k,
        label: k.slice('task/'.length),
        color: TASK_COLORS[i % TASK_COLORS.length]!,
      })),
    [names],
  );
  if (names === '') return null;
  return (
    <Card title="Task diagnostics" explain="task" testId="task-chart">
      <TimeChart rows={rows} markers={markers} series={series} yLabel="batch mean" />
    </Card>
  );
}
