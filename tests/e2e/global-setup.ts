/**
 * Builds the app (production, minified: what students get) into a temporary folder and
 * serves it with `vite preview` on a free port for the browser tests. Chromium itself is
 * checked by each test (a missing browser fails every test with a clear message).
 * The same files are also served plainly, without the COOP/COEP headers, as a host that
 * was not told about them would (`plainUrl`): the page is then not cross-origin isolated.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildApp, serveBuild } from '../../src/cli/serve-build';

declare module 'vitest' {
  export interface ProvidedContext {
    labUrl: string;
    plainUrl: string;
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/** A static server over `dir` with no special headers; resolves to its URL and a close function. */
function servePlain(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dir)) return void res.writeHead(404).end();
    readFile(file).then(
      (body) => res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) });
    }),
  );
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(join(tmpdir(), 'ppo-lab-e2e-'));
  await buildApp(outDir);
  const served = await serveBuild(outDir);
  project.provide('labUrl', served.url);
  const plain = await servePlain(outDir);
  project.provide('plainUrl', plain.url);
  return async () => {
    await served.close();
    await plain.close();
    await rm(outDir, { recursive: true, force: true });
  };
}
