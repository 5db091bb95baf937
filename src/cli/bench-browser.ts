/**
 * `npx tsx src/cli/bench-browser.ts` (or `npm run bench -- --browser`): speed of the lab as a
 * student gets it. Serves the production build, opens it in headless Chromium once per
 * backend, trains the default config in the worker, and reports per backend the median kernels
 * dispatched per iteration (counted in the worker, as `npm run bench` counts them), the median ms
 * per iteration (rollout, update), tokens/s, the first iteration (shader compilation) and the
 * main thread's long tasks (> 50 ms, PerformanceObserver 'longtask') while training, FLOPs per
 * iteration and GFLOP/s, and, on wasm (the performance target's backend), the seconds from
 * pressing Start until the mean reward reaches the task's "solved" threshold.
 * The last line on stdout is one JSON object with those figures; progress goes to stderr.
 *
 * Flags: --backends wasm,webgl,cpu (default; add webgpu, or pass --webgpu: over SwiftShader
 * it takes minutes), --iterations N (default 5; cpu runs at most 3), --warmup N (default 1),
 * --dist DIR (serve this build as is), --rebuild (build even if dist/ is up to date), --solve-on
 * BACKENDS (default wasm; "none" to skip), and any
 * run parameter (--task, --batch, …) as the CLI takes it.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCli } from './args';
import { launchChromium } from './chromium';
import { buildApp, ROOT, serveBuild } from './serve-build';
import { iterationFlops } from '../engine/flops';
import { encodeLink } from '../engine/link';
import { TASKS } from '../engine/tasks';
import type { Config } from '../engine/params';
import type { Metrics } from '../engine/metrics';
import type { BackendName } from '../worker/protocol';
import { median, round } from './bench-stats';

declare global {
  interface Window {
    /** Long tasks of the page's main thread, recorded by the bench from document start. */
    __benchLongTasks?: { start: number; duration: number }[];
    /** When each iteration's metrics reached the page, its mean reward and the kernels the worker dispatched. */
    __benchIterations?: { at: number; reward: number; kernels: number; programs: number; copies: number }[];
  }
}

function takeFlag(argv: string[], name: string, hasValue = true): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const [, value] = argv.splice(i, hasValue ? 2 : 1);
  return hasValue ? value : 'true';
}

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

/** dist/ is reused when it is newer than everything it is built from. */
function distIsFresh(dist: string): boolean {
  try {
    const built = statSync(join(dist, 'index.html')).mtimeMs;
    const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => newestMtime(join(ROOT, p)));
    return built > Math.max(...sources);
  } catch {
    return false;
  }
}

export interface BrowserBenchResult {
  backend: BackendName;
  description: string;
  /** Median kernels the worker dispatched per iteration (the same count as `npm run bench`'s). */
  kernels_per_iteration: number;
  /** Median GPU programs those kernels ran per iteration (WebGL and WebGPU only: a kernel may run several). */
  gpu_programs_per_iteration?: number;
  /** Median buffer copies that stood in for programs per iteration (WebGPU only: gpu-kernels/webgpu-copies.ts). */
  gpu_buffer_copies_per_iteration?: number;
  first_iteration_ms: number;
  rollout_ms: number;
  update_ms: number;
  iteration_ms: number;
  tokens_per_s: number;
  iterations: number;
  long_tasks: { count: number; total_ms: number; max_ms: number; per_minute: number };
  /** Messages of sampled tokens the page received per second while training. */
  token_batches_per_s: number;
  mflop_per_iteration: number;
  gflop_per_s: number;
  /**
   * Seconds from Start until an iteration's mean reward first reaches the task's solved
   * threshold, and until the mean over the last 5 iterations does (null: not measured, or not
   * within the time allowed).
   */
  solved_s: number | null;
  solved_avg5_s: number | null;
  solved_at_iteration: number | null;
}

/** Longest the bench waits for the task to be solved (the target is 60 s). */
const SOLVE_LIMIT_MS = 120_000;

