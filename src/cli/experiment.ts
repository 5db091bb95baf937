/**
 * `npm run lab -- --experiment NAME [--run ID]`: runs an experiment of the gallery
 * (engine/experiments.ts) headless. Each of its runs in turn (or only `--run ID`), each
 * iteration one JSON line on stdout with a `run` key naming which; at the end the
 * experiment's own signal predicate is checked and its verdict printed on stderr.
 * `--experiment list` prints the gallery. Run parameters given as flags override every
 * run's config (e.g. `--backend cpu`, or `--seed 2` to see whether the signal holds).
 */
import { EXPERIMENTS, findExperiment, runConfig, type MetricRow } from '../engine/experiments';
import { editsAt } from '../engine/link';
import { checkConfig } from '../engine/params';
import { TASKS } from '../engine/tasks';
import { Trainer } from '../engine/trainer';
import { UsageError, type Cli } from './args';
import { initNodeBackend, loadCheckpointFromDisk } from './node-backend';

function listExperiments(): void {
  for (const e of EXPERIMENTS) {
    const runs = e.runs.map((r) => `${r.id} (${r.label})`).join('; ');
    process.stdout.write(`${e.name.padEnd(18)} ${e.question}\n${''.padEnd(19)}answers ${e.reports.join(', ')}; runs: ${runs}\n`);
  }
}

export async function runExperiment(cli: Cli): Promise<number> {
  if (cli.experiment === 'list') {
    listExperiments();
    return 0;
  }
  const e = findExperiment(cli.experiment ?? '');
  if (!e) throw new UsageError(`unknown experiment ${JSON.stringify(cli.experiment)} (--experiment list lists them)`);
  const runs = cli.run === null ? e.runs : e.runs.filter((r) => r.id === cli.run);
  if (!runs.length)
    throw new UsageError(
      `experiment ${e.name} has no run ${JSON.stringify(cli.run)}; its runs: ${e.runs.map((r) => r.id).join(', ')}`,
    );
  const iterations = cli.iterationsGiven ? cli.iterations : e.iterations;
  const configs = runs.map((r) => ({ ...runConfig(e, r), ...cli.given }));
  for (const c of configs) {
    const errors = checkConfig(c, TASKS[c.task].maxCompletion);
    if (errors.length) throw new UsageError(errors.join('; '));
  }
  const backend = await initNodeBackend(configs[0]!.backend);
  process.stderr.write(`experiment ${e.name}: ${e.question}\nbackend ${backend}, ${iterations} iterations per run\n`);
  const metrics: Record<string, MetricRow[]> = {};
  for (const [i, run] of runs.entries()) {
    process.stderr.write(`run ${run.id}: ${run.label}\n`);
    const trainer = await Trainer.create(configs[i]!, loadCheckpointFromDisk);
    metrics[run.id] = [];
    try {
      for (let k = 0; k < iterations; k++) {
        const edits = editsAt(run.timeline ?? [], trainer.iteration + 1);
        if (edits) trainer.setParams(edits);
        const m = await trainer.step();
        metrics[run.id]!.push(m);
        process.stdout.write(JSON.stringify({ run: run.id, ...m }) + '\n');
      }
    } finally {
      trainer.dispose();
    }
  }
  if (runs.length === e.runs.length) {
    const verdict = e.signal.check(metrics);
    process.stderr.write(`signal ${verdict.ok ? 'seen' : 'NOT seen'}: ${e.signal.text}\nmeasured: ${verdict.measured}\n`);
  } else {
    process.stderr.write('signal not checked: it compares all the runs of the experiment\n');
  }
  return 0;
}
