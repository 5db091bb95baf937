import { describe, expect, it } from 'vitest';
import { chooseBackend, choiceKey, parseSavedChoice, type Attempt, type ChoiceStore } from '../../src/worker/backend-choice';
import type { BackendName } from '../../src/worker/protocol';

/** A browser where the listed backends start and the others fail with a reason naming them. */
function browser(working: BackendName[]) {
  const tried: BackendName[] = [];
  const forced: BackendName[] = [];
  const probe = async (name: BackendName, chosenByUs: boolean): Promise<Attempt> => {
    tried.push(name);
    if (!chosenByUs) forced.push(name);
    if (name === 'webgl' && !working.includes(name)) throw new Error('context lost');
    return working.includes(name) ? { ok: true, description: `${name} device` } : { ok: false, reason: `no ${name}` };
  };
  return { tried, forced, probe };
}

describe('backend choice', () => {
  it('auto takes the first that starts in the order webgpu, webgl, wasm, cpu, and explains the others', async () => {
    const b = browser(['wasm', 'cpu']);
    const info = await chooseBackend('auto', b.probe);
    expect(b.tried).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(b.forced).toEqual([]);
    expect(info).toEqual({
      name: 'wasm',
      description: 'wasm device',
      fallback: false,
      skipped: [
        { name: 'webgpu', reason: 'no webgpu' },
        { name: 'webgl', reason: 'context lost' },
        { name: 'cpu', reason: 'not needed: wasm comes first' },
      ],
    });
  });

  it('a forced backend that starts is used alone; the others are "not requested"', async () => {
    const b = browser(['webgpu', 'webgl', 'wasm', 'cpu']);
    const info = await chooseBackend('cpu', b.probe);
    expect(b.tried).toEqual(['cpu']);
    expect(info.name).toBe('cpu');
    expect(info.fallback).toBe(false);
    expect(info.skipped.map((s) => s.reason)).toEqual(['not requested', 'not requested', 'not requested']);
  });

  it('a forced backend that fails falls back in the auto order, flagged as a fallback with its reason', async () => {
    const b = browser(['webgl', 'wasm', 'cpu']);
    const info = await chooseBackend('webgpu', b.probe);
    expect(b.tried).toEqual(['webgpu', 'webgl']);
    // Only the backend asked for is forced; the fallbacks are ours to judge (software GPUs are passed over).
    expect(b.forced).toEqual(['webgpu']);
    expect(info.name).toBe('webgl');
    expect(info.fallback).toBe(true);
    expect(info.skipped[0]).toEqual({ name: 'webgpu', reason: 'no webgpu' });
  });

  it('fails with every reason when nothing starts', async () => {
    await expect(chooseBackend('auto', browser([]).probe)).rejects.toThrow(
      /webgpu: no webgpu; webgl: context lost; wasm: no wasm; cpu: no cpu/,
    );
  });
});

/** A store in a Map, and a timer that reports fixed warm-up times (a missing one throws). */
function measuring(times: Partial<Record<BackendName, number>>, saved: Map<string, unknown> = new Map()) {
  const timed: BackendName[] = [];
  const store: ChoiceStore = {
    get: async (key) => saved.get(key) ?? null,
    set: async (key, choice) => void saved.set(key, choice),
  };
  const time = async (name: BackendName) => {
    timed.push(name);
    const ms = times[name];
    if (ms === undefined) throw new Error(`${name} ran out of memory`);
    return ms;
  };
  return { timed, saved, m: { time, store, key: BASE_64 } };
}

/** Where the default run's choice is remembered. */
const BASE_64 = choiceKey({ model: 'base', batch: 64 });

