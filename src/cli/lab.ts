/**
 * `npm run lab -- --iterations 50 --seed 1 --algo ppo --eps 0.2 --beta 0.05`
 *
 * Trains headless and prints one JSON object per iteration on stdout (JSON lines, the
 * engine's metrics) and a short progress line per iteration on stderr. Every run
 * parameter is a kebab-case flag generated from the engine's parameter list; `--help`
 * lists them. `--tokens FILE` also writes one JSON line per completion token per update
 * epoch, so a run can be taken apart in a notebook.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseCli, helpText, UsageError } from './args';
import { initNodeBackend, loadCheckpointFromDisk } from './node-backend';
import { Trainer, type MinibatchReport } from '../engine/trainer';
import { CASE_NAMES } from '../engine/cases';
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

/** One JSON line per completion token of a minibatch pass. */
function writeTokens(out: WriteStream, r: MinibatchReport, vocab: readonly string[]): void {
  const lines: string[] = [];
  r.rows.forEach((seq, j) => {
    for (let t = 0; t < r.lengths[j]!; t++) {
      const k = j * r.width + t;
      const ratio = r.ratio[k]!;
      lines.push(
        JSON.stringify({
          iteration: r.iteration,
          epoch: r.epoch,
          minibatch: r.minibatch,
          sequence: seq,
          position: t,
          token: vocab[r.tokens[k]!],
          lp_old: r.lpOld[k],
          lp_new: r.lpNew[k],
          lp_ref: r.lpRef[k],
          advantage: r.advantages[k],
          ratio,
          case: CASE_NAMES[r.cases[k]!],
          gradient: r.flows[k] === 1,
        }),
      );
    }
  });
  out.write(lines.join('\n') + '\n');
}

async function main(argv: string[]): Promise<number> {
  const cli = parseCli(argv);
  if (cli.help) {
    process.stdout.write(helpText());
    return 0;
  }
  const backend = await initNodeBackend(cli.config.backend);
  const tokenFile = cli.tokens ? createWriteStream(cli.tokens) : null;
  const trainer = await Trainer.create(cli.config, loadCheckpointFromDisk, {
    onMinibatch: tokenFile ? (r) => writeTokens(tokenFile, r, trainer.task.vocab) : undefined,
  });
  process.stderr.write(`backend ${backend}, task ${cli.config.task}, algo ${cli.config.algo}, seed ${cli.config.seed}\n`);
  try {
    for (let i = 0; i < cli.iterations; i++) {
      const edits = editsAt(cli.timeline, trainer.iteration + 1);
      if (edits) trainer.setParams(edits);
      const m = await trainer.step();
      process.stdout.write(JSON.stringify(m) + '\n');
      process.stderr.write(progressLine(m, cli.iterations));
    }
  } finally {
    trainer.dispose();
    if (tokenFile) {
      tokenFile.end();
      await once(tokenFile, 'finish');
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
