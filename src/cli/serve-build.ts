/**
 * Builds the app and serves the production build with `vite preview` (COOP/COEP headers
 * included, from vite.config.ts) on a free local port: what the browser tests and the
 * browser bench run against.
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function buildApp(outDir: string): Promise<void> {
  await build({ root: ROOT, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface Served {
  url: string;
  close(): Promise<void>;
}

export async function serveBuild(outDir: string): Promise<Served> {
  const port = await freePort();
  const server = await preview({
    root: ROOT,
    logLevel: 'warn',
    build: { outDir },
    preview: { port, strictPort: true, host: '127.0.0.1', open: false },
  });
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}
