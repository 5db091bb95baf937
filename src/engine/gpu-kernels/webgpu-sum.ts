/**
 * Column sums of a matrix on WebGPU as one program. tfjs reduces only along the last axis, so a
 * sum over rows (every bias gradient in ops.ts `linear`) is a transpose and then a reduction: two
 * programs where one invocation per column can add its rows itself.
 */
import { runWgsl } from './webgpu';
import type { Route } from './webgpu-routes';

export const SUM_ROUTES: Record<string, Route> = {
  Sum(_, args) {
    const x = args.inputs.x!;
    const { axis, keepDims } = args.attrs as { axis: number | number[] | null; keepDims: boolean };
    // null sums every entry.
    const axes = typeof axis === 'number' ? [axis] : (axis ?? []);
    if (x.shape.length !== 2 || x.dtype !== 'float32' || axes.length !== 1 || (axes[0] !== 0 && axes[0] !== -2)) return null;
    const [rows, cols] = x.shape as [number, number];
    const body = `var total = 0.0;
    for (var r = 0; r < ${rows}; r++) { total += x[r * ${cols} + index]; }
    setOutputAtIndex(index, total);`;
    return runWgsl(args, `columnSums_${rows}_${cols}`, body, { x }, keepDims ? [1, cols] : [cols]);
  },
};
