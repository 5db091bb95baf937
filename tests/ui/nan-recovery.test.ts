/** What the page offers after a NaN loss (issue 14.4): the visible cause first, nothing impossible, nothing twice. */
import { describe, expect, it } from 'vitest';
import { defaultConfig, PARAMS } from '../../src/engine/params';
import { recoveries } from '../../src/ui/nan-recovery';

const ids = (...args: Parameters<typeof recoveries>) => recoveries(...args).map((r) => r.id);

describe('NaN recovery', () => {
  it('a low temperature and k3 in the loss come before the learning rate', () => {
    const c = {
      ...defaultConfig(),
      algo: 'grpo' as const,
      group: 4,
      klMode: 'loss' as const,
      klEstimator: 'k3' as const,
      temperature: 0.1,
    };
    expect(ids(c, [])).toEqual(['temperature', 'estimator', 'lr', 'early-stop']);
    expect(recoveries(c, [])[0]).toMatchObject({ live: { temperature: 1 } });
    expect(recoveries(c, [])[1]).toMatchObject({ structural: { klEstimator: 'k1' } });
  });

  it('never offers a change the ranges forbid: the learning rate at its minimum is not lowered', () => {
    const c = { ...defaultConfig(), lr: PARAMS.lr.min, epochs: 1 };
    expect(ids(c, [])).toEqual([]);
    for (const r of recoveries({ ...defaultConfig(), lr: 0.00002 }, [])) {
      if (r.live?.lr !== undefined) expect(r.live.lr).toBeGreaterThanOrEqual(PARAMS.lr.min);
    }
  });

  it('does not offer again what was tried, and offers nothing for causes it cannot see', () => {
    const c = { ...defaultConfig(), temperature: 0.2, maxGradNorm: 0 };
    expect(ids(c, [])).toEqual(['temperature', 'grad-clip', 'lr', 'early-stop']);
    expect(ids(c, ['temperature', 'lr'])).toEqual(['grad-clip', 'early-stop']);
    // k3 as a reward penalty, or with β = 0, is not suspected.
    expect(ids({ ...defaultConfig(), klEstimator: 'k3', klMode: 'reward' }, [])).not.toContain('estimator');
    expect(ids({ ...defaultConfig(), klEstimator: 'k3', klMode: 'loss', beta: 0 }, [])).not.toContain('estimator');
  });
});
