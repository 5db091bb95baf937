/**
 * Counts the kernels tfjs dispatches: every registered kernel of the current backend is wrapped
 * so each call through the engine adds one to a tally by kernel name. The count does not depend
 * on machine load, which makes it the bench's primary speed figure on a shared machine: each
 * dispatch pays a fixed cost (a wasm call, a WebGL draw, a WebGPU dispatch), so fewer kernels is
 * faster on every backend. Kernels that a backend runs inside another one (a wasm kernel calling
 * its own reshape) are one dispatch, as they are for the engine.
 */
import * as tf from '@tensorflow/tfjs';
import { bufferCopies } from './gpu-kernels/webgpu-copies';

/** The methods through which tfjs's GPU backends run every program they compile. */
const PROGRAM_RUNNERS = ['runWebGLProgram', 'runWebGPUProgram'];

export class KernelCounter {
  total = 0;
  /**
   * GPU programs run (WebGL draws, WebGPU dispatches); 0 on the CPU backends. A kernel may run
   * several: tfjs's Softmax on WebGL runs five, the lab's LayerNorm forward pass four
   * (gpu-kernels/), and WebGL adds one to unpack each packed input of an unpacked program.
   */
  programs = 0;
  private readonly copiesAtStart = bufferCopies.count;
  readonly byName = new Map<string, number>();
  private readonly restore: (() => void)[] = [];

  /** Wraps the kernels of `backend` (the one in use) until `dispose`. */
  constructor(backend: string = tf.getBackend()) {
    for (const config of tf.getKernelsForBackend(backend)) {
      const original = config.kernelFunc;
      const name = config.kernelName;
      config.kernelFunc = (args) => {
        this.total++;
        this.byName.set(name, (this.byName.get(name) ?? 0) + 1);
        return original(args);
      };
      this.restore.push(() => (config.kernelFunc = original));
    }
    const instance = tf.findBackend(backend) as unknown as Record<string, unknown> | null;
    for (const method of PROGRAM_RUNNERS) {
      const original = instance?.[method];
      if (!instance || typeof original !== 'function') continue;
      // An own property shadows the class's method; another counter's wrapper may already be one.
      const own = Object.prototype.hasOwnProperty.call(instance, method);
      instance[method] = (...args: unknown[]) => {
        this.programs++;
        return (original as (...a: unknown[]) => unknown).apply(instance, args);
      };
      this.restore.push(() => (own ? (instance[method] = original) : delete instance[method]));
    }
  }

  /** Buffer copies made on WebGPU in place of programs (gpu-kernels/webgpu-copies.ts), since this counter was made. */
  get copies(): number {
    return bufferCopies.count - this.copiesAtStart;
  }

  /** The `n` most dispatched kernels since `since` (a snapshot from `snapshot()`), most first. */
  top(n: number, since: Map<string, number> = new Map()): [string, number][] {
    return [...this.byName]
      .map(([k, c]): [string, number] => [k, c - (since.get(k) ?? 0)])
      .filter(([, c]) => c > 0)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, n);
  }

  snapshot(): Map<string, number> {
    return new Map(this.byName);
  }

  dispose(): void {
    for (const r of this.restore) r();
    this.restore.length = 0;
  }
}
