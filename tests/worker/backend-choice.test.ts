import { describe, expect, it } from 'vitest';
import { chooseBackend, type Attempt } from '../../src/worker/backend-choice';
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
