/**
 * `npm run bench` — speed of the default config for each tfjs backend available in Node.
 * First the kernels dispatched (kernel-count.ts): per iteration, per sampling step of the
 * rollout (one new token for every sequence of the batch), per update step (one minibatch),
 * and the most frequent ones; these do not depend on machine load. Then the peak tensor bytes
 * of an iteration (tf.profile), and the median ms per rollout, per update and per iteration,
 * tokens/s, FLOPs per iteration and achieved GFLOP/s; then the median ms of one update step on
 * 64 sequences × 32 tokens (bench-train-step.ts). Its last line is one JSON object with those figures.
 * `npm run bench -- --browser` runs the browser bench instead (headless Chromium, per backend).
 * Flags: --iterations N (default 15), --warmup N (default 3), --backends wasm,cpu (or webgpu, where
 * Dawn's Node bindings are installed: node-backend.ts), any run parameter
 * (--task, --batch, …), and --tf-flags NAME=VALUE,… to try tfjs environment flags (e.g.
 * WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64).
 */
import * as tf from '@tensorflow/tfjs';
import { parseCli } from './args';
import { KernelCounter } from '../engine/kernel-count';
import { benchTrainStep } from './bench-train-step';
import { initNodeBackend, loadCheckpointFromDisk, NODE_BACKENDS } from './node-backend';
import { iterationFlops } from '../engine/flops';
import { Trainer } from '../engine/trainer';
import type { Metrics } from '../engine/metrics';
import { median, round } from './bench-stats';

function takeFlag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const [, value] = argv.splice(i, 2);
  return value;
}

/** Sets tfjs environment flags given as NAME=VALUE,… (after the backend has registered its own). */
function setTfFlags(list: string | undefined): void {
  for (const pair of list ? list.split(',') : []) {
    const [name, value] = pair.split('=') as [string, string];
    tf.env().set(name, value === 'true' ? true : value === 'false' ? false : Number(value));
  }
}

