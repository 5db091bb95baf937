import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function lab(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const withoutTime = (line: string) =>
  JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(line)).filter(([k]) => !k.startsWith('time/'))));

describe('npm run lab', () => {
  it('prints one JSON line per iteration, byte-identical across runs apart from time/ keys', () => {
    const args = ['--iterations', '2', '--batch', '8', '--seed', '9', '--eps', '0.15'];
    const a = lab(...args);
    const b = lab(...args);
    expect(a.code).toBe(0);
    const lines = a.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!);
    for (const key of [
      'iter',
      'reward/mean',
      'kl/ref',
      'kl/ref_by_position',
      'policy/clipfrac',
      'policy/cases',
      'policy/ratio_hist',
      'time/iteration_ms',
    ]) {
      expect(first).toHaveProperty([key]);
    }
    expect(first.eps).toBe(0.15);
    expect(a.stdout.split('\n').filter(Boolean).map(withoutTime)).toEqual(b.stdout.split('\n').filter(Boolean).map(withoutTime));
    expect(a.stderr).toMatch(/iter 2\/2 {2}reward/);
  });

  it('rejects a bad argument with one line naming it and its range, exit code 2', () => {
    for (const [args, message] of [
      [['--eps', '3'], /^error: --eps must be a number in \[0\.01, 1\]; got "3"\n$/],
      [['--algo', 'dqn'], /^error: --algo must be one of ppo\|grpo\|reinforce; got "dqn"\n$/],
      [['--nope', '1'], /^error: unknown flag --nope/],
      [['--algo', 'grpo', '--group', '1'], /^error: grpo needs group ≥ 2/],
      [['--batch', '10', '--group', '4'], /^error: batch \(10\) must be a multiple of group \(4\)/],
    ] as const) {
      const r = lab(...args);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    }
  });

  it('--help lists every flag with its range and default', () => {
    const r = lab('--help');
    expect(r.code).toBe(0);
    for (const flag of [
      '--task',
      '--algo',
      '--seed',
      '--iterations',
      '--eps',
      '--eps-high',
      '--beta',
      '--kl-mode',
      '--kl-estimator',
      '--adaptive-beta',
      '--target-kl',
      '--lr',
      '--epochs',
      '--minibatches',
      '--batch',
      '--group',
      '--temperature',
      '--gamma',
      '--lambda',
      '--vf-coef',
      '--ent-coef',
      '--loss-type',
      '--max-tokens',
      '--backend',
      '--tokens',
    ]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/--eps .*\n.*a number in \[0\.01, 1\]; default 0\.2/);
  });

  it('--tokens writes one line per completion token per minibatch pass', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ppo-lab-')), 'tokens.jsonl');
    const r = lab('--iterations', '1', '--batch', '8', '--epochs', '2', '--minibatches', '2', '--tokens', file);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    const rows = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // Every completion token appears once per epoch.
    expect(rows).toHaveLength(2 * 8 * m['completions/mean_length']);
    const row = rows.find((x) => x.epoch === 1)!;
    expect(Object.keys(row)).toEqual([
      'iteration',
      'epoch',
      'minibatch',
      'sequence',
      'position',
      'token',
      'lp_old',
      'lp_new',
      'lp_ref',
      'advantage',
      'ratio',
      'case',
      'gradient',
    ]);
    // lp_new is the forward pass's own log-prob (a float32), not lp_old + log(ratio) written back:
    // the ratio can be checked against it.
    for (const x of rows) {
      expect(Math.fround(x.lp_new)).toBe(x.lp_new);
      expect(Math.exp(x.lp_new - x.lp_old)).toBeCloseTo(x.ratio, 5);
    }
    // Case counts in the file add up to the metrics' counts.
    const counted: Record<string, number> = {};
    for (const x of rows) counted[x.case] = (counted[x.case] ?? 0) + 1;
    for (const [name, n] of Object.entries(m['policy/cases'] as Record<string, number>)) expect(counted[name] ?? 0).toBe(n);
  });
});
