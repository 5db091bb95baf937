/**
 * The lab's wasm kernel replacements (src/engine/wasm-kernels): the SIMD products against an exact
 * float32 model of their summation order, and against the cpu backend; the copy kernels bit for bit
 * against the cpu backend; and the committed module bytes against a fresh assembly of simd.wat.
 * The optimizer's kernels are tested in adam.test.ts, against tfjs's Adam.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { simdBytesSource } from '../../src/cli/build-wasm';
import { LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL } from '../../src/engine/ops';
import { Rng } from '../../src/engine/rng';
import { asBlockTranspose, reducePermutation } from '../../src/engine/wasm-kernels/transpose';
import { useBackend } from './helpers';

beforeAll(() => useBackend('wasm'));

const rng = Rng.stream(5, 'init');
const randn = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
const fr = Math.fround;

/** Runs `f` on `backend` with tensors made from `inputs`, returning its output's values and shape. */
async function runOn(
  backend: string,
  inputs: [Float32Array | Int32Array, number[], tf.DataType?][],
  f: (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
) {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const out = f(
        ...inputs.map(([data, shape, dtype]) =>
          tf.tensor(data, shape, dtype ?? (data instanceof Int32Array ? 'int32' : 'float32')),
        ),
      );
      return (Array.isArray(out) ? out : [out]).map((t) => ({ values: Array.from(t.dataSync()), shape: t.shape }));
    });
  } finally {
    await tf.setBackend(previous);
  }
}

/**
 * The kernels' products in exact float32 arithmetic: C(t,i,j) as a sum over p in order, or for
 * A·Bᵀ as four interleaved lane sums, added (l0 + l1) + (l2 + l3), then the remaining products.
 */
function referenceProduct(
  a: Float32Array,
  b: Float32Array,
  batch: number,
  m: number,
  k: number,
  n: number,
  opts: { transposeA: boolean; transposeB: boolean; batchA: number; batchB: number },
) {
  const A = (t: number, i: number, p: number) =>
    a[(opts.batchA === 1 ? 0 : t * m * k) + (opts.transposeA ? p * m + i : i * k + p)]!;
  const B = (t: number, p: number, j: number) =>
    b[(opts.batchB === 1 ? 0 : t * k * n) + (opts.transposeB ? j * k + p : p * n + j)]!;
  const c = new Float32Array(batch * m * n);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        if (opts.transposeB) {
          const lanes = [0, 0, 0, 0];
          const k4 = k - (k % 4);
          for (let p = 0; p < k4; p++) lanes[p % 4] = fr(lanes[p % 4]! + fr(A(t, i, p) * B(t, p, j)));
          s = fr(fr(lanes[0]! + lanes[1]!) + fr(lanes[2]! + lanes[3]!));
          for (let p = k4; p < k; p++) s = fr(s + fr(A(t, i, p) * B(t, p, j)));
        } else {
          for (let p = 0; p < k; p++) s = fr(s + fr(A(t, i, p) * B(t, p, j)));
        }
        c[(t * m + i) * n + j] = s;
      }
  return c;
}

