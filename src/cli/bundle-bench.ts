/**
 * `npm run bench:bundle` — the Node bench as one folder that runs with `node` alone, for a machine
 * that has a GPU but no npm registry (how the README's real-GPU figures were taken). It writes
 * bench-bundle/node/: bench.mjs (bench.ts and everything it imports, bundled by esbuild), tfjs's
 * wasm binaries beside it (the wasm backend loads them from its own folder), and Dawn's Node
 * bindings when they are installed here (`npm install --no-save webgpu@0.6.2`), for this
 * platform only. The browser bench is left out. Run it from the repository root, which holds
 * the checkpoints it reads (public/):
 *
 *   node bench-bundle/node/bench.mjs --backends wasm,webgpu
 */
import { build, type Plugin } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ROOT } from './serve-build';

// Two folders down, so that node-backend.ts's '../../public/' still finds the checkpoints.
const OUT = join(ROOT, 'bench-bundle', 'node');
const require = createRequire(import.meta.url);

/** bench.ts imports the browser bench lazily; in the bundle that import says why it is not there. */
const withoutBrowserBench: Plugin = {
  name: 'without-browser-bench',
  setup(b) {
    b.onResolve({ filter: /\/bench-browser$/ }, (args) => ({ path: args.path, namespace: 'left-out' }));
    b.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({
      contents: "throw new Error('the browser bench is not in this bundle: run npm run bench -- --browser');",
    }));
  },
};

// tfjs's wasm backend and Dawn's loader are CommonJS-minded: give the ES module require and __dirname.
const banner = [
  "import { createRequire as __createRequire } from 'node:module';",
  "import { fileURLToPath as __fileURLToPath } from 'node:url';",
  "import { dirname as __pathDirname } from 'node:path';",
  'const require = __createRequire(import.meta.url);',
  'const __filename = __fileURLToPath(import.meta.url);',
  'const __dirname = __pathDirname(__filename);',
].join('\n');

rmSync(join(ROOT, 'bench-bundle'), { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
await build({
  entryPoints: [join(ROOT, 'src/cli/bench.ts')],
  outfile: join(OUT, 'bench.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: { js: banner },
  plugins: [withoutBrowserBench],
  logLevel: 'warning',
});

const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) cpSync(join(wasmDir, file), join(OUT, file));

// node-backend.ts imports 'webgpu' at run time: copy the package with this platform's binary only.
const dawn = join(ROOT, 'node_modules', 'webgpu');
if (existsSync(dawn)) {
  const to = join(OUT, 'node_modules', 'webgpu');
  for (const file of ['package.json', 'index.js']) cpSync(join(dawn, file), join(to, file));
  const platform = `${process.platform}-${process.platform === 'darwin' ? 'universal' : process.arch}`;
  cpSync(join(dawn, 'dist', platform), join(to, 'dist', platform), { recursive: true });
}
process.stdout.write(
  `wrote ${OUT}${existsSync(dawn) ? ', with Dawn' : ' (no Dawn: npm install --no-save webgpu@0.6.2 for WebGPU)'}\n`,
);
