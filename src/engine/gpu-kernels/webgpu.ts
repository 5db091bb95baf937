/**
 * The programs of kernels.ts in WGSL, for tfjs's WebGPU backend. tfjs writes each input's reader
 * (`getX(row, col)` for input x), `getCoordsFromIndex` and `setOutputAtIndex`, and calls `main`
 * once per output element; a program's own uniforms are `uniforms.name`. Sizes are baked into the
 * source and the shader key (tfjs compiles and caches one pipeline per key).
 */
import type * as tf from '@tensorflow/tfjs';
import { gpuKernels, type RunShader, type ShaderName, type ShaderSizes } from './kernels';

interface WebGPUProgramLike {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  uniforms?: string;
  getUserCode: () => string;
}

/** Just what the kernels use of tfjs's WebGPUBackend. */
interface WebGPUBackendLike {
  runWebGPUProgram(
    program: WebGPUProgramLike,
    inputs: tf.TensorInfo[],
    outputDtype: tf.DataType,
    uniforms?: { type: 'float32'; data: number[] }[],
  ): tf.TensorInfo;
}

const WORKGROUP = 64;

/** Σ over j < n of `term` (a WGSL expression in j) into `name`. */
const sum = (name: string, n: number | string, term: string) =>
  `var ${name} = 0.0; for (var j = 0; j < ${n}; j++) { ${name} += ${term}; }`;

/** x̂ at (row, col), from x and the row statistics [mean, 1/σ]. */
const XHAT = (row: string, col: string) => `((getX(${row}, ${col}) - getStats(${row}, 0)) * getStats(${row}, 1))`;

/** `body` once per output element, with `index` its flat index. */
const perElement = (body: string) => `fn main(index : i32) {
  if (index < uniforms.size) {
    ${body}
  }
}`;

/** Each program's body (run as `main(index)` by runWgsl). */
const SHADERS: Record<ShaderName, (s: ShaderSizes) => string> = {
  // Per row of x [rows, D], its mean (column 0) and 1/σ = 1 / sqrt(mean((x − mean)²) + 1e-5) (column 1).
  lnStats: ({ d }) =>
    `let rc = getCoordsFromIndex(index);
    ${sum('total', d, 'getX(rc.x, j)')}
    let mean = total / ${d}.0;
    if (rc.y == 0) { setOutputAtIndex(index, mean); return; }
    ${sum('squares', d, '(getX(rc.x, j) - mean) * (getX(rc.x, j) - mean)')}
    setOutputAtIndex(index, 1.0 / sqrt(squares / ${d}.0 + 1e-5));`,
  lnY: () =>
    `let rc = getCoordsFromIndex(index);
    setOutputAtIndex(index, ${XHAT('rc.x', 'rc.y')} * getG(rc.y) + getB(rc.y));`,
  // dx = 1/σ · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)), with dx̂ = dy · g and the two means over the element's row.
  lnDx: ({ d }) =>
    `let rc = getCoordsFromIndex(index);
    ${sum('plain', d, 'getDy(rc.x, j) * getG(j)')}
    ${sum('weighted', d, `getDy(rc.x, j) * getG(j) * ${XHAT('rc.x', 'j')}`)}
    let dxhat = getDy(rc.x, rc.y) * getG(rc.y);
    setOutputAtIndex(index, (dxhat - plain / ${d}.0 - ${XHAT('rc.x', 'rc.y')} * (weighted / ${d}.0)) * getStats(rc.x, 1));`,
  // [dg, db]: Σ over rows of dy · x̂, then of dy.
  lnDgDb: ({ d, rows }) =>
    `let c = select(index - ${d}, index, index < ${d});
    ${sum('total', rows, `getDy(j, c) * select(1.0, ${XHAT('j', 'c')}, index < ${d})`)}
    setOutputAtIndex(index, total);`,
  // Each half of a row of x [N, 2D] normalised with its own g, b [2, D]: the element sums its half
  // itself (2·D reads; the sampler's rows are few, and a program costs more than that).
  pairedY: ({ d }) =>
    `let rc = getCoordsFromIndex(index);
    let h = rc.y / ${d};
    let o = h * ${d};
    ${sum('total', d, 'getX(rc.x, o + j)')}
    let mean = total / ${d}.0;
    ${sum('squares', d, '(getX(rc.x, o + j) - mean) * (getX(rc.x, o + j) - mean)')}
    let xhat = (getX(rc.x, rc.y) - mean) * (1.0 / sqrt(squares / ${d}.0 + 1e-5));
    setOutputAtIndex(index, xhat * getG(h, rc.y - o) + getB(h, rc.y - o));`,
  adamM: () => `setOutputAtIndex(index, getM(index) * uniforms.beta1 + getG(index) * uniforms.scale * uniforms.oneMinusBeta1);`,
  adamV: () =>
    `let gs = getG(index) * uniforms.scale;
    setOutputAtIndex(index, getV(index) * uniforms.beta2 + gs * gs * uniforms.oneMinusBeta2);`,
  adamP: () =>
    `let denominator = sqrt(getV(index) / uniforms.oneMinusAcc2) + uniforms.epsilon;
    setOutputAtIndex(index, getM(index) / uniforms.oneMinusAcc1 / denominator * uniforms.negLr + getP(index));`,
};

/**
 * Runs WGSL `body` (its `main(index)`, once per output element) on `inputs` into a new float32
 * tensor of `shape`. `key` names the program with every size baked into its source: tfjs compiles
 * and caches one pipeline per key.
 */
export function runWgsl(
  { backend }: Parameters<tf.KernelFunc>[0],
  key: string,
  body: string,
  inputs: Record<string, tf.TensorInfo>,
  shape: number[],
  uniforms: Record<string, number> = {},
): tf.TensorInfo {
  const size = shape.reduce((a, b) => a * b, 1);
  const names = Object.keys(uniforms);
  const program: WebGPUProgramLike = {
    variableNames: Object.keys(inputs),
    outputShape: shape,
    shaderKey: `lab_${key}`,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    ...(names.length > 0 && { uniforms: names.map((n) => `${n} : f32,`).join(' ') }),
    getUserCode: () => perElement(body),
  };
  const values = Object.values(uniforms).map((v) => ({ type: 'float32' as const, data: [v] }));
  return (backend as unknown as WebGPUBackendLike).runWebGPUProgram(program, Object.values(inputs), 'float32', values);
}

const run: RunShader = (args, shader, inputs, shape, sizes, uniforms = {}) =>
  runWgsl(args, `${shader}_${sizes.d}_${sizes.rows}`, SHADERS[shader](sizes), inputs, shape, uniforms);

export const webgpuKernels = (): tf.KernelConfig[] => gpuKernels('webgpu', run);
