/**
 * The programs of kernels.ts in GLSL, for tfjs's WebGL backend. tfjs writes each input's reader
 * (`getX(row, col)` for input x) and `getOutputCoords`/`setOutput`; a program computes one output
 * element. Sizes are baked into the source (tfjs compiles and caches one program per source).
 */
import type * as tf from '@tensorflow/tfjs';
import { gpuKernels, type RunShader, type ShaderName, type ShaderSizes } from './kernels';

/** Just what the kernels use of tfjs's MathBackendWebGL. */
interface WebGLBackendLike {
  runWebGLProgram(
    program: {
      variableNames: string[];
      outputShape: number[];
      userCode: string;
      customUniforms?: { name: string; type: 'float' }[];
    },
    inputs: tf.TensorInfo[],
    outputDtype: tf.DataType,
    customUniformValues?: number[][],
  ): tf.TensorInfo;
}

/** Σ over j < n of `term` (a GLSL expression in j) into float `name`. */
const sum = (name: string, n: number | string, term: string) =>
  `float ${name} = 0.0; for (int j = 0; j < ${n}; j++) { ${name} += ${term}; }`;

/** x̂ at (row, col), from x and the row statistics [mean, 1/σ]. */
const XHAT = (row: string, col: string) => `((getX(${row}, ${col}) - getStats(${row}, 0)) * getStats(${row}, 1))`;

const SHADERS: Record<ShaderName, (s: ShaderSizes) => string> = {
  // Per row of x [rows, D], its mean (column 0) and 1/σ = 1 / sqrt(mean((x − mean)²) + 1e-5) (column 1).
  lnStats: ({ d }) => `void main() {
    ivec2 rc = getOutputCoords();
    ${sum('total', d, 'getX(rc.x, j)')}
    float mean = total / ${d}.0;
    if (rc.y == 0) { setOutput(mean); return; }
    ${sum('squares', d, '(getX(rc.x, j) - mean) * (getX(rc.x, j) - mean)')}
    setOutput(1.0 / sqrt(squares / ${d}.0 + 1e-5));
  }`,
  lnY: () => `void main() {
    ivec2 rc = getOutputCoords();
    setOutput(${XHAT('rc.x', 'rc.y')} * getG(rc.y) + getB(rc.y));
  }`,
  // dx = 1/σ · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)), with dx̂ = dy · g and the two means over the element's row.
  lnDx: ({ d }) => `void main() {
    ivec2 rc = getOutputCoords();
    ${sum('plain', d, 'getDy(rc.x, j) * getG(j)')}
    ${sum('weighted', d, `getDy(rc.x, j) * getG(j) * ${XHAT('rc.x', 'j')}`)}
    float dxhat = getDy(rc.x, rc.y) * getG(rc.y);
    setOutput((dxhat - plain / ${d}.0 - ${XHAT('rc.x', 'rc.y')} * (weighted / ${d}.0)) * getStats(rc.x, 1));
  }`,
  // [dg, db]: Σ over rows of dy · x̂, then of dy.
  lnDgDb: ({ d, rows }) => `void main() {
    int i = getOutputCoords();
    int c = i < ${d} ? i : i - ${d};
    ${sum('total', rows, `getDy(j, c) * (i < ${d} ? ${XHAT('j', 'c')} : 1.0)`)}
    setOutput(total);
  }`,
  // Each half of a row of x [N, 2D] normalised with its own g, b [2, D]: the element sums its half
  // itself (2·D reads; the sampler's rows are few, and a program costs more than that).
  pairedY: ({ d }) => `void main() {
    ivec2 rc = getOutputCoords();
    int h = rc.y / ${d};
    int o = h * ${d};
    ${sum('total', d, 'getX(rc.x, o + j)')}
    float mean = total / ${d}.0;
    ${sum('squares', d, '(getX(rc.x, o + j) - mean) * (getX(rc.x, o + j) - mean)')}
    float xhat = (getX(rc.x, rc.y) - mean) * (1.0 / sqrt(squares / ${d}.0 + 1e-5));
    setOutput(xhat * getG(h, rc.y - o) + getB(h, rc.y - o));
  }`,
  adamM: () => `void main() {
    int i = getOutputCoords();
    setOutput(getM(i) * beta1 + getG(i) * scale * oneMinusBeta1);
  }`,
  adamV: () => `void main() {
    int i = getOutputCoords();
    float gs = getG(i) * scale;
    setOutput(getV(i) * beta2 + gs * gs * oneMinusBeta2);
  }`,
  adamP: () => `void main() {
    int i = getOutputCoords();
    setOutput(getM(i) / oneMinusAcc1 / (sqrt(getV(i) / oneMinusAcc2) + epsilon) * negLr + getP(i));
  }`,
};

const run: RunShader = ({ backend }, shader, inputs, shape, sizes, uniforms = {}) =>
  (backend as unknown as WebGLBackendLike).runWebGLProgram(
    {
      variableNames: Object.keys(inputs),
      outputShape: shape,
      userCode: SHADERS[shader](sizes),
      ...(Object.keys(uniforms).length > 0 && {
        customUniforms: Object.keys(uniforms).map((name) => ({ name, type: 'float' as const })),
      }),
    },
    Object.values(inputs),
    'float32',
    Object.values(uniforms).map((v) => [v]),
  );

export const webglKernels = (): tf.KernelConfig[] => gpuKernels('webgl', run);
