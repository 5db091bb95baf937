import { beforeAll, describe, expect, it } from 'vitest';
import { run, useBackend } from './helpers';

beforeAll(() => useBackend());

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Each task, with its default settings, must lift the mean reward by a stated margin within a
 * stated number of iterations: the first two iterations against the last three. Seeded, so the
 * figures are the same on every run of the same backend; the margins leave room for the small
 * differences between backends.
 */
const EXPECTATIONS = [
  { task: 'sort', iterations: 15, margin: 0.25 },
  { task: 'sentiment', iterations: 25, margin: 0.4 },
  { task: 'parity', iterations: 12, margin: 0.2 },
  { task: 'bandit', iterations: 20, margin: 0.25 },
] as const;

describe('every task is learned', () => {
  it.each(EXPECTATIONS)(
    '$task: mean reward rises by ≥ $margin within $iterations iterations',
    async ({ task, iterations, margin }) => {
      const rewards = (await run({ task }, iterations)).map((m) => m['reward/mean']);
      const before = mean(rewards.slice(0, 2));
      const after = mean(rewards.slice(-3));
      expect(after - before, `rewards: ${rewards.map((r) => r.toFixed(2)).join(' ')}`).toBeGreaterThanOrEqual(margin);
    },
  );
});
