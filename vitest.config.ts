import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each test file gets its own process: tfjs keeps one global engine and backend per process.
    pool: 'forks',
    // The summary reporter must stay last: CI reads its closing line.
    reporters: ['default', './tests/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'tests/e2e/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Browser tests: headless Chromium against the production build, served by the global
        // setup. One file at a time (2 cores; a WebGPU step over SwiftShader is CPU-bound), after
        // the unit tests, with timeouts sized for the ~30 s first WebGPU step.
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
