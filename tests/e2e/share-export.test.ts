/**
 * The page's exports are the CLI's files: the same link on the same backend gives byte-identical
 * metrics lines, CSV and token lines, the `time/` keys aside, on cpu and on wasm (threaded in an
 * isolated page, single-threaded in one that is not). Charts come out as standalone SVG and PNG;
 * the config as JSON and as the link.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { decodeLink } from '../../src/engine/link';
import { linkFor, openLab, TINY, waitForBackend, waitForIterations } from './harness';

const LINK = linkFor({ ...TINY, backend: 'cpu', seed: 5 }) + '&edit=2:eps=0.12';
const ITERATIONS = 3;

/** Clicks a button that downloads a file and returns the file's bytes. */
async function saved(page: Page, testId: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return readFileSync(await file.path());
}

/** Removes the `time/` keys from JSON lines, touching nothing else. */
const withoutTime = (s: string) => s.replace(/,"time\/[a-z_]+":[-+0-9.e]+/g, '');

/** CSV cells, quotes understood; then the `time/` columns dropped. */
function csvWithoutTime(text: string): string[][] {
  const rows = text
    .trimEnd()
    .split('\n')
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1]!).slice(0, -1));
  const keep = rows[0]!.map((h, i) => (h.startsWith('time/') ? -1 : i)).filter((i) => i >= 0);
  return rows.map((r) => keep.map((i) => r[i]!));
}

/** Steps the page ITERATIONS times, then opens the share menu once its exports are ready. */
async function stepAndOpenExports(page: Page): Promise<void> {
  for (let i = 1; i <= ITERATIONS; i++) {
    await page.getByTestId('step').click();
    await waitForIterations(page, i);
  }
  await page.getByTestId('share-menu').click();
  await expect.poll(() => page.getByTestId('export-metrics-jsonl').isEnabled()).toBe(true);
}

/** Runs the CLI on `link` for ITERATIONS iterations, writing token lines (and CSV) to a fresh folder. */
function runCli(link: string, csv: boolean): { stdout: string; tokens: string; csv: string | null } {
  const dir = mkdtempSync(join(tmpdir(), 'ppo-lab-export-'));
  const args = ['--link', link, '--iterations', String(ITERATIONS), '--tokens', join(dir, 't.jsonl')];
  if (csv) args.push('--csv', join(dir, 'm.csv'));
  const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', ...args], { encoding: 'utf8', timeout: 180_000 });
  expect(cli.status, cli.stderr).toBe(0);
  return {
    stdout: cli.stdout,
    tokens: readFileSync(join(dir, 't.jsonl'), 'utf8'),
    csv: csv ? readFileSync(join(dir, 'm.csv'), 'utf8') : null,
  };
}

describe('exports', () => {
  it('metrics, CSV and token lines are byte-identical to the CLI for the same link; charts, config and link export', async () => {
    const lab = await openLab(LINK);
    const { page } = lab;
    try {
      await waitForBackend(page);
      await stepAndOpenExports(page);
      const jsonl = (await saved(page, 'export-metrics-jsonl')).toString('utf8');
      const csv = (await saved(page, 'export-metrics-csv')).toString('utf8');
      const tokens = (await saved(page, 'export-tokens')).toString('utf8');
      const config = JSON.parse((await saved(page, 'export-config')).toString('utf8'));
      const link = (await saved(page, 'export-link')).toString('utf8').trim();

      const cli = runCli(LINK, true);
      expect(jsonl.split('\n')).toHaveLength(ITERATIONS + 1);
      expect(withoutTime(jsonl)).toBe(withoutTime(cli.stdout));
      expect(JSON.parse(jsonl.split('\n')[1]!).eps).toBe(0.12);
      expect(csvWithoutTime(csv)).toEqual(csvWithoutTime(cli.csv!));
      expect(tokens.length).toBeGreaterThan(1000);
      expect(tokens).toBe(cli.tokens);

      expect(config).toEqual(await page.evaluate(() => window.ppoLab!.config()));
      const decoded = decodeLink(new URL(link).search);
      expect(decoded.errors).toEqual([]);
      expect(decoded.timeline).toEqual([{ iteration: 2, params: { eps: 0.12 } }]);

      await page.getByTestId('export-list-charts').click();
      const row = page.getByTestId('export-chart-reward-chart');
      const [svgFile] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'SVG' }).click()]);
      const svg = readFileSync(await svgFile.path(), 'utf8');
      expect(svg).toMatch(/^<\?xml[^>]*>\n<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(svg).toContain('<path');
      const [pngFile] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'PNG' }).click()]);
      const png = readFileSync(await pngFile.path());
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(png.length).toBeGreaterThan(2000);
      expect(lab.consoleErrors).toEqual([]);
    } finally {
      await lab.close();
    }
  });

  it.each([
    ['threaded, in a cross-origin isolated page', false, /multithreaded build.*with the lab's SIMD kernels/],
    ['single-threaded, in a page served without COOP/COEP', true, /single-threaded.*with the lab's SIMD kernels/],
  ] as const)(
    "on wasm %s, with the lab's SIMD kernels, a link's metrics and tokens are the CLI's, byte for byte",
    async (_, plain, build) => {
      const link = linkFor({ ...TINY, backend: 'wasm', seed: 7 });
      const lab = await openLab(link, { plain });
      const { page } = lab;
      try {
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(!plain);
        const info = await waitForBackend(page);
        expect(info.description).toMatch(build);
        await stepAndOpenExports(page);
        const jsonl = (await saved(page, 'export-metrics-jsonl')).toString('utf8');
        const tokens = (await saved(page, 'export-tokens')).toString('utf8');
        const cli = runCli(link, false);
        expect(withoutTime(jsonl)).toBe(withoutTime(cli.stdout));
        expect(tokens).toBe(cli.tokens);
      } finally {
        await lab.close();
      }
    },
  );
});
