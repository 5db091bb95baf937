import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend } from '../../src/cli/node-backend';
import { measureWarmup } from '../../src/worker/backend-measure';

beforeAll(() => initNodeBackend('wasm'));

describe('backend warm-up', () => {
  it('runs the model of the config, returns a time, and leaves no tensor behind', async () => {
    const config = { task: 'sort', model: 'small', batch: 8, minibatches: 2 } as const;
    await measureWarmup(config);
    const before = tf.memory().numTensors;
    const ms = await measureWarmup(config);
    expect(Number.isFinite(ms) && ms > 0).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
