/**
 * "Export as TRL config": every lab parameter is mapped or explained, the Python carries the
 * lab's values under TRL's names, and the README's table lists every parameter.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, flagOf, PARAM_KEYS, type Config } from '../../src/engine/params';
import { TASKS } from '../../src/engine/tasks';
import { TRL_MAPPING, trlConfigPython, trlLines, trlMappingMarkdown, type TrlLine } from '../../src/share/trl-config';

const ppo: Config = { ...defaultConfig(), algo: 'ppo', eps: 0.15, beta: 0.02, klEstimator: 'k3', vfClip: 0, epochs: 3 };
const grpo: Config = {
  ...defaultConfig(),
  algo: 'grpo',
  group: 8,
  batch: 64,
  minibatches: 4,
  eps: 0.1,
  epsHigh: 0.28,
  beta: 0.04,
  klMode: 'loss',
  klEstimator: 'k1',
  lossType: 'dr_grpo',
};
const reinforce: Config = { ...defaultConfig(), algo: 'reinforce', whiten: false };

const fieldsOf = (lines: TrlLine[]) => lines.filter((l): l is Extract<TrlLine, { field: string }> => 'field' in l);

describe('TRL_MAPPING', () => {
  it('has an entry with a note for every lab parameter, and nothing else', () => {
    expect(Object.keys(TRL_MAPPING).sort()).toEqual([...PARAM_KEYS].sort());
    for (const k of PARAM_KEYS) expect(TRL_MAPPING[k].note.length, k).toBeGreaterThan(20);
  });

  it('writes every parameter into the Python, as a field or a comment naming its flag', () => {
    for (const c of [ppo, grpo, reinforce]) {
      const target = c.algo === 'ppo' ? 'PPOConfig' : 'GRPOConfig';
      for (const k of PARAM_KEYS) {
        const lines = TRL_MAPPING[k].lines(c, target);
        expect(lines.length, `${c.algo}: ${k} writes nothing`).toBeGreaterThan(0);
        const text = lines.map((l) => ('field' in l ? `${l.field} ${l.comment ?? ''}` : l.comment)).join('\n');
        expect(text, `${c.algo}: ${k}`).toContain(flagOf(k));
      }
    }
  });

  it('writes only the TRL fields its table declares, each once', () => {
    for (const c of [ppo, grpo, reinforce]) {
      const target = c.algo === 'ppo' ? 'PPOConfig' : 'GRPOConfig';
      for (const k of PARAM_KEYS) {
        const declared = TRL_MAPPING[k][target === 'PPOConfig' ? 'ppo' : 'grpo'];
        const written = fieldsOf(TRL_MAPPING[k].lines(c, target)).map((f) => f.field);
        for (const f of written) expect(declared?.split(', ') ?? [], `${c.algo}: ${k} writes ${f}`).toContain(f);
      }
      const all = fieldsOf(trlLines(c)).map((f) => f.field);
      expect(new Set(all).size, `${c.algo}: a field written twice`).toBe(all.length);
    }
  });
});

describe('trlConfigPython', () => {
  it('writes a PPOConfig with the lab values under TRL PPO names', () => {
    const py = trlConfigPython(ppo);
    expect(py).toContain('from trl.experimental.ppo import PPOConfig');
    expect(py).toMatch(/^config = PPOConfig\($/m);
    expect(py).toMatch(/^ {4}cliprange=0\.15,/m);
    expect(py).toMatch(/^ {4}kl_coef=0\.02,/m);
    expect(py).toMatch(/^ {4}kl_estimator="k3",/m);
    expect(py).toMatch(/^ {4}num_ppo_epochs=3,/m);
    expect(py).toMatch(/^ {4}lam=0\.95,/m);
    // Value clipping off in the lab: TRL always clips, so the export widens the range.
    expect(py).toMatch(/^ {4}cliprange_value=1e6,.*vf-clip=0/m);
    // max-tokens 0: the sort task's own default length, written out.
    expect(py).toContain(`    response_length=${TASKS.sort.defaultMaxTokens},  # max-tokens=0`);
    expect(py).not.toMatch(/^ {4}epsilon=/m);
    expect(py.trimEnd().endsWith(')')).toBe(true);
  });

  it('writes a GRPOConfig with the lab values under TRL GRPO names', () => {
    const py = trlConfigPython(grpo);
    expect(py).toContain('from trl import GRPOConfig');
    expect(py).toMatch(/^ {4}epsilon=0\.1,/m);
    expect(py).toMatch(/^ {4}epsilon_high=0\.28,/m);
    expect(py).toMatch(/^ {4}beta=0\.04,/m);
    expect(py).toMatch(/^ {4}num_generations=8,/m);
    expect(py).toMatch(/^ {4}loss_type="dr_grpo",/m);
    // 64 completions in 4 minibatches: 16 per optimizer step, 4 steps per generation.
    expect(py).toMatch(/^ {4}per_device_train_batch_size=16,/m);
    expect(py).toMatch(/^ {4}steps_per_generation=4,/m);
    expect(py).toMatch(/^ {4}scale_rewards="group",/m);
    // TRL GRPO uses k3 only: the lab's k1 is explained, not written as a field.
    expect(py).toMatch(/^ {4}# kl-estimator=k1: .*k3/m);
    expect(py).not.toMatch(/^ {4}(cliprange|kl_coef|vf_coef|lam)=/m);
  });

  it("says what the lab's auto KL placement resolved to, and how TRL differs", () => {
    const py = trlConfigPython({ ...defaultConfig(), algo: 'grpo', group: 4, klMode: 'auto', klEstimator: 'auto' });
    expect(py).toMatch(/^ {4}# kl-mode=auto \(loss\): TRL GRPO also puts the KL penalty in the loss\.$/m);
    expect(py).toMatch(/^ {4}# kl-estimator=auto \(k2\): TRL GRPO has no choice; it always uses k3\.$/m);
  });

  it('exports REINFORCE as an unclipped GRPOConfig and says how it differs', () => {
    const py = trlConfigPython(reinforce);
    expect(py).toMatch(/^config = GRPOConfig\($/m);
    expect(py).toMatch(/^ {4}epsilon=1e6,/m);
    expect(py).toMatch(/^ {4}scale_rewards="none",/m);
    expect(py).toMatch(/^ {4}num_generations=2,.*group=1/m);
    expect(py).toMatch(/# algo=reinforce: TRL has no plain REINFORCE trainer/);
  });

  it('keeps the source on one comment line', () => {
    const py = trlConfigPython(ppo, 'https://lab/?v=1\nimport os');
    expect(py).toContain('# Exported from https://lab/?v=1 import os');
    expect(py).not.toMatch(/^import os/m);
  });
});

describe('README', () => {
  it('shows the mapping table as generated from TRL_MAPPING', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(trlMappingMarkdown());
    for (const k of PARAM_KEYS) expect(readme).toContain(`| \`${flagOf(k)}\` |`);
  });
});
