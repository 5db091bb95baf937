/**
 * `npm run pretrain`: trains the SFT reference of every task and model size,
 * deterministically, and writes public/checkpoints/<task>-<size>.ckpt.
 * Usage: npm run pretrain [-- --task sort --model base --backend wasm]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkpointFile, encodeCheckpoint } from '../engine/checkpoint';
import { SIZE_NAMES, type ModelSize } from '../engine/sizes';
import { pretrain, type SftSettings } from '../engine/sft';
import { TASKS, TASK_NAMES, type TaskName } from '../engine/tasks';
import { initNodeBackend, PUBLIC_DIR } from './node-backend';

/** Enough steps for every task to learn its SFT data's format; the bandit's table converges much sooner. */
const SETTINGS: SftSettings = { steps: 1500, batch: 64, lr: 0.003, seed: 1234 };
const TABLE_SETTINGS: SftSettings = { steps: 300, batch: 64, lr: 0.05, seed: 1234 };
/**
 * `large` (d = 128, 5 layers) at lr 0.003 spiked and ended its SFT above base's loss (sort: 0.784
 * against 0.688); at 0.001 it ends at 0.677. Same steps and batch: 1500 steps took 8–11 minutes
 * per task on wasm in Node.
 */
const LARGE_SETTINGS: SftSettings = { ...SETTINGS, lr: 0.001 };

const { values } = parseArgs({
  options: { task: { type: 'string' }, model: { type: 'string' }, backend: { type: 'string', default: 'wasm' } },
});
const backend = await initNodeBackend(values.backend);
const tasks = values.task ? [values.task as TaskName] : TASK_NAMES;
const sizes = values.model ? [values.model as ModelSize] : SIZE_NAMES;
await mkdir(PUBLIC_DIR + 'checkpoints', { recursive: true });
for (const name of tasks) {
  const task = TASKS[name];
  if (!task) throw new Error(`unknown task ${name}`);
  for (const size of task.model === 'table' ? ['table'] : sizes) {
    const settings = task.model === 'table' ? TABLE_SETTINGS : size === 'large' ? LARGE_SETTINGS : SETTINGS;
    const t0 = performance.now();
    const result = await pretrain(task, size as ModelSize, settings, (step, loss) => {
      if (step % 100 === 0) process.stderr.write(`${name}-${size} step ${step} loss ${loss.toFixed(4)}\n`);
    });
    const file = checkpointFile(name, size);
    const info = { ...settings, backend, finalLoss: +result.finalLoss.toFixed(5) };
    await writeFile(PUBLIC_DIR + file, encodeCheckpoint({ task: name, model: size, info }, result.weights));
    process.stderr.write(
      `${file}: SFT loss ${result.finalLoss.toFixed(4)} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
  }
}