describe('SIMD batched products', () => {
  // [batchA, batchB, m, k, n]: attention's shapes, widths that exercise the 16-, 4- and 1-column
  // paths, k not a multiple of 4, a single row, and a batch broadcast from 1 on either side.
  const shapes: [number, number, number, number, number][] = [
    [8, 8, 12, 16, 12],
    [8, 8, 12, 12, 16],
    [3, 3, 5, 7, 37],
    [2, 2, 1, 9, 5],
    [1, 4, 6, 8, 20],
    [4, 1, 6, 8, 20],
    [1, 1, 13, 10, 11],
  ];
  for (const [batchA, batchB, m, k, n] of shapes)
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
    ] as const)
      it(`${batchA}×${m}×${k} · ${batchB}×${k}×${n}, transposeA=${transposeA}, transposeB=${transposeB}`, async () => {
        const a = randn(batchA * m * k);
        const b = randn(batchB * k * n);
        const aShape = [batchA, ...(transposeA ? [k, m] : [m, k])];
        const bShape = [batchB, ...(transposeB ? [n, k] : [k, n])];
        const product = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, transposeA, transposeB);
        const [wasm] = await runOn(
          'wasm',
          [
            [a, aShape],
            [b, bShape],
          ],
          product,
        );
        const batch = Math.max(batchA, batchB);
        expect(wasm!.shape).toEqual([batch, m, n]);
        // Exactly the modelled float32 sums: the order is part of the kernel's contract (page and CLI agree).
        expect(wasm!.values).toEqual(
          Array.from(referenceProduct(a, b, batch, m, k, n, { transposeA, transposeB, batchA, batchB })),
        );
        const [cpu] = await runOn(
          'cpu',
          [
            [a, aShape],
            [b, bShape],
          ],
          product,
        );
        wasm!.values.forEach((v, i) => expect(Math.abs(v - cpu!.values[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(v))));
      });

  it('keeps 4-D attention shapes and plain 2-D products (the XNNPACK path) right', async () => {
    const q = randn(2 * 3 * 4 * 8);
    const p = randn(2 * 3 * 4 * 4);
    const w = randn(8 * 6);
    const f = (qt: tf.Tensor, pt: tf.Tensor, wt: tf.Tensor) => [
      tf.matMul(qt, qt, false, true),
      tf.matMul(pt, qt),
      tf.matMul(pt, qt, true, false),
      tf.matMul(qt.reshape([24, 8]), wt),
    ];
    const inputs: [Float32Array, number[]][] = [
      [q, [2, 3, 4, 8]],
      [p, [2, 3, 4, 4]],
      [w, [8, 6]],
    ];
    const wasm = await runOn('wasm', inputs, f);
    const cpu = await runOn('cpu', inputs, f);
    wasm.forEach((out, i) => {
      expect(out.shape).toEqual(cpu[i]!.shape);
      out.values.forEach((v, j) => expect(Math.abs(v - cpu[i]!.values[j]!)).toBeLessThan(1e-5 * (1 + Math.abs(v))));
    });
  });
});