async function benchBackend(
  url: string,
  config: Config,
  backend: BackendName,
  warmup: number,
  iterations: number,
  solve: boolean,
): Promise<BrowserBenchResult> {
  const chromium = await launchChromium({ webgpu: backend === 'webgpu' });
  try {
    const page = chromium.context.pages()[0] ?? (await chromium.context.newPage());
    await page.addInitScript(() => {
      window.__benchLongTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__benchLongTasks!.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`${url}/?${encodeLink({ ...config, backend })}`);
    await page.waitForFunction(() => window.ppoLab?.backend() != null || (window.ppoLab?.errors().length ?? 0) > 0, null, {
      timeout: 120_000,
    });
    const info = await page.evaluate(() => window.ppoLab!.backend());
    if (!info)
      throw new Error(`${backend}: the lab did not start: ${JSON.stringify(await page.evaluate(() => window.ppoLab!.errors()))}`);
    if (info.name !== backend)
      throw new Error(`${backend} was requested but the lab runs ${info.name}: ${JSON.stringify(info.skipped)}`);
    const total = warmup + iterations;
    const t0 = await page.evaluate(() => {
      const w = window as Window & { __benchTokenBatches?: number };
      w.__benchTokenBatches = 0;
      window.__benchIterations = [];
      window.ppoLab!.subscribe((e) => {
        if (e.type === 'rollout-token') w.__benchTokenBatches!++;
        if (e.type === 'iteration')
          window.__benchIterations!.push({
            at: performance.now(),
            reward: e.metrics['reward/mean'],
            kernels: e.kernels,
            programs: e.programs,
            copies: e.copies,
          });
      });
      window.ppoLab!.send({ type: 'start' });
      return performance.now();
    });
    let seen = 0;
    while (seen < total) {
      await page.waitForFunction((n) => window.ppoLab!.iterations().length > n || window.ppoLab!.lastError() !== null, seen, {
        timeout: 600_000,
        polling: 250,
      });
      const err = await page.evaluate(() => window.ppoLab!.lastError());
      if (err) throw new Error(`${backend}: ${err.kind}: ${err.message}`);
      seen = await page.evaluate(() => window.ppoLab!.iterations().length);
      process.stderr.write(`${backend}: iteration ${Math.min(seen, total)}/${total}\n`);
    }
    const { metrics, t1, longTasks, tokenBatches, kernels, programs, copies } = await page.evaluate(() => ({
      metrics: window.ppoLab!.iterations(),
      kernels: (window.__benchIterations ?? []).map((i) => i.kernels),
      programs: (window.__benchIterations ?? []).map((i) => i.programs),
      copies: (window.__benchIterations ?? []).map((i) => i.copies),
      t1: performance.now(),
      longTasks: window.__benchLongTasks ?? [],
      tokenBatches: (window as Window & { __benchTokenBatches?: number }).__benchTokenBatches ?? 0,
    }));
    const solved = solve ? await waitUntilSolved(page, t0, TASKS[config.task].solvedThreshold) : null;
    await page.evaluate(() => window.ppoLab!.send({ type: 'pause' }));
    const runs: Metrics[] = metrics.slice(warmup, total);
    const flops = runs.map((m) => iterationFlops(config, m['completions/max_length'], m.epochs_run).total);
    const during = longTasks.filter((t) => t.start >= t0 && t.start <= t1);
    const minutes = (t1 - t0) / 60_000;
    return {
      backend,
      description: info.description,
      kernels_per_iteration: median(kernels.slice(warmup, total)),
      ...(backend === 'webgl' || backend === 'webgpu'
        ? { gpu_programs_per_iteration: median(programs.slice(warmup, total)) }
        : {}),
      ...(backend === 'webgpu' ? { gpu_buffer_copies_per_iteration: median(copies.slice(warmup, total)) } : {}),
      first_iteration_ms: round(metrics[0]!['time/iteration_ms']),
      rollout_ms: round(median(runs.map((m) => m['time/rollout_ms']))),
      update_ms: round(median(runs.map((m) => m['time/update_ms']))),
      iteration_ms: round(median(runs.map((m) => m['time/iteration_ms']))),
      tokens_per_s: round(median(runs.map((m) => m['time/tokens_per_s']))),
      iterations: runs.length,
      long_tasks: {
        count: during.length,
        total_ms: round(during.reduce((s, t) => s + t.duration, 0)),
        max_ms: round(Math.max(0, ...during.map((t) => t.duration))),
        per_minute: round(during.length / minutes, 2),
      },
      token_batches_per_s: round(tokenBatches / ((t1 - t0) / 1000), 1),
      mflop_per_iteration: round(median(flops) / 1e6),
      gflop_per_s: round(median(runs.map((m, i) => flops[i]! / m['time/iteration_ms'] / 1e6)), 2),
      solved_s: solved?.first ?? null,
      solved_avg5_s: solved?.avg5 ?? null,
      solved_at_iteration: solved?.iteration ?? null,
    };
  } finally {
    await chromium.close();
  }
}

/** Keeps training until the mean reward reaches `threshold` (or the limit); seconds since Start. */
async function waitUntilSolved(page: import('playwright-core').Page, t0: number, threshold: number) {
  const found = await page
    .waitForFunction(
      ({ t0, threshold, limit }) => {
        const its = window.__benchIterations ?? [];
        const first = its.findIndex((i) => i.reward >= threshold);
        const avg5 = its.findIndex(
          (_, k) => k >= 4 && its.slice(k - 4, k + 1).reduce((s, i) => s + i.reward, 0) / 5 >= threshold,
        );
        const timedOut = performance.now() - t0 > limit;
        if (avg5 < 0 && !timedOut) return null;
        // No named helper functions in here: tsx's esbuild would wrap them in a __name() the page lacks.
        return {
          first: first < 0 ? null : +((its[first]!.at - t0) / 1000).toFixed(1),
          avg5: avg5 < 0 ? null : +((its[avg5]!.at - t0) / 1000).toFixed(1),
          iteration: first < 0 ? null : first + 1,
        };
      },
      { t0, threshold, limit: SOLVE_LIMIT_MS },
      { timeout: SOLVE_LIMIT_MS + 30_000, polling: 250 },
    )
    .then((h) => h.jsonValue());
  process.stderr.write(`solved: ${JSON.stringify(found)}\n`);
  return found;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const iterations = Number(takeFlag(argv, 'iterations') ?? 5);
  const warmup = Number(takeFlag(argv, 'warmup') ?? 1);
  const withWebgpu = takeFlag(argv, 'webgpu', false) !== undefined;
  const backends = (takeFlag(argv, 'backends') ?? 'wasm,webgl,cpu').split(',') as BackendName[];
  if (withWebgpu && !backends.includes('webgpu')) backends.push('webgpu');
  const distFlag = takeFlag(argv, 'dist');
  const rebuild = takeFlag(argv, 'rebuild', false) !== undefined;
  const solveOn = (takeFlag(argv, 'solve-on') ?? 'wasm').split(',');
  const { config } = parseCli(argv);
  const dist = distFlag ?? join(ROOT, 'dist');
  if (!distFlag && (rebuild || !distIsFresh(dist))) {
    process.stderr.write('building the app into dist/…\n');
    await buildApp(dist);
  }
  const served = await serveBuild(dist);
  const results: BrowserBenchResult[] = [];
  try {
    for (const backend of backends) {
      // cpu is ~10× slower than wasm: fewer iterations keep the bench within minutes.
      const n = backend === 'cpu' || backend === 'webgpu' ? Math.min(iterations, 3) : iterations;
      const r = await benchBackend(served.url, config, backend, warmup, n, solveOn.includes(backend));
      process.stderr.write(`${JSON.stringify(r)}\n`);
      results.push(r);
    }
  } finally {
    await served.close();
  }
  process.stdout.write(
    `${JSON.stringify({ host: 'browser', task: config.task, algo: config.algo, model: config.model, batch: config.batch, results })}\n`,
  );
}

await main().catch((e: unknown) => {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
