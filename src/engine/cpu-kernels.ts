/**
 * The lab's own kernels for tfjs's cpu backend: LayerNorm's two passes, the gradient's squared norm
 * and the Adam step, which the wasm backend runs as simd.wat (wasm-kernels/) and other backends as
 * plain ops (ops.ts, adam.ts). Here they are plain loops over the cpu backend's arrays, with every
 * operation rounded to float32 and every sum in simd.wat's order (four lanes, then the rest), so
 * they give the wasm kernels' numbers bit for bit (tests/engine/cpu-kernels.test.ts). Call once;
 * calling again does nothing.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_KERNEL, SQUARED_NORM_KERNEL, type AdamAttrs } from './adam';
import { LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL } from './ops';

const f = Math.fround;

/** Just what the kernels use of tfjs's cpu backend. */
interface CpuBackend {
  data: { get(dataId: tf.DataId): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

const valuesOf = (backend: CpuBackend, t: tf.TensorInfo) => backend.data.get(t.dataId).values as Float32Array;

/** Σ term(j) for j < n as simd.wat adds it: four lane sums over the first n − n mod 4, (l0 + l1) + (l2 + l3), then the rest in order. */
function laneSum(n: number, term: (j: number) => number): number {
  const lanes = [0, 0, 0, 0];
  const n4 = n - (n % 4);
  for (let j = 0; j < n4; j++) lanes[j & 3] = f(lanes[j & 3]! + term(j));
  let s = f(f(lanes[0]! + lanes[1]!) + f(lanes[2]! + lanes[3]!));
  for (let j = n4; j < n; j++) s = f(s + term(j));
  return s;
}

/** y, x̂ and 1/σ of x [rows, d], as simd.wat's `layerNorm`. */
function layerNorm({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const cpu = backend as unknown as CpuBackend;
  const [x, g, b] = (['x', 'g', 'b'] as const).map((k) => valuesOf(cpu, inputs[k]!));
  const [rows, d] = inputs.x!.shape as [number, number];
  const y = new Float32Array(rows * d);
  const xhat = new Float32Array(rows * d);
  const inv = new Float32Array(rows);
  for (let r = 0, o = 0; r < rows; r++, o += d) {
    const mean = f(laneSum(d, (j) => x![o + j]!) / d);
    const variance = f(laneSum(d, (j) => f(f(x![o + j]! - mean) ** 2)) / d);
    const rinv = f(1 / f(Math.sqrt(f(variance + f(1e-5)))));
    inv[r] = rinv;
    for (let j = 0; j < d; j++) {
      xhat[o + j] = f(f(x![o + j]! - mean) * rinv);
      y[o + j] = f(f(xhat[o + j]! * g![j]!) + b![j]!);
    }
  }
  return [
    cpu.makeTensorInfo([rows, d], 'float32', y),
    cpu.makeTensorInfo([rows, d], 'float32', xhat),
    cpu.makeTensorInfo([rows, 1], 'float32', inv),
  ];
}

/** dx and [dg, db] from dy, x̂, 1/σ and g, as simd.wat's `layerNormBackward`. */
function layerNormGrad({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const cpu = backend as unknown as CpuBackend;
  const [dy, xhat, inv, g] = (['dy', 'xhat', 'inv', 'g'] as const).map((k) => valuesOf(cpu, inputs[k]!));
  const [rows, d] = inputs.xhat!.shape as [number, number];
  const dx = new Float32Array(rows * d);
  const dgdb = new Float32Array(2 * d);
  for (let r = 0, o = 0; r < rows; r++, o += d) {
    const dxhat = (j: number) => f(dy![o + j]! * g![j]!);
    const m1 = f(laneSum(d, dxhat) / d);
    const m2 = f(laneSum(d, (j) => f(dxhat(j) * xhat![o + j]!)) / d);
    for (let j = 0; j < d; j++) {
      dx[o + j] = f(f(f(dxhat(j) - m1) - f(xhat![o + j]! * m2)) * inv![r]!);
      dgdb[j] = f(dgdb[j]! + f(dy![o + j]! * xhat![o + j]!));
      dgdb[d + j] = f(dgdb[d + j]! + dy![o + j]!);
    }
  }
  return [cpu.makeTensorInfo([rows, d], 'float32', dx), cpu.makeTensorInfo([2 * d], 'float32', dgdb)];
}

/** Σ g² over inputs g0, g1, …, as wasm-kernels/adam.ts adds them. */
function squaredNorm({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const cpu = backend as unknown as CpuBackend;
  let sum = 0;
  for (let i = 0; i < Object.keys(inputs).length; i++) {
    const g = valuesOf(cpu, inputs[`g${i}`]!);
    sum = f(sum + laneSum(g.length, (j) => f(g[j]! * g[j]!)));
  }
  return cpu.makeTensorInfo([], 'float32', Float32Array.of(sum));
}

/** m′, v′ and each new weight from m, v and p0, g0, p1, g1, …, as simd.wat's `adam`. */
function adam({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const cpu = backend as unknown as CpuBackend;
  const a = Object.fromEntries(Object.entries(attrs as unknown as AdamAttrs).map(([k, v]) => [k, f(v)])) as unknown as AdamAttrs;
  const m = valuesOf(cpu, inputs.m!);
  const v = valuesOf(cpu, inputs.v!);
  const mOut = new Float32Array(m.length);
  const vOut = new Float32Array(v.length);
  const weights: tf.TensorInfo[] = [];
  let k = 0;
  for (let i = 0; i < (Object.keys(inputs).length - 2) / 2; i++) {
    const p = valuesOf(cpu, inputs[`p${i}`]!);
    const g = valuesOf(cpu, inputs[`g${i}`]!);
    const out = new Float32Array(p.length);
    for (let j = 0; j < p.length; j++, k++) {
      const gs = f(g[j]! * a.scale);
      mOut[k] = f(f(m[k]! * a.beta1) + f(gs * a.oneMinusBeta1));
      vOut[k] = f(f(v[k]! * a.beta2) + f(f(gs * gs) * a.oneMinusBeta2));
      const denominator = f(f(Math.sqrt(f(vOut[k]! / a.oneMinusAcc2))) + a.epsilon);
      out[j] = f(f(f(f(mOut[k]! / a.oneMinusAcc1) / denominator) * a.negLr) + p[j]!);
    }
    weights.push(cpu.makeTensorInfo(inputs[`p${i}`]!.shape, 'float32', out));
  }
  return [cpu.makeTensorInfo(inputs.m!.shape, 'float32', mOut), cpu.makeTensorInfo(inputs.v!.shape, 'float32', vOut), ...weights];
}

const KERNELS: [string, (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]][] = [
  [LAYER_NORM_KERNEL, layerNorm],
  [LAYER_NORM_GRAD_KERNEL, layerNormGrad],
  [SQUARED_NORM_KERNEL, squaredNorm],
  [ADAM_KERNEL, adam],
];

export function installCpuKernels(): void {
  for (const [kernelName, kernelFunc] of KERNELS)
    if (!tf.getKernel(kernelName, 'cpu'))
      tf.registerKernel({ kernelName, backendName: 'cpu', kernelFunc: kernelFunc as tf.KernelFunc });
}