it('a product of two matrices with A transposed: bit for bit the XNNPACK product of A transposed first', async () => {
  for (const [k, m, n] of [
    [384, 64, 256],
    [7, 5, 3],
    [1, 9, 4],
  ] as const) {
    const inputs: [Float32Array, number[]][] = [
      [randn(k * m), [k, m]],
      [randn(k * n), [k, n]],
    ];
    const [flagged] = await runOn('wasm', inputs, (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, true, false));
    // XNNPACK on an explicit transpose: what the kernel does in one dispatch.
    const [explicit] = await runOn('wasm', inputs, (a, b) => tf.matMul((a as tf.Tensor2D).transpose(), b as tf.Tensor2D));
    expect(flagged!.shape).toEqual([m, n]);
    expect(flagged!.values).toEqual(explicit!.values);
    const [cpu] = await runOn('cpu', inputs, (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, true, false));
    flagged!.values.forEach((v, i) => expect(Math.abs(v - cpu!.values[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(v))));
  }
});

it('a sum over the rows of a matrix: the rows added in order, exactly; other sums as tfjs does them', async () => {
  for (const [rows, cols] of [
    [384, 256],
    [5, 7],
    [1, 3],
  ] as const) {
    const x = randn(rows * cols);
    const [got] = await runOn('wasm', [[x, [rows, cols]]], (t) => t.sum(0));
    const want = Array.from({ length: cols }, (_, j) => {
      let s = 0;
      for (let r = 0; r < rows; r++) s = fr(s + x[r * cols + j]!);
      return s;
    });
    expect(got!.shape).toEqual([cols]);
    expect(got!.values).toEqual(want);
  }
  // Other axes, keepDims and int32 go to tfjs's kernel: the same values as on cpu.
  const x = Int32Array.from({ length: 24 }, (_, i) => i - 7);
  const f = (t: tf.Tensor) => [t.sum(0), t.sum(1), t.sum(0, true), t.cast('float32').sum(-1)];
  expect(await runOn('wasm', [[x, [4, 6]]], f)).toEqual(await runOn('cpu', [[x, [4, 6]]], f));
});

it('_FusedMatMul takes matrices: bit for bit the product tf.fused.matMul gives through 3-D reshapes', async () => {
  const x = randn(7 * 10);
  const w = randn(10 * 5);
  const bias = randn(5);
  const inputs: [Float32Array, number[]][] = [
    [x, [7, 10]],
    [w, [10, 5]],
    [bias, [5]],
  ];
  for (const activation of ['linear', 'relu'] as const) {
    const direct = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf
        .engine()
        .runKernel(tf._FusedMatMul, { a, b, bias: c }, { transposeA: false, transposeB: false, activation }) as tf.Tensor;
    // tf.fused.matMul on 3-D operands runs tfjs's own path (the replacement passes 3-D calls through).
    const viaOp = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.fused.matMul({ a: a.reshape([1, 7, 10]), b: b.reshape([1, 10, 5]), bias: c, activation }).reshape([7, 5]);
    const [matrices] = await runOn('wasm', inputs, direct);
    const [batched] = await runOn('wasm', inputs, viaOp);
    expect(matrices!.shape).toEqual([7, 5]);
    expect(matrices!.values).toEqual(batched!.values);
    if (activation === 'relu') expect(matrices!.values.some((v) => v === 0)).toBe(true);
  }
});

describe('LayerNorm in one kernel', () => {
  /** The kernel's arithmetic in exact float32: four lane sums, added (l0 + l1) + (l2 + l3), then the tail. */
  function laneSum(values: number[]): number {
    const d4 = values.length - (values.length % 4);
    const lanes = [0, 0, 0, 0];
    for (let j = 0; j < d4; j++) lanes[j % 4] = fr(lanes[j % 4]! + values[j]!);
    let s = fr(fr(lanes[0]! + lanes[1]!) + fr(lanes[2]! + lanes[3]!));
    for (let j = d4; j < values.length; j++) s = fr(s + values[j]!);
    return s;
  }
  function referenceLayerNorm(x: Float32Array, g: Float32Array, b: Float32Array, rows: number, d: number) {
    const [y, xhat, inv] = [new Float32Array(rows * d), new Float32Array(rows * d), new Float32Array(rows)];
    for (let r = 0; r < rows; r++) {
      const row = Array.from(x.subarray(r * d, (r + 1) * d));
      const mean = fr(laneSum(row) / d);
      const variance = fr(laneSum(row.map((v) => fr(fr(v - mean) * fr(v - mean)))) / d);
      inv[r] = fr(1 / fr(Math.sqrt(fr(variance + fr(1e-5)))));
      row.forEach((v, j) => {
        xhat[r * d + j] = fr(fr(v - mean) * inv[r]!);
        y[r * d + j] = fr(fr(xhat[r * d + j]! * g[j]!) + b[j]!);
      });
    }
    return [y, xhat, inv];
  }

  for (const [rows, d] of [
    [6, 64],
    [5, 7],
    [3, 130],
  ] as const)
    it(`${rows} rows of ${d}: y, x̂ and 1/σ exactly as modelled, and within rounding of the plain ops on cpu`, async () => {
      const x = Float32Array.from(randn(rows * d), (v) => 3 * v + 1);
      const g = randn(d);
      const b = randn(d);
      const inputs: [Float32Array, number[]][] = [
        [x, [rows, d]],
        [g, [d]],
        [b, [d]],
      ];
      const run = (xt: tf.Tensor, gt: tf.Tensor, bt: tf.Tensor) =>
        tf.engine().runKernel(LAYER_NORM_KERNEL, { x: xt, g: gt, b: bt }) as tf.Tensor[];
      const wasm = await runOn('wasm', inputs, run);
      expect(wasm.map((o) => o.values)).toEqual(referenceLayerNorm(x, g, b, rows, d).map((a) => Array.from(a)));
      const plain = await runOn('cpu', inputs, (xt, gt, bt) => {
        const xc = xt.sub(xt.mean(-1, true));
        const inv = xc.square().mean(-1, true).add(1e-5).rsqrt();
        return [xc.mul(inv).mul(gt).add(bt)];
      });
      wasm[0]!.values.forEach((v, i) => expect(Math.abs(v - plain[0]!.values[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(v))));
    });
  it('the backward pass: dx per row and dg, db summed over rows in order, exactly as modelled', async () => {
    const [rows, d] = [5, 11];
    const dy = Float32Array.from(randn(rows * d));
    const xhat = Float32Array.from(randn(rows * d));
    const inv = Float32Array.from(randn(rows), (v) => Math.abs(v) + 0.5);
    const g = Float32Array.from(randn(d));
    const dx = new Float32Array(rows * d);
    const dg = new Array<number>(d).fill(0);
    const db = new Array<number>(d).fill(0);
    for (let r = 0; r < rows; r++) {
      const dxhat = Array.from({ length: d }, (_, j) => fr(dy[r * d + j]! * g[j]!));
      const m1 = fr(laneSum(dxhat) / d);
      const m2 = fr(laneSum(dxhat.map((v, j) => fr(v * xhat[r * d + j]!))) / d);
      for (let j = 0; j < d; j++) {
        dx[r * d + j] = fr(fr(fr(dxhat[j]! - m1) - fr(xhat[r * d + j]! * m2)) * inv[r]!);
        dg[j] = fr(dg[j]! + fr(dy[r * d + j]! * xhat[r * d + j]!));
        db[j] = fr(db[j]! + dy[r * d + j]!);
      }
    }
    const [gotDx, gotSums] = await runOn(
      'wasm',
      [
        [dy, [rows, d]],
        [xhat, [rows, d]],
        [inv, [rows, 1]],
        [g, [d]],
      ],
      (a, b, c, e) => tf.engine().runKernel(LAYER_NORM_GRAD_KERNEL, { dy: a, xhat: b, inv: c, g: e }) as tf.Tensor[],
    );
    expect(gotDx!.values).toEqual(Array.from(dx));
    expect(gotSums!.values).toEqual([...dg, ...db]);
  });
});

describe('transposes', () => {
  it('reduce a permutation to the fewest axes', () => {
    expect(reducePermutation([2, 3, 4, 5], [0, 2, 1, 3])).toEqual({ shape: [2, 3, 4, 5], perm: [0, 2, 1, 3] });
    expect(reducePermutation([1, 6, 4, 5], [0, 2, 3, 1])).toEqual({ shape: [6, 20], perm: [1, 0] });
    expect(reducePermutation([3, 4, 5], [0, 1, 2])).toEqual({ shape: [60], perm: [0] });
    expect(reducePermutation([3, 1, 5], [2, 1, 0])).toEqual({ shape: [3, 5], perm: [1, 0] });
    expect(reducePermutation([2, 3, 4], [2, 0, 1])).toEqual({ shape: [6, 4], perm: [1, 0] });
    expect(reducePermutation([2, 3, 4, 5], [3, 1, 2, 0])).toEqual({ shape: [2, 12, 5], perm: [2, 1, 0] });
    expect(asBlockTranspose([2, 12, 5], [2, 1, 0])).toBeNull();
  });

  // Matrices with sides that are and are not multiples of the 4×4 tiles, batches of them, runs of
  // values (attention's [0, 2, 1, 3]), an identity, and permutations the kernel leaves to tfjs.
  const cases: [number[], number[]][] = [
    [
      [8, 12],
      [1, 0],
    ],
    [
      [7, 13],
      [1, 0],
    ],
    [
      [3, 5, 9],
      [0, 2, 1],
    ],
    [
      [5, 6, 3],
      [1, 0, 2],
    ],
    [
      [2, 7, 3, 16],
      [0, 2, 1, 3],
    ],
    [
      [2, 5, 3, 6],
      [0, 2, 1, 3],
    ],
    [
      [1, 6, 4, 5],
      [0, 2, 3, 1],
    ],
    [
      [3, 4, 5],
      [0, 1, 2],
    ],
    [
      [2, 3, 4, 5],
      [3, 1, 2, 0],
    ],
    [
      [2, 3, 4],
      [2, 0, 1],
    ],
  ];
  for (const [shape, perm] of cases)
    it(`[${shape}] by [${perm}], float32 and int32, bit for bit`, async () => {
      const size = shape.reduce((a, b) => a * b, 1);
      const ints = Int32Array.from({ length: size }, (_, i) => i * 31 - 7);
      const inputs: [Float32Array | Int32Array, number[]][] = [
        [randn(size), shape],
        [ints, shape],
      ];
      const f = (x: tf.Tensor, y: tf.Tensor) => [x.transpose(perm), y.transpose(perm)];
      expect(await runOn('wasm', inputs, f)).toEqual(await runOn('cpu', inputs, f));
    });
});

describe('copy kernels', () => {
  const x = randn(2 * 3 * 4 * 5 * 6);
  const shape = [2, 3, 4, 5, 6];
  const same = async (
    inputs: [Float32Array | Int32Array, number[], tf.DataType?][],
    f: (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  ) => expect(await runOn('wasm', inputs, f)).toEqual(await runOn('cpu', inputs, f));

  it('slices boxes of every shape bit for bit', async () => {
    await same([[x, shape]], (t) => [
      t.slice([1, 0, 0, 0, 0], [1, 3, 4, 5, 6]),
      t.slice([0, 1, 2, 0, 0], [2, 2, 2, 5, 6]),
      t.slice([0, 0, 1, 2, 3], [2, 3, 2, 3, 3]),
      t.slice([1, 2, 3, 4, 5], [1, 1, 1, 1, 1]),
      t.reshape([720]).slice([100], [333]),
      t.slice([0, 0, 0, 0, 0], [2, 0, 4, 5, 6]),
    ]);
  });

  it('splits along any axis, by count and by sizes, bit for bit', async () => {
    await same([[x, shape]], (t) => [
      ...tf.split(t, 3, 1),
      ...tf.split(t, [1, 4, 1], 4),
      ...tf.split(t.reshape([720]), [700, 0, 20]),
    ]);
  });

  it('slices int32 and bool tensors', async () => {
    const ints = Int32Array.from({ length: 60 }, (_, i) => i * 7 - 100);
    await same([[ints, [3, 4, 5]]], (t) => [
      t.slice([1, 1, 1], [2, 2, 3]),
      ...tf.split(t, 2, 1),
      t.greater(0).slice([0, 2, 0], [3, 1, 5]),
    ]);
  });

  it('gathers rows and columns bit for bit', async () => {
    const ids = Int32Array.from([3, 0, 0, 2, 4, 1]);
    await same(
      [
        [x, shape],
        [ids, [2, 3]],
      ],
      (t, i) => [
        tf.gather(t.reshape([5 * 6, 24]).transpose(), i.reshape([6]).slice([0], [4])),
        tf.gather(t, i, 3),
        tf.gather(t.reshape([720]), i),
      ],
    );
  });

  it('refuses an out-of-range index as tfjs does', async () => {
    await expect(
      runOn(
        'wasm',
        [
          [x, [720]],
          [Int32Array.from([0, 720]), [2]],
        ],
        (t, i) => tf.gather(t, i),
      ),
    ).rejects.toThrow(/not in \[0, 719\]/);
  });
});

it('the committed module bytes are simd.wat assembled (npm run build:wasm)', async () => {
  const committed = await readFile(new URL('../../src/engine/wasm-kernels/simd-bytes.ts', import.meta.url), 'utf8');
  expect(committed).toBe(await simdBytesSource());
});
