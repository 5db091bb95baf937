/**
 * Assembles the lab's hand-written wasm kernels (src/engine/wasm-kernels/*.wat) with wabt, in two
 * variants: one importing an ordinary memory (tfjs's single-threaded wasm builds) and one importing a
 * shared memory (its multithreaded build), since an import must match the memory's kind. Used by
 * `npm run build:wasm` and by the test that checks the committed bytes are this file's output.
 */
import { readFile } from 'node:fs/promises';
import wabt from 'wabt';

export const SIMD_WAT = new URL('../engine/wasm-kernels/simd.wat', import.meta.url);

const PLAIN_IMPORT = '(import "env" "memory" (memory 1))';
// A shared memory must declare a maximum; tfjs's threaded build creates its heap with 65536 pages (4 GiB).
const SHARED_IMPORT = '(import "env" "memory" (memory 1 65536 shared))';

/** The module's binary as base64, for an ordinary or a shared memory. */
export async function assemble(file: URL, shared: boolean): Promise<string> {
  const text = await readFile(file, 'utf8');
  if (!text.includes(PLAIN_IMPORT)) throw new Error(`${file.pathname} must import its memory as ${PLAIN_IMPORT}`);
  const w = await wabt();
  const module = w.parseWat(file.pathname, shared ? text.replace(PLAIN_IMPORT, SHARED_IMPORT) : text, {
    simd: true,
    threads: true,
  });
  try {
    // wabt's validator rejects shared memories whatever the features say; the browser validates that variant when it compiles it.
    if (!shared) module.validate();
    return Buffer.from(module.toBinary({}).buffer).toString('base64');
  } finally {
    module.destroy();
  }
}
