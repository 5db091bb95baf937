/**
 * Every experiment of the gallery keeps its promise: its runs, on the engine, with the
 * experiment's own seed and iterations, show the signal its card states (the very predicate
 * the card shows), within the margins written in the predicate. The figures come out in
 * the failure message.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPERIMENTS, findExperiment, runConfig, runLink, type MetricRow } from '../../src/engine/experiments';
import { decodeLink, editsAt } from '../../src/engine/link';
import { parseConfig } from '../../src/engine/params';
import { makeTrainer, useBackend } from './helpers';

beforeAll(() => useBackend());

describe('the experiments gallery', () => {
  it('lists at least ten experiments with kebab-case names, reports, runs and valid configs', () => {
    expect(EXPERIMENTS.length).toBeGreaterThanOrEqual(10);
    expect(new Set(EXPERIMENTS.map((e) => e.name)).size).toBe(EXPERIMENTS.length);
    for (const e of EXPERIMENTS) {
      expect(e.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(e.reports.length, e.name).toBeGreaterThan(0);
      expect(new Set(e.runs.map((r) => r.id)).size, e.name).toBe(e.runs.length);
      for (const run of e.runs) expect(parseConfig(runConfig(e, run)), `${e.name}/${run.id}`).toMatchObject({ ok: true });
    }
    expect(findExperiment('no-such-thing')).toBeUndefined();
  });

  it('gives each run an ordinary lab link that decodes to its config and timeline', () => {
    for (const e of EXPERIMENTS) {
      for (const run of e.runs) {
        const q = new URLSearchParams(runLink(e, run));
        expect(q.get('experiment')).toBe(e.name);
        q.delete('experiment');
        q.delete('view');
        const decoded = decodeLink(q.toString());
        expect(decoded.errors, `${e.name}/${run.id}`).toEqual([]);
        expect(decoded.config).toEqual(runConfig(e, run));
        expect(decoded.timeline).toEqual(run.timeline ?? []);
      }
    }
  });

  it.each(EXPERIMENTS.map((e) => [e.name, e] as const))('%s: the signal appears', async (_name, e) => {
    const runs: Record<string, MetricRow[]> = {};
    for (const run of e.runs) {
      const trainer = await makeTrainer(runConfig(e, run));
      try {
        runs[run.id] = [];
        for (let i = 0; i < e.iterations; i++) {
          const edits = editsAt(run.timeline ?? [], trainer.iteration + 1);
          if (edits) trainer.setParams(edits);
          runs[run.id]!.push(await trainer.step());
        }
      } finally {
        trainer.dispose();
      }
    }
    const result = e.signal.check(runs);
    expect(result.ok, `${e.signal.text}\nmeasured: ${result.measured}`).toBe(true);
  });

  it('the injected temperature bug is off by default and does nothing at τ = 1', async () => {
    const e = findExperiment('ratio-not-one')!;
    const base = runConfig(e, e.runs[0]!);
    const trainer = await makeTrainer({ ...base, bugTempMismatch: true, temperature: 1 });
    try {
      expect((await trainer.step())['policy/approxkl']).toBeLessThan(1e-8);
    } finally {
      trainer.dispose();
    }
    expect(runConfig(e, { id: 'x', label: 'x', config: {} }).bugTempMismatch).toBe(false);
  });
});

describe('npm run lab -- --experiment', () => {
  const lab = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('runs every run of the experiment, each JSON line naming its run, and checks the signal', () => {
    const e = findExperiment('ratio-not-one')!;
    const out = lab('--experiment', e.name);
    expect(out.code, out.stderr).toBe(0);
    const lines = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { run: string; iter: number });
    expect(lines.map((l) => l.run)).toEqual(Array(e.iterations).fill('bug-then-fix'));
    expect(lines.map((l) => l.iter)).toEqual(Array.from({ length: e.iterations }, (_, i) => i + 1));
    expect(out.stderr).toMatch(/signal seen: /);
  });

  it('runs one run with --run, lists the gallery, and refuses an unknown name with exit code 2', () => {
    const one = lab('--experiment', 'clip-zero', '--run', 'four-epochs', '--iterations', '1');
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout.trim())).toMatchObject({ run: 'four-epochs', iter: 1, epochs_run: 4 });
    const list = lab('--experiment', 'list');
    for (const e of EXPERIMENTS) expect(list.stdout).toContain(e.name);
    const bad = lab('--experiment', 'no-such-thing');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown experiment "no-such-thing"/);
  });
});
