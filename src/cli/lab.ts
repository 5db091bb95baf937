/**
 * `npm run lab -- --iterations 50 --seed 1 --algo ppo --eps 0.2 --beta 0.05`
 *
 * Trains headless and prints one JSON object per iteration on stdout (JSON lines, the
 * engine's metrics) and a short progress line per iteration on stderr. Every run
 * parameter is a kebab-case flag generated from the engine's parameter list; `--help`
 * lists them. `--tokens FILE` also writes one JSON line per completion token per update
 * epoch, so a run can be taken apart in a notebook; `--csv FILE` the metrics as CSV. Every
 * line is written by engine/export.ts, as the page's exports are. `--experiment NAME` runs an
 * experiment of the gallery instead (experiment.ts).
 */
import { createWriteStream, existsSync, openSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { parseCli, helpText, UsageError } from './args';
import { runExperiment } from './experiment';
import { initNodeBackend, loadCheckpointFromDisk } from './node-backend';
import { Trainer } from '../engine/trainer';
import { csvHeader, csvRow, metricsLine, tokenLines } from '../engine/export';
import { editsAt } from '../engine/link';
import type { Metrics } from '../engine/metrics';

function progressLine(m: Metrics, total: number): string {
  const f = (x: number | null, d = 3) => (x === null ? '-' : x.toFixed(d));
  return (
    `iter ${m.iter}/${total}  reward ${f(m['reward/mean'])}±${f(m['reward/std'], 2)}  ` +
    `kl/ref ${f(m['kl/ref'], 4)}  approxkl ${f(m['policy/approxkl'], 5)}  clipfrac ${f(m['policy/clipfrac'])}  ` +
    `beta ${f(m.beta, 4)}  ${m['time/iteration_ms'].toFixed(0)} ms\n`
  );
}

/** Opens FILE for --tokens or --csv now, or fails with one line naming the flag, the path and the reason. */
function openOutput(flag: string, path: string): WriteStream {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT'
        ? existsSync(dirname(path))
          ? 'it cannot be created there'
          : `the directory ${dirname(path)} does not exist`
        : err.code === 'EISDIR'
          ? 'it is a directory'
          : err.code === 'EACCES' || err.code === 'EPERM'
            ? 'permission denied'
            : err.message;
    throw new UsageError(`--${flag} ${path}: cannot write this file (${why})`);
  }
  const out = createWriteStream('', { fd });
  // A write that fails later (a full disk) ends the run with one line, not a stack trace.
  out.on('error', (e) => {
    process.stderr.write(`error: --${flag} ${path}: ${e.message}\n`);
    process.exit(1);
  });
  return out;
}

async function main(argv: string[]): Promise<number> {
  const cli = parseCli(argv);
  if (cli.help) {
    process.stdout.write(helpText());
    return 0;
  }
  if (cli.experiment !== null) return runExperiment(cli);
  // Output files are opened before anything trains, so a path that cannot be written is a usage error.
  const tokenFile = cli.tokens ? openOutput('tokens', cli.tokens) : null;
  const csvFile = cli.csv ? openOutput('csv', cli.csv) : null;
  let backend: string;
  try {
    backend = await initNodeBackend(cli.config.backend);
  } catch (e) {
    // A browser-only backend asked for in Node is a bad argument, not a failure of the run.
    if (cli.config.backend === 'webgl' || cli.config.backend === 'webgpu') throw new UsageError((e as Error).message);
    throw e;
  }
  const trainer = await Trainer.create(cli.config, loadCheckpointFromDisk, {
    onMinibatch: tokenFile ? (r) => tokenFile.write(tokenLines(r, trainer.task.vocab)) : undefined,
  });
  let csvKeys: string[] | null = null;
  process.stderr.write(`backend ${backend}, task ${cli.config.task}, algo ${cli.config.algo}, seed ${cli.config.seed}\n`);
  try {
    for (let i = 0; i < cli.iterations; i++) {
      const edits = editsAt(cli.timeline, trainer.iteration + 1);
      if (edits) trainer.setParams(edits);
      const m = await trainer.step();
      process.stdout.write(metricsLine(m) + '\n');
      if (csvFile) {
        if (!csvKeys) csvFile.write(csvHeader((csvKeys = Object.keys(m))));
        csvFile.write(csvRow(m, csvKeys));
      }
      process.stderr.write(progressLine(m, cli.iterations));
    }
  } finally {
    trainer.dispose();
    for (const file of [tokenFile, csvFile]) {
      if (!file) continue;
      file.end();
      await once(file, 'finish');
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    // One line, no stack trace: usage errors exit 2, anything else 1.
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
