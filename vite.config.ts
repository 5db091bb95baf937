import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Cross-origin isolation: with these two headers the page may share memory with its
 * workers (SharedArrayBuffer), which is what lets tfjs load its threaded wasm build.
 * Any other host must send them too (see README); without them wasm still runs, single-threaded.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Threaded wasm under minification (tfjs-notes gotcha 1, "ReferenceError: e is not defined").
 *
 * Cause: tfjs starts its wasm threads by sending the *source text* of the Emscripten factory
 * (`wasmFactoryThreadedSimd.toString()`) to 8 pthread workers, so that function must not use
 * any variable of its enclosing scope. It uses one, guarded by typeof:
 *     if (typeof _scriptDir !== "undefined" && _scriptDir) { scriptDirectory = _scriptDir }
 * `_scriptDir` is declared by the IIFE around the factory, so the minifier's compressor
 * rightly (for code that stays in place) rewrites the guard to `e !== void 0 && e` with
 * `_scriptDir` renamed to `e`. In a pthread, where only the function's text runs, `e` is
 * undeclared and the worker dies; its error reaches the training worker uncaught.
 * `build.minify: false` hides it; so would `compress: false`, for the whole bundle.
 *
 * Narrowest fix: drop that one statement from that one file. It changes nothing here:
 * `_scriptDir` is `document.currentScript.src` or Node's `__filename`, and our module worker
 * has neither, so it is always undefined. The build fails loudly if tfjs changes the text.
 */
function selfContainedWasmThreadFactory(): Plugin {
  const file = /tfjs-backend-wasm-threaded-simd\.js$/;
  const statement = 'if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}';
  return {
    name: 'ppo-lab:self-contained-wasm-thread-factory',
    apply: 'build',
    transform(code, id) {
      if (!file.test(id)) return null;
      if (!code.includes(statement))
        this.error(`${id}: the _scriptDir statement to remove was not found (tfjs changed?): see vite.config.ts`);
      return { code: code.replace(statement, '/* _scriptDir check removed: see vite.config.ts */'), map: null };
    },
  };
}

export default defineConfig({
  plugins: [react(), selfContainedWasmThreadFactory()],
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  // The training worker is a module worker (it imports tfjs and the engine). Its bundle is a
  // separate build: `plugins` above do not reach it in production, only these do.
  worker: { format: 'es', plugins: () => [selfContainedWasmThreadFactory()] },
  // Pre-bundled once for the dev server, rather than discovered (and reloaded) mid-session.
  optimizeDeps: {
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'],
  },
  build: {
    target: 'es2022',
  },
});
