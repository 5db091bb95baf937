/**
 * Builds the app (production, minified: what students get) into a temporary folder and
 * serves it with `vite preview` on a free port for the browser tests. Chromium itself is
 * checked by each test (a missing browser fails every test with a clear message).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildApp, serveBuild } from '../../src/cli/serve-build';

declare module 'vitest' {
  export interface ProvidedContext {
    labUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(join(tmpdir(), 'ppo-lab-e2e-'));
  await buildApp(outDir);
  const served = await serveBuild(outDir);
  project.provide('labUrl', served.url);
  return async () => {
    await served.close();
    await rm(outDir, { recursive: true, force: true });
  };
}
