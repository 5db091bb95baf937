/**
 * The worker's save-checkpoint and load-checkpoint commands, with the real trainer on wasm:
 * a saved policy goes on from its iteration; a corrupt or mismatched file is refused and the
 * run goes on unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend, loadCheckpointFromDisk } from '../../src/cli/node-backend';
import { encodeCheckpoint } from '../../src/engine/checkpoint';
import { defaultConfig, type Config } from '../../src/engine/params';
import type { WorkerEvent } from '../../src/worker/protocol';
import { TrainingSession } from '../../src/worker/session';
import { PostLog } from './fakes';

beforeAll(() => initNodeBackend('wasm'));

const tiny: Config = { ...defaultConfig('sort'), model: 'small', batch: 8, epochs: 1, minibatches: 1, seed: 6 };

async function until(log: PostLog, pred: (events: WorkerEvent[]) => boolean, what: string) {
  const t0 = Date.now();
  while (!pred(log.events)) {
    if (Date.now() - t0 > 30_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('checkpoint commands', () => {
  it('save after two iterations, refuse a corrupt and a mismatched file without a rebuild, load and go on from iteration 2', async () => {
    const log = new PostLog();
    const session = new TrainingSession({
      post: log.post,
      selectBackend: async () => ({ name: 'wasm', description: 'node wasm', skipped: [], fallback: false }),
      fetchCheckpoint: (file) => loadCheckpointFromDisk(file),
    });
    try {
      session.handle({ type: 'load-config', config: tiny });
      session.handle({ type: 'step' });
      session.handle({ type: 'step' });
      await until(log, (ev) => ev.filter((e) => e.type === 'iteration').length === 2, 'two iterations');
      session.handle({ type: 'save-checkpoint' });
      await until(log, (ev) => ev.some((e) => e.type === 'checkpoint'), 'checkpoint');
      const saved = log.of('checkpoint')[0]!;
      expect(saved.iteration).toBe(2);
      expect(saved.fileName).toBe('ppo-lab-sort-ppo-seed6-iter2.ckpt');

      const readies = () => log.of('ready').length;
      const before = readies();
      session.handle({ type: 'load-checkpoint', bytes: new TextEncoder().encode('junk').buffer });
      const fewer = encodeCheckpoint(
        { task: 'sort', model: 'small', info: { kind: 'policy', iteration: 1, beta: 0.05, config: JSON.stringify(tiny) } },
        new Map([['trainable.0', { shape: [1], data: new Float32Array([0]) }]]),
      );
      session.handle({ type: 'load-checkpoint', bytes: fewer.buffer as ArrayBuffer });
      await until(log, (ev) => ev.filter((e) => e.type === 'error').length === 2, 'two refusals');
      const [junk, mismatch] = log.of('error');
      expect(junk!.message).toMatch(/^checkpoint refused, the run goes on unchanged: not a PPO Lab checkpoint/);
      expect(mismatch!.message).toMatch(
        /^checkpoint refused, the run goes on unchanged: it holds 1 tensors and this model has \d+/,
      );
      expect(readies()).toBe(before);

      const savedBytes = new Uint8Array(saved.bytes.slice(0));
      session.handle({ type: 'load-checkpoint', bytes: saved.bytes });
      session.handle({ type: 'step' });
      await until(log, (ev) => ev.filter((e) => e.type === 'iteration').length === 3, 'an iteration after loading');
      // The run's ready names the saved policy it goes on from, with its bytes (the page's client replays them after a crash).
      const loaded = log.of('ready').at(-1)!;
      expect(loaded.checkpoint?.iteration).toBe(2);
      expect(new Uint8Array(loaded.checkpoint!.bytes)).toEqual(savedBytes);
      expect(log.of('ready')[0]!.checkpoint).toBeUndefined();
      expect(log.of('iteration')[2]!.metrics.iter).toBe(3);
      expect(log.of('error')).toHaveLength(2);
    } finally {
      session.dispose();
    }
  });
});
