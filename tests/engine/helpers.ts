/** Shared set-up of the engine tests: the wasm backend (as the CLI uses) and small trainers. */
import * as tf from '@tensorflow/tfjs';
import { initNodeBackend, loadCheckpointFromDisk } from '../../src/cli/node-backend';
import { defaultConfig, type Config } from '../../src/engine/params';
import { Trainer, type TrainerHooks } from '../../src/engine/trainer';
import type { Metrics } from '../../src/engine/metrics';
import type { Outputs, PolicyModel } from '../../src/engine/model';

export async function useBackend(name = 'wasm'): Promise<void> {
  await initNodeBackend(name);
}

export async function makeTrainer(overrides: Partial<Config> = {}, hooks: TrainerHooks = {}): Promise<Trainer> {
  return Trainer.create({ ...defaultConfig(overrides.task), ...overrides }, loadCheckpointFromDisk, hooks);
}

/** Runs `iterations` iterations and disposes the trainer. */
export async function run(overrides: Partial<Config>, iterations: number, hooks: TrainerHooks = {}): Promise<Metrics[]> {
  const trainer = await makeTrainer(overrides, hooks);
  try {
    const out: Metrics[] = [];
    for (let i = 0; i < iterations; i++) out.push(await trainer.step());
    return out;
  } finally {
    trainer.dispose();
  }
}

/** A metrics object without its wall-clock keys, for exact comparisons. */
export function withoutTime(m: Metrics): Record<string, unknown> {
  return Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith('time/')));
}

export { tf };

/**
 * A stand-in policy over `vocabSize` tokens whose forward pass returns `outputs()`: the loss
 * tests can then work the loss out by hand or take its gradient with respect to the outputs.
 */
export function stubModel(vocabSize: number, outputs: () => Outputs): PolicyModel {
  return {
    kind: 'table',
    vocabSize,
    trainable: [],
    forward: outputs,
    prefill: () => {
      throw new Error('not used');
    },
    step: () => {
      throw new Error('not used');
    },
    weights: () => new Map(),
    dispose: () => {},
  };
}
