/**
 * The browser probes behind backend selection (the order lives in backend-choice.ts):
 * each one starts a tfjs backend in this worker and describes what runs it, or says
 * precisely why it could not start.
 */
import * as tf from '@tensorflow/tfjs';
import { installCpuKernels } from '../engine/cpu-kernels';
import { installGpuKernels } from '../engine/gpu-kernels';
import { installWasmKernels, labKernelsLoaded } from '../engine/wasm-kernels';
// The three wasm binaries, emitted by Vite as hashed assets; tfjs picks one by SIMD/threads support.
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { chooseBackend, choiceKey, type Attempt, type BackendRequest, type ChoiceStore, type Measuring } from './backend-choice';
import { measureWarmup } from './backend-measure';
import type { Config } from '../engine/params';
import type { BackendInfo, BackendName } from './protocol';

// Just what we use of WebGPU, typed locally: TypeScript's DOM library has no WebGPU types, and the
// @webgpu/types that tfjs pulls in predates GPUAdapter.info.
interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GpuAdapterLike | null>;
}
interface GpuDeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
}

/** What the status bar adds on WebGL and WebGPU, as it says on wasm which kernels run (gpu-kernels/). */
const GPU_KERNELS = {
  webgl: "with the lab's GPU programs for LayerNorm and Adam",
  webgpu: "with the lab's GPU programs for LayerNorm, attention and Adam",
};

export interface SelectedBackend {
  info: BackendInfo;
  /** WebGPU only: resolves with a reason if the GPU device is lost (driver reset, GPU process crash). */
  lost: Promise<string> | null;
}

/**
 * Starts the backend for a run. With `auto`, each backend that starts times a warm-up of the
 * run's model (backend-measure.ts) and the fastest wins, remembered per model size and batch in
 * this browser's IndexedDB (a worker has no localStorage) so the next visit skips the timing.
 */
export async function selectBackend(
  requested: BackendRequest,
  progress: (message: string) => void = () => {},
  config?: Pick<Config, 'task' | 'model' | 'batch' | 'minibatches'>,
): Promise<SelectedBackend> {
  const measuring: Measuring | undefined = config && {
    key: choiceKey(config),
    store: indexedDbStore(),
    time: (name) => {
      progress(`Timing a warm-up of the model on ${name} (once per browser, to pick the fastest backend)…`);
      return measureWarmup(config);
    },
  };
  const probe = (name: BackendName, chosenByUs: boolean) => {
    progress(`Starting the ${name} backend…`);
    return PROBES[name](chosenByUs);
  };
  const info = await chooseBackend(requested, probe, measuring);
  return { info, lost: info.name === 'webgpu' ? deviceLost() : null };
}

const STORE = 'backend-choice';

/** Remembered backend choices in IndexedDB; any failure reads as "nothing remembered". */
function indexedDbStore(): ChoiceStore {
  const request = <T>(r: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
    });
  const withStore = async <T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const open = indexedDB.open('ppo-lab', 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    const db = await request(open);
    try {
      return await request(f(db.transaction(STORE, mode).objectStore(STORE)));
    } finally {
      db.close();
    }
  };
  return {
    get: (key) => withStore('readonly', (s) => s.get(key)),
    set: async (key, choice) => void (await withStore('readwrite', (s) => s.put(choice, key))),
  };
}

const fail = (reason: string): Attempt => ({ ok: false, reason });

/**
 * GPU backends emulated on the CPU. Measured here (bench-browser, default config): WebGL on
 * SwiftShader is several times slower than wasm, WebGPU on SwiftShader far slower still, so
 * `auto` (and a fallback) passes them over; a link can still force them (backend=webgl, backend=webgpu).
 */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|lavapipe|software rasterizer|basic render driver/i;
const softwareSkip = (what: string) =>
  fail(
    `${what} is a software renderer, slower than wasm here (backend=${what.startsWith('WebGPU') ? 'webgpu' : 'webgl'} forces it)`,
  );

