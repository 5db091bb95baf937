/**
 * The CLI's bad arguments (issue 14, items 6, 10 and 11): each is one line naming the
 * argument and the reason, exit code 2, and nothing trains.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helpText, parseCli, UsageError } from '../../src/cli/args';

function lab(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One line on stderr, exit 2, no iteration printed (so none ran). */
function expectUsageError(r: ReturnType<typeof lab>, message: RegExp): void {
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
}

describe('CLI faults', () => {
  it('numbers are plain decimals: hexadecimal, binary, octal, exponents and signs are refused, naming the rule', () => {
    for (const args of [
      ['--seed', '0x10'],
      ['--epochs', '0b11'],
      ['--minibatches', '0o2'],
      ['--kl-horizon', '1e3'],
      ['--gamma', '-0'],
      ['--seed', ' 5'],
      ['--seed', '007'],
      ['--iterations', '0x10'],
    ]) {
      expect(() => parseCli(args), args.join(' ')).toThrow(UsageError);
    }
    expect(() => parseCli(['--seed', '0x10'])).toThrow(/--seed must be an integer .*plain decimal digits.*got "0x10"/);
    expect(parseCli(['--seed', '16', '--gamma', '0.5', '--lr', '0.00005']).config).toMatchObject({
      seed: 16,
      gamma: 0.5,
      lr: 0.00005,
    });
  });

  it('--tokens to a path that cannot be written: one line naming the path and the reason, exit 2, before training', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ppo-lab-tokens-'));
    for (const [path, reason] of [
      [join(dir, 'missing', 'tokens.jsonl'), /directory .*missing does not exist/],
      [dir, /it is a directory/],
      ['/proc/ppo-lab-tokens.jsonl', /cannot be created there|permission denied/],
    ] as const) {
      const r = lab('--iterations', '1', '--tokens', path);
      expectUsageError(
        r,
        new RegExp(`^error: --tokens ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot write this file \\(`),
      );
      expect(r.stderr).toMatch(reason);
    }
  });

  it('--backend webgpu or webgl in Node is a usage error (exit 2) with the reason, and --help says where each runs', () => {
    // Dawn's bindings are not a dependency (node-backend.ts). Without them, as in CI, the message says
    // how to get them; where they are installed but find no GPU, Dawn prints its own warnings first.
    const webgpu = lab('--backend', 'webgpu');
    expect(webgpu.code).toBe(2);
    expect(webgpu.stdout).toBe('');
    expect(webgpu.stderr.trim().split('\n').at(-1)).toMatch(
      /^error: backend webgpu( needs navigator\.gpu.*npm install --no-save webgpu@|: Dawn found no GPU adapter).*use wasm or cpu$/,
    );
    expectUsageError(lab('--backend', 'webgl'), /^error: backend webgl is only available in a browser/);
    expect(helpText()).toMatch(/this CLI trains on wasm or cpu.*webgl and webgpu run in the browser/s);
  });
});