async function benchBackend(backend: string, argv: string[], iterations: number, warmup: number, tfFlags: string | undefined) {
  const { config } = parseCli([...argv, '--backend', backend]);
  await initNodeBackend(backend);
  setTfFlags(tfFlags);
  // Which GPU Dawn chose: a software adapter (SwiftShader) would make the figures meaningless.
  const adapter = (tf.backend() as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
  const counter = new KernelCounter();
  // Kernel totals at the rollout's end and the number of update steps, per iteration (set by the hooks).
  let atRollout = 0;
  let updateSteps = 0;
  const trainer = await Trainer.create(config, loadCheckpointFromDisk, {
    onRollout: () => (atRollout = counter.total),
    onMinibatch: () => updateSteps++,
  });
  const runs: Metrics[] = [];
  const kernels: {
    iteration: number;
    programs: number;
    copies: number;
    rollout: number;
    update: number;
    perSample: number;
    perUpdateStep: number;
  }[] = [];
  let top: [string, number][] = [];
  let peak: { bytes: number; aboveStart: number; tensorsBefore: number; tensorsAfter: number };
  try {
    for (let i = 0; i < warmup + iterations; i++) {
      const start = counter.total;
      const programsBefore = counter.programs;
      const copiesBefore = counter.copies;
      const names = counter.snapshot();
      updateSteps = 0;
      const m = await trainer.step();
      if (i >= warmup) {
        runs.push(m);
        const rollout = atRollout - start;
        const update = counter.total - atRollout;
        kernels.push({
          iteration: rollout + update,
          programs: counter.programs - programsBefore,
          copies: counter.copies - copiesBefore,
          rollout,
          update,
          perSample: rollout / m['completions/max_length'],
          perUpdateStep: update / updateSteps,
        });
        if (i === warmup) top = counter.top(12, names);
      }
      process.stderr.write(
        `${backend} iter ${i + 1}/${warmup + iterations}: ${m['time/iteration_ms'].toFixed(0)} ms, ` +
          `${counter.total - start} kernels${i < warmup ? ' (warm-up)' : ''}\n`,
      );
    }
    // Memory: one more iteration under tf.profile, which records the bytes held after every kernel.
    const before = tf.memory();
    const profile = await tf.profile(async () => {
      await trainer.step();
      return [];
    });
    peak = {
      bytes: profile.peakBytes,
      aboveStart: profile.peakBytes - before.numBytes,
      tensorsBefore: before.numTensors,
      tensorsAfter: tf.memory().numTensors,
    };
  } finally {
    counter.dispose();
    trainer.dispose();
  }
  const trainStep = await benchTrainStep(backend === 'cpu' ? 2 : iterations, backend === 'cpu' ? 1 : warmup);
  const flops = runs.map((m) => iterationFlops(config, m['completions/max_length'], m.epochs_run));
  const iterationMs = median(runs.map((m) => m['time/iteration_ms']));
  const result = {
    backend,
    ...(adapter ? { gpu_adapter: [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') } : {}),
    kernels_per_iteration: median(kernels.map((k) => k.iteration)),
    kernels_rollout: median(kernels.map((k) => k.rollout)),
    kernels_update: median(kernels.map((k) => k.update)),
    kernels_per_sampling_step: round(median(kernels.map((k) => k.perSample))),
    kernels_per_update_step: round(median(kernels.map((k) => k.perUpdateStep))),
    // WebGPU only (through Dawn): the dispatches those kernels ran, which is what pays the fixed cost,
    // and the buffer copies that stand in for programs where a join or a cut is contiguous.
    ...(backend === 'webgpu'
      ? {
          gpu_programs_per_iteration: median(kernels.map((k) => k.programs)),
          gpu_buffer_copies_per_iteration: median(kernels.map((k) => k.copies)),
        }
      : {}),
    top_kernels_first_iteration: Object.fromEntries(top),
    peak_tensor_mb: round(peak.bytes / 2 ** 20, 2),
    peak_tensor_mb_above_start: round(peak.aboveStart / 2 ** 20, 2),
    num_tensors_before_after: [peak.tensorsBefore, peak.tensorsAfter],
    rollout_ms: round(median(runs.map((m) => m['time/rollout_ms']))),
    update_ms: round(median(runs.map((m) => m['time/update_ms']))),
    iteration_ms: round(iterationMs),
    tokens_per_s: round(median(runs.map((m) => m['time/tokens_per_s']))),
    mflop_per_iteration: round(median(flops.map((f) => f.total)) / 1e6),
    gflop_per_s: round(median(runs.map((m, i) => flops[i]!.total / m['time/iteration_ms'] / 1e6)), 2),
    gflop_per_s_update: round(median(runs.map((m, i) => flops[i]!.update / m['time/update_ms'] / 1e6)), 2),
    train_step_64x32_ms: trainStep.ms,
    train_step_64x32_kernels: trainStep.kernels,
    iterations,
  };
  process.stderr.write(`${JSON.stringify(result)}\n`);
  return result;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--browser')) {
    argv.splice(argv.indexOf('--browser'), 1);
    process.argv = [process.argv[0]!, process.argv[1]!, ...argv];
    await import('./bench-browser');
    return;
  }
  const iterations = Number(takeFlag(argv, 'iterations') ?? 15);
  const warmup = Number(takeFlag(argv, 'warmup') ?? 3);
  const backends = (takeFlag(argv, 'backends') ?? NODE_BACKENDS.join(',')).split(',');
  const tfFlags = takeFlag(argv, 'tf-flags');
  const results = [];
  for (const backend of backends) {
    // The cpu backend is ~20× slower: fewer iterations keep the bench under a few minutes.
    const n = backend === 'cpu' ? Math.min(iterations, 3) : iterations;
    try {
      results.push(await benchBackend(backend, argv, n, backend === 'cpu' ? 1 : warmup, tfFlags));
    } catch (e) {
      // One backend that cannot start must not hide the others' figures.
      process.stderr.write(`${backend}: ${(e as Error).message}\n`);
      results.push({ backend, error: (e as Error).message });
    }
  }
  const { config } = parseCli(argv);
  process.stdout.write(
    `${JSON.stringify({ host: 'node', task: config.task, algo: config.algo, model: config.model, batch: config.batch, tfFlags: tfFlags ?? null, results })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
