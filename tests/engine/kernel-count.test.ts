/**
 * The kernel counter also counts GPU programs, by wrapping the backend's program runner; two
 * counters at once (the worker's and a bench's) each count every program, and disposing either
 * leaves the other counting and, once both are gone, the backend as it was.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { KernelCounter } from '../../src/engine/kernel-count';

/** A stand-in for tfjs's WebGL backend: just a program runner on the class, as MathBackendWebGL has. */
class FakeWebGL extends tf.KernelBackend {
  runs = 0;
  runWebGLProgram(): string {
    this.runs++;
    return 'ran';
  }
  override dispose(): void {}
}

describe('KernelCounter', () => {
  it('counts the programs a GPU backend runs, with counters nested and disposed in any order', () => {
    tf.registerBackend('fake-webgl', () => new FakeWebGL());
    const backend = tf.findBackend('fake-webgl') as FakeWebGL;
    const run = () => (backend as unknown as { runWebGLProgram(): string }).runWebGLProgram();
    const outer = new KernelCounter('fake-webgl');
    const inner = new KernelCounter('fake-webgl');
    expect(run()).toBe('ran');
    expect([outer.programs, inner.programs, backend.runs]).toEqual([1, 1, 1]);
    inner.dispose();
    run();
    expect([outer.programs, inner.programs, backend.runs]).toEqual([2, 1, 2]);
    outer.dispose();
    run();
    expect([outer.programs, backend.runs]).toEqual([2, 3]);
    expect(Object.prototype.hasOwnProperty.call(backend, 'runWebGLProgram')).toBe(false);
    tf.removeBackend('fake-webgl');
  });

  it('counts no programs on a backend without a program runner', async () => {
    await tf.setBackend('cpu');
    const counter = new KernelCounter('cpu');
    tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
    expect(counter.total).toBeGreaterThan(0);
    expect(counter.programs).toBe(0);
    counter.dispose();
  });
});
