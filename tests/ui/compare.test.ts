/**
 * Comparing runs (src/ui/experiments/compare.ts), in Node: runs are named by how their
 * settings differ, a comparison link lists ordinary lab links and reads back the same
 * configs, and a saved comparison is read back validated — a corrupt or hostile one is
 * refused with a message, never trusted.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../src/engine/params';
import type { RecordedRun } from '../../src/ui/experiments/compare';

const KEY = 'ppo-lab:comparison';

/** A fresh copy of the module, reading `stored` as the saved comparison. */
async function loadWith(stored: string | null) {
  const store = new Map<string, string>(stored === null ? [] : [[KEY, stored]]);
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
  });
  vi.resetModules();
  return { mod: await import('../../src/ui/experiments/compare'), store };
}

const run = (over: Partial<RecordedRun> = {}): Omit<RecordedRun, 'id'> => ({
  label: null,
  config: defaultConfig(),
  timeline: [],
  rows: [{ iter: 1, from: 1, n: 1, 'reward/mean': 0.5 }],
  lists: [{ 'kl/ref_by_position': [0, -0.1] }],
  ...over,
});

afterEach(() => vi.unstubAllGlobals());

describe('comparing runs', () => {
  it('names each run by the settings in which it differs from the others', async () => {
    const { mod } = await loadWith(null);
    const a = { config: { ...defaultConfig(), epochs: 1 }, timeline: [] };
    const b = {
      config: { ...defaultConfig(), epochs: 4, backend: 'cpu' as const },
      timeline: [{ iteration: 3, params: { eps: 0.1 } }],
    };
    expect(mod.differenceLabels([a, b])).toEqual(['epochs=1', 'epochs=4, edits at 3: eps=0.1']);
    expect(mod.differenceLabels([a, a])).toEqual(['same settings', 'same settings']);
  });

  it('saves pinned runs and reads them back after a reload; shares them as a link of lab links', async () => {
    const first = await loadWith(null);
    first.mod.pin(run({ config: { ...defaultConfig(), epochs: 1 } }));
    first.mod.pin(run({ config: { ...defaultConfig(), epochs: 4 }, timeline: [{ iteration: 2, params: { beta: 0.1 } }] }));
    const { mod } = await loadWith(first.store.get(KEY)!);
    const runs = mod.useCompare.getState().runs;
    expect(runs.map((r) => r.config.epochs)).toEqual([1, 4]);
    expect(runs[1]!.timeline).toEqual([{ iteration: 2, params: { beta: 0.1 } }]);
    expect(mod.metricsOf(runs[0]!)[0]).toMatchObject({ 'reward/mean': 0.5, 'kl/ref_by_position': [0, -0.1] });
    const q = new URLSearchParams(mod.comparisonQuery(runs));
    const shared = mod.readSharedRuns(q.getAll('runs'));
    expect(shared.errors).toEqual([]);
    expect(shared.runs.map((r) => r.config)).toEqual(runs.map((r) => r.config));
  });

  it('refuses a corrupt or hostile saved comparison with a message, keeping only what validates', async () => {
    expect((await loadWith('{not json')).mod.useCompare.getState()).toMatchObject({ runs: [], message: /cleared/ });
    const hostile = JSON.stringify({
      v: 1,
      runs: [
        { ...run(), config: { ...defaultConfig(), eps: 50 } },
        { ...run(), rows: [{ iter: 1, 'reward/mean': '<img src=x>' }], label: 'x'.repeat(500), experiment: '<b>' },
      ],
    });
    const { mod } = await loadWith(hostile);
    const state = mod.useCompare.getState();
    expect(state.runs).toHaveLength(1);
    expect(state.message).toMatch(/1 saved run/);
    expect(state.runs[0]!.rows[0]).toEqual({ iter: 1, from: 1, n: 1 });
    expect(state.runs[0]!.label).toHaveLength(200);
    expect(state.runs[0]!.experiment).toBeUndefined();
    expect(mod.readSharedRuns(['eps=banana']).errors[0]).toMatch(/run 1: eps must be/);
  });
});
