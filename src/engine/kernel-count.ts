/**
 * Counts the kernels tfjs dispatches: every registered kernel of the current backend is wrapped
 * so each call through the engine adds one to a tally by kernel name. The count does not depend
 * on machine load, which makes it the bench's primary speed figure on a shared machine: each
 * dispatch pays a fixed cost (a wasm call, a WebGL draw, a WebGPU dispatch), so fewer kernels is
 * faster on every backend. Kernels that a backend runs inside another one (a wasm kernel calling
 * its own reshape) are one dispatch, as they are for the engine.
 */
import * as tf from '@tensorflow/tfjs';

export class KernelCounter {
  total = 0;
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