/** The WebGL renderer's name, read from a throwaway context so tfjs's own is not created for nothing. */
function webglRenderer(): string | null {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return null;
  }
}

/** tf.setBackend resolves false (and logs a warning) when the backend's init throws. */
async function start(name: BackendName): Promise<boolean> {
  try {
    if (!(await tf.setBackend(name))) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

/** Each probe starts its backend or says why not; unless forced, it also turns down software emulation. */
const PROBES: Record<BackendName, (chosenByUs: boolean) => Promise<Attempt>> = {
  async webgpu(chosenByUs) {
    const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
    if (!gpu) return fail('this browser has no WebGPU here (navigator.gpu is missing)');
    // tfjs registers webgpu whenever navigator.gpu exists, adapter or not: ask ourselves first.
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter)
      return fail(
        'navigator.gpu.requestAdapter() returned no adapter (no usable GPU; headless Chromium needs --enable-unsafe-webgpu)',
      );
    const a = adapter.info ?? {};
    const name = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ') || 'unknown adapter';
    const software = (a.isFallbackAdapter ?? adapter.isFallbackAdapter) === true || SOFTWARE_RENDERER.test(name);
    if (chosenByUs && software) return softwareSkip(`WebGPU adapter ${name}`);
    await import('@tensorflow/tfjs-backend-webgpu');
    installGpuKernels();
    if (!(await start('webgpu'))) return fail('the adapter exists but tfjs could not create a WebGPU device (see the console)');
    return { ok: true, description: `WebGPU on ${name}${software ? ' (software)' : ''}, ${GPU_KERNELS.webgpu}` };
  },

  async webgl(chosenByUs) {
    if (typeof OffscreenCanvas === 'undefined') return fail('no OffscreenCanvas in this worker, so no WebGL context');
    const probed = chosenByUs ? webglRenderer() : null;
    if (probed && SOFTWARE_RENDERER.test(probed)) return softwareSkip(`WebGL renderer ${probed}`);
    installGpuKernels();
    if (!(await start('webgl'))) return fail('tfjs could not create a WebGL context (GPU blocklisted or unavailable)');
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext | WebGL2RenderingContext } }).gpgpu?.gl;
    const version = tf.env().getNumber('WEBGL_VERSION');
    let renderer = 'unknown renderer';
    if (gl) {
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    }
    const float32 = tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE') ? '' : ', float16 textures only (less precise)';
    return { ok: true, description: `WebGL ${version} on ${renderer}${float32}, ${GPU_KERNELS.webgl}` };
  },

  async wasm() {
    if (typeof WebAssembly === 'undefined') return fail('WebAssembly is not available');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlainUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
    });
    installWasmKernels();
    if (!(await start('wasm'))) return fail('the wasm module did not load (see the console)');
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    // tfjs loads the threaded build when the page is cross-origin isolated, then uses about half the cores.
    const threaded = simd && (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    const threads = wasm.getThreadsCount();
    const build = threaded
      ? `multithreaded build, ${threads} thread${threads === 1 ? '' : 's'}`
      : 'single-threaded (threads need a cross-origin isolated page: COOP/COEP headers)';
    const kernels = labKernelsLoaded()
      ? "with the lab's SIMD kernels (products, transposes, LayerNorm, Adam)"
      : "tfjs's kernels only (the lab's need wasm SIMD)";
    return { ok: true, description: `WebAssembly, ${simd ? 'SIMD' : 'no SIMD'}, ${build}, ${kernels}` };
  },

  async cpu() {
    installCpuKernels();
    if (!(await start('cpu'))) return fail('the cpu backend did not start');
    return { ok: true, description: 'plain JavaScript (slowest)' };
  },
};

const webgpuDevice = () => (tf.backend() as unknown as { device?: GpuDeviceLike }).device ?? null;

function deviceLost(): Promise<string> | null {
  const device = webgpuDevice();
  if (!device?.lost) return null;
  return device.lost.then((info) => [info.reason, info.message].filter(Boolean).join(': ') || 'unknown reason');
}
