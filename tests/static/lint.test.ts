/**
 * The static checks, as tests: ESLint, Prettier and the type checker over src and tests.
 * They run inside `npm test` (so in CI too) and count in its closing `N passed, N failed`
 * line; a failure shows the tool's own report. The commands are package.json's scripts,
 * so `npm run lint` and `npm run typecheck` give a developer the same verdict by hand.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs a command at the repository root; resolves with its exit code and its whole output. */
function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: process.cwd(), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

// Each tool takes some 10 s alone and several times that beside the other test files.
const TIMEOUT_MS = 300_000;

describe('static checks', () => {
  it('ESLint finds no problems', { timeout: TIMEOUT_MS }, async () => {
    const { code, output } = await run('npx', ['--no-install', 'eslint', '.']);
    expect(code, `npx eslint . failed:\n${output}`).toBe(0);
  });

  it('the code is formatted with Prettier', { timeout: TIMEOUT_MS }, async () => {
    const { code, output } = await run('npm', ['run', '--silent', 'format:check']);
    expect(code, `npm run format:check failed (npm run format fixes it):\n${output}`).toBe(0);
  });

  it('tsc --noEmit finds no type errors in src and tests', { timeout: TIMEOUT_MS }, async () => {
    const { code, output } = await run('npm', ['run', '--silent', 'typecheck']);
    expect(code, `tsc --noEmit failed:\n${output}`).toBe(0);
  });
});

describe('the tree', () => {
  it('holds no merge-conflict markers (Prettier skips Markdown, where one once slipped through)', async () => {
    // Built from parts so that this file does not match itself.
    const marker = ['<'.repeat(7), '='.repeat(7), '>'.repeat(7)].map((m) => `^${m}( |$)`).join('|');
    const { code, output } = await run('git', ['grep', '-nE', marker, '--', '.', ':!package-lock.json']);
    // git grep exits 1 when nothing matches.
    expect(output, 'conflict markers left by a merge').toBe('');
    expect(code).toBe(1);
  });
});
