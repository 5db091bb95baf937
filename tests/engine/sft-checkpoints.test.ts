/**
 * The committed SFT references: one per transformer task and model size, each holding the
 * weights model.ts creates for that size and the settings and final loss it was trained with.
 */
import { describe, expect, it } from 'vitest';
import { checkpointFile, decodeCheckpoint } from '../../src/engine/checkpoint';
import { loadCheckpointFromDisk } from '../../src/cli/node-backend';
import { MODEL_SIZES, parameterCount, SIZE_NAMES } from '../../src/engine/sizes';
import { TASK_NAMES, TASKS } from '../../src/engine/tasks';

describe('SFT checkpoints', () => {
  for (const name of TASK_NAMES.filter((n) => TASKS[n].model === 'transformer')) {
    for (const size of SIZE_NAMES) {
      it(`${name}-${size} exists and fits the ${size} shape`, async () => {
        const task = TASKS[name];
        const { header, weights } = decodeCheckpoint(await loadCheckpointFromDisk(checkpointFile(name, size)));
        expect(header.task).toBe(name);
        expect(header.model).toBe(size);
        const { dModel, layers } = MODEL_SIZES[size];
        expect(weights.get('wte')!.shape).toEqual([task.vocab.length, dModel]);
        expect(weights.has(`h${layers - 1}.mlp.w2`)).toBe(true);
        expect(weights.has(`h${layers}.mlp.w2`)).toBe(false);
        const total = [...weights.values()].reduce((n, w) => n + w.data.length, 0);
        expect(total).toBe(parameterCount(size, task.vocab.length, task.promptLength + task.maxCompletion));
        expect(Number.isFinite(header.info.finalLoss)).toBe(true);
      });
    }
  }
});