describe('auto by measurement', () => {
  it('times each backend that starts, keeps the fastest, says what each measured, and remembers it', async () => {
    const b = browser(['webgpu', 'webgl', 'wasm', 'cpu']);
    const t = measuring({ webgpu: 1903, webgl: 640, wasm: 316 });
    const info = await chooseBackend('auto', b.probe, t.m);
    expect(t.timed).toEqual(['webgpu', 'webgl', 'wasm']);
    // wasm was the last started, so it is already running: no second start.
    expect(b.tried).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(info.name).toBe('wasm');
    expect(info.fallback).toBe(false);
    expect(info.description).toBe('wasm device; fastest warm-up measured now: 316 ms (webgpu 1903 ms, webgl 640 ms)');
    expect(info.skipped).toEqual([
      { name: 'webgpu', reason: 'warm-up 1903 ms measured now, slower than wasm' },
      { name: 'webgl', reason: 'warm-up 640 ms measured now, slower than wasm' },
      { name: 'cpu', reason: 'not needed: wasm was measured faster than cpu can be' },
    ]);
    expect(t.saved.get(BASE_64)).toEqual({
      name: 'wasm',
      measured: [
        { name: 'webgpu', ms: 1903 },
        { name: 'webgl', ms: 640 },
        { name: 'wasm', ms: 316 },
      ],
    });
  });

  it('starts the winner again when another backend was started after it', async () => {
    const b = browser(['webgpu', 'webgl', 'wasm']);
    const info = await chooseBackend('auto', b.probe, measuring({ webgpu: 40, webgl: 90, wasm: 300 }).m);
    expect(info.name).toBe('webgpu');
    expect(b.tried).toEqual(['webgpu', 'webgl', 'wasm', 'webgpu']);
  });

  it('a remembered choice starts at once, without timing anything, and still explains the others', async () => {
    const b = browser(['webgpu', 'webgl', 'wasm', 'cpu']);
    const earlier = new Map<string, unknown>([
      [
        BASE_64,
        {
          name: 'webgl',
          measured: [
            { name: 'webgl', ms: 50 },
            { name: 'wasm', ms: 80 },
          ],
        },
      ],
    ]);
    const t = measuring({ webgpu: 1, webgl: 1, wasm: 1 }, earlier);
    const info = await chooseBackend('auto', b.probe, t.m);
    expect(t.timed).toEqual([]);
    expect(b.tried).toEqual(['webgl']);
    expect(info.name).toBe('webgl');
    expect(info.description).toBe('webgl device; fastest warm-up on an earlier visit: 50 ms (wasm 80 ms)');
    expect(info.skipped).toContainEqual({ name: 'wasm', reason: 'warm-up 80 ms on an earlier visit, slower than webgl' });
    expect(info.skipped).toContainEqual({ name: 'webgpu', reason: 'not measured on an earlier visit (it did not start then)' });
  });

  it('measures again when the remembered backend no longer starts, or the record is not a choice', async () => {
    const gone = new Map<string, unknown>([[BASE_64, { name: 'webgpu', measured: [{ name: 'webgpu', ms: 5 }] }]]);
    const b = browser(['webgl', 'wasm']);
    const t = measuring({ webgl: 70, wasm: 60 }, gone);
    const info = await chooseBackend('auto', b.probe, t.m);
    expect(info.name).toBe('wasm');
    expect(t.timed).toEqual(['webgl', 'wasm']);
    expect(info.skipped[0]).toEqual({ name: 'webgpu', reason: 'chosen on an earlier visit but no longer starts: no webgpu' });
    expect((t.saved.get(BASE_64) as { name: string }).name).toBe('wasm');

    const junk = measuring({ wasm: 60 }, new Map([[BASE_64, { name: 'quantum', measured: 'fast' }]]));
    expect((await chooseBackend('auto', browser(['wasm']).probe, junk.m)).name).toBe('wasm');
    expect(junk.timed).toEqual(['wasm']);
  });

  it('a choice is remembered per model size and batch: another batch or size is measured afresh', async () => {
    // The real-GPU figures behind it: base at batch 64 ran fastest on wasm, at batch 256 on WebGPU.
    const t = measuring({ webgpu: 340, wasm: 110 });
    await chooseBackend('auto', browser(['webgpu', 'wasm']).probe, t.m);
    const at256 = measuring({ webgpu: 300, wasm: 700 }, t.saved);
    at256.m.key = choiceKey({ model: 'base', batch: 256 });
    expect((await chooseBackend('auto', browser(['webgpu', 'wasm']).probe, at256.m)).name).toBe('webgpu');
    expect(at256.timed).toEqual(['webgpu', 'wasm']);
    expect(choiceKey({ model: 'large', batch: 64 })).not.toBe(BASE_64);
    // Both choices stay remembered side by side.
    expect((t.saved.get(BASE_64) as { name: string }).name).toBe('wasm');
    expect((t.saved.get(at256.m.key) as { name: string }).name).toBe('webgpu');
  });

  it('a backend whose warm-up fails is passed over with the reason; with nothing measurable, cpu', async () => {
    const t = measuring({ wasm: 200 });
    const info = await chooseBackend('auto', browser(['webgl', 'wasm']).probe, t.m);
    expect(info.name).toBe('wasm');
    expect(info.skipped).toContainEqual({ name: 'webgl', reason: 'started, but the warm-up failed: webgl ran out of memory' });

    const onlyCpu = await chooseBackend('auto', browser(['cpu']).probe, measuring({}).m);
    expect(onlyCpu.name).toBe('cpu');
    expect(onlyCpu.fallback).toBe(false);
    expect(onlyCpu.skipped.map((s) => s.name)).toEqual(['webgpu', 'webgl', 'wasm']);
  });

  it('a forced backend wins: nothing is timed or remembered', async () => {
    const t = measuring({ webgpu: 1, webgl: 1, wasm: 1 });
    const info = await chooseBackend('webgl', browser(['webgpu', 'webgl', 'wasm']).probe, t.m);
    expect(info.name).toBe('webgl');
    expect(t.timed).toEqual([]);
    expect(t.saved.size).toBe(0);
  });

  it('reads back only well-formed choices', () => {
    const ok = { name: 'wasm', measured: [{ name: 'wasm', ms: 3 }] };
    expect(parseSavedChoice(ok)).toEqual(ok);
    expect(parseSavedChoice(null)).toBeNull();
    expect(parseSavedChoice({ name: 'wasm', measured: [{ name: 'webgl', ms: 3 }] })).toBeNull();
    expect(parseSavedChoice({ name: 'wasm', measured: [{ name: 'wasm', ms: Number.NaN }] })).toBeNull();
    expect(parseSavedChoice({ name: 'wasm', measured: [{ name: 'wasm', ms: 3 }, 7] })).toBeNull();
  });
});
