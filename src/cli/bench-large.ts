/**
 * `npm run bench -- --model large`: the bench-only ~1M-parameter size (engine/sizes.ts
 * BENCH_SIZES) on each Node backend. No SFT checkpoint exists for it, and the trainer runs only
 * the sizes that have one, so this measures the two halves of an iteration directly: a rollout
 * of the config's batch (policy and a frozen reference, sampled with the same code as a run),
 * then update steps of one minibatch each (forward, backward and the packed Adam step) with the
 * SFT cross-entropy on the sampled tokens standing in for the PPO loss. Weights are freshly
 * initialised on the task's vocabulary (seeded), so completions are noise: the figures are
 * speed only. Prints kernels per sampling step and per update step, the median ms of each,
 * the parameter count, and one JSON line per run on stdout.
 * Flags: --iterations N (default 5), --backends wasm,cpu, --task, --batch, --minibatches, --max-tokens, --seed.
 */
import * as tf from '@tensorflow/tfjs';
import { parseCli } from './args';
import { initNodeBackend } from './node-backend';
import { PackedAdam } from '../engine/adam';
import { KernelCounter } from '../engine/kernel-count';
import { initTransformerWeights, Transformer } from '../engine/model';
import { logProbs, pickColumns } from '../engine/ops';
import { effective } from '../engine/params';
import { Rng } from '../engine/rng';
import { sampleRollout } from '../engine/rollout';
import { BENCH_SIZES } from '../engine/sizes';
import { TASKS } from '../engine/tasks';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, d = 1) => +x.toFixed(d);

export async function benchLarge(argv: string[], backends: string[], iterations: number): Promise<void> {
  const { config } = parseCli(argv);
  const task = TASKS[config.task];
  if (task.model === 'table') throw new Error(`task ${config.task} uses the softmax table, not a transformer`);
  const P = task.promptLength;
  const T = effective(config, task).maxTokens;
  const shape = { vocabSize: task.vocab.length, contextLength: P + task.maxCompletion, ...BENCH_SIZES.large };
  const weights = initTransformerWeights(shape, Rng.stream(config.seed, 'init'));
  const params = [...weights.values()].reduce((n, w) => n + w.data.length, 0);
  process.stderr.write(
    `large: d=${shape.dModel}, ${shape.layers} layers, ${shape.heads} heads, ${params} parameters; ` +
      `fresh weights on the ${config.task} vocabulary (no SFT checkpoint exists for this size): speed figures only\n`,
  );
  const results = [];
  for (const backend of backends) {
    await initNodeBackend(backend);
    const policy = new Transformer(shape, weights, { trainable: true, valueHead: true });
    const reference = new Transformer(shape, weights, { trainable: false, valueHead: false });
    const adam = new PackedAdam(policy.trainable, config.lr);
    const counter = new KernelCounter();
    const promptRng = Rng.stream(config.seed, 'prompts');
    const samplingRng = Rng.stream(config.seed, 'sampling');
    const rows = Math.max(1, Math.floor(config.batch / config.minibatches));
    const runs: { rolloutMs: number; updateMs: number; perSample: number; perUpdate: number }[] = [];
    // n = cpu: fewer iterations (about 20x slower than wasm); the first of each is a warm-up.
    const n = (backend === 'cpu' ? Math.min(iterations, 2) : iterations) + 1;
    try {
      for (let i = 0; i < n; i++) {
        const prompts = new Int32Array(config.batch * P);
        for (let j = 0; j < config.batch; j++) prompts.set(task.samplePrompt(promptRng), j * P);
        let k0 = counter.total;
        let t0 = performance.now();
        const r = await sampleRollout(
          policy,
          reference,
          task,
          prompts,
          config.batch,
          { temperature: config.temperature, maxTokens: T },
          samplingRng,
        );
        const rolloutMs = performance.now() - t0;
        const perSample = (counter.total - k0) / Math.max(...r.lengths);
        k0 = counter.total;
        t0 = performance.now();
        for (let m = 0; m < config.minibatches; m++) {
          const inputs = new Int32Array(rows * (P + T - 1));
          const targets = new Int32Array(rows * T);
          for (let j = 0; j < rows; j++) {
            const seq = [...r.prompts.subarray(j * P, (j + 1) * P), ...r.tokens.subarray(j * T, (j + 1) * T)];
            inputs.set(seq.slice(0, P + T - 1), j * (P + T - 1));
            targets.set(r.tokens.subarray(j * T, (j + 1) * T), j * T);
          }
          const norm = tf.tidy(() => {
            const x = tf.tensor2d(inputs, [rows, P + T - 1], 'int32');
            const y = tf.tensor1d(targets, 'int32');
            const { value, grads } = tf.variableGrads(() => {
              const out = policy.forward(x, P - 1);
              const logits = out.logits.reshape([rows * T, shape.vocabSize]) as tf.Tensor2D;
              // The value head joins the loss so that every weight gets a gradient, as in PPO.
              return pickColumns(logProbs(logits, config.temperature), y)
                .mean()
                .neg()
                .add(out.values!.square().mean()) as tf.Scalar;
            }, policy.trainable);
            adam.applyGradients(grads);
            return value;
          });
          await norm.data();
          norm.dispose();
        }
        const updateMs = performance.now() - t0;
        const perUpdate = (counter.total - k0) / config.minibatches;
        if (i > 0) runs.push({ rolloutMs, updateMs, perSample, perUpdate });
        process.stderr.write(
          `large ${backend} ${i + 1}/${n}: rollout ${rolloutMs.toFixed(0)} ms, ${config.minibatches} update steps ${updateMs.toFixed(0)} ms${i === 0 ? ' (warm-up)' : ''}\n`,
        );
      }
    } finally {
      counter.dispose();
      adam.dispose();
      policy.dispose();
      reference.dispose();
    }
    const result = {
      backend,
      model: 'large',
      parameters: params,
      weights: 'fresh (no SFT checkpoint), task vocabulary',
      kernels_per_sampling_step: round(median(runs.map((x) => x.perSample))),
      kernels_per_update_step: round(median(runs.map((x) => x.perUpdate))),
      rollout_ms: round(median(runs.map((x) => x.rolloutMs))),
      update_step_ms: round(median(runs.map((x) => x.updateMs / config.minibatches))),
      batch: config.batch,
      minibatch_rows: rows,
      iterations: runs.length,
    };
    process.stderr.write(`${JSON.stringify(result)}\n`);
    results.push(result);
  }
  process.stdout.write(`${JSON.stringify({ host: 'node', task: config.task, model: 'large', results })}\n`);
}
