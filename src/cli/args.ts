/**
 * Command-line flags, generated from the engine's parameter list: every parameter is a
 * kebab-case flag with the same range checks as a slider or a lab link.
 */
import { decodeLink, type Timeline } from '../engine/link';
import {
  checkConfig,
  defaultConfig,
  describeRange,
  flagOf,
  isDecimal,
  keyOfFlag,
  parseParam,
  PARAMS,
  PARAM_KEYS,
  quote,
  type Config,
  type ParamKey,
} from '../engine/params';
import { TASKS, type TaskName } from '../engine/tasks';

/** A bad command line: reported as one line on stderr, exit code 2. */
export class UsageError extends Error {}

export interface Cli {
  config: Config;
  iterations: number;
  tokens: string | null;
  csv: string | null;
  /** Live edits replayed from a lab link (--link). */
  timeline: Timeline;
  help: boolean;
  /** --experiment NAME (or "list") and --run ID: run an experiment of the gallery (engine/experiments.ts). */
  experiment: string | null;
  run: string | null;
  /** The run parameters given as flags, and whether --iterations was: with --experiment they override its runs. */
  given: Partial<Config>;
  iterationsGiven: boolean;
}

const MAX_ITERATIONS = 1_000_000;

/** Flags of the CLI itself, beside the run parameters. */
const CLI_FLAGS = {
  iterations: `number of iterations to run, an integer in [1, ${MAX_ITERATIONS}] (default 50)`,
  tokens: 'FILE: also write one JSON line per completion token per update epoch',
  csv: 'FILE: also write the metrics as CSV, one row per iteration',
  link: 'QUERY: replay a lab link (its config and live edits); later flags override its config',
  experiment: 'NAME: run an experiment of the gallery (each of its runs; JSON lines carry a "run" key); "list" lists them',
  run: 'ID: with --experiment, only this one of its runs',
  help: 'print this help',
};

export function parseCli(argv: string[]): Cli {
  const cli: Cli = {
    config: defaultConfig(),
    iterations: 50,
    tokens: null,
    csv: null,
    timeline: [],
    help: false,
    experiment: null,
    run: null,
    given: {},
    iterationsGiven: false,
  };
  // Flags given explicitly; the rest come from the defaults of the chosen task (or of the link).
  const given: Partial<Record<ParamKey, unknown>> = {};
  let base: Config | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${quote(arg)} (flags start with --; see --help)`);
    const eq = arg.indexOf('=');
    const flag = arg.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const key = keyOfFlag(flag);
    const isBoolean = flag === 'help' || (key !== undefined && PARAMS[key].kind === 'boolean');
    // Booleans may stand alone (--adaptive-beta) or take a value (--adaptive-beta false).
    const next = argv[i + 1];
    const takesNext = inline === undefined && (!isBoolean || next === 'true' || next === 'false');
    if (takesNext && !isBoolean && (next === undefined || next.startsWith('--'))) throw new UsageError(`--${flag} needs a value`);
    const value = inline ?? (takesNext ? argv[++i]! : 'true');
    if (flag === 'help') cli.help = true;
    else if (flag === 'tokens') cli.tokens = value;
    else if (flag === 'experiment') cli.experiment = value;
    else if (flag === 'run') cli.run = value;
    else if (flag === 'csv') cli.csv = value;
    else if (flag === 'link') {
      const link = decodeLink(value.includes('?') ? value.slice(value.indexOf('?')) : value);
      if (link.errors.length) throw new UsageError(`--link: ${link.errors.join('; ')}`);
      base = link.config;
      cli.timeline = link.timeline;
    } else if (flag === 'iterations') {
      // Plain decimal digits only, as for every numeric flag (Number() would read 0x10 or 1e3).
      const n = isDecimal(value, true) ? Number(value) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > MAX_ITERATIONS)
        throw new UsageError(`--iterations must be an integer in [1, ${MAX_ITERATIONS}]; got ${quote(value)}`);
      cli.iterations = n;
      cli.iterationsGiven = true;
    } else if (key) {
      const p = parseParam(key, value);
      if (!p.ok) throw new UsageError(`--${p.error}`);
      given[key] = p.value;
    } else {
      throw new UsageError(`unknown flag --${flag.length > 40 ? `${flag.slice(0, 40)}…` : flag} (see --help)`);
    }
  }
  cli.given = given as Partial<Config>;
  const task = (given.task ?? base?.task ?? PARAMS.task.default) as TaskName;
  cli.config = { ...(base && base.task === task ? base : defaultConfig(task)), ...(given as Partial<Config>) };
  const errors = checkConfig(cli.config, TASKS[task].maxCompletion);
  if (errors.length) throw new UsageError(errors.join('; '));
  return cli;
}

export function helpText(): string {
  const d = defaultConfig();
  const lines = [
    'Usage: npm run lab -- [flags]',
    '',
    'Trains headless; prints one JSON object per iteration on stdout, progress on stderr.',
    '',
  ];
  lines.push('Run:');
  for (const [flag, doc] of Object.entries(CLI_FLAGS)) lines.push(`  --${flag.padEnd(16)} ${doc}`);
  for (const live of [false, true]) {
    lines.push(
      '',
      live ? 'Live parameters (the lab can change them while training):' : 'Structural parameters (need a reset in the lab):',
    );
    for (const key of PARAM_KEYS.filter((k) => PARAMS[k].live === live)) {
      lines.push(`  --${flagOf(key).padEnd(16)} ${PARAMS[key].doc}`);
      lines.push(`  ${''.padEnd(18)} ${describeRange(key)}; default ${d[key]}`);
    }
  }
  lines.push(
    '',
    'Backends: this CLI trains on wasm or cpu (auto: wasm, else cpu). webgl and webgpu run in the browser lab;',
    "webgpu runs here only with Dawn's Node bindings installed (npm install --no-save webgpu@0.6.2).",
    'Numbers are written as plain decimals (0.25, 12): no exponents, hexadecimal or signs.',
  );
  return lines.join('\n') + '\n';
}
