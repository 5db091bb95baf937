/**
 * The named transformer sizes a run can pick (an SFT checkpoint exists for each task and
 * size). Kept apart from model.ts so that the page, which only lists them, does not pull
 * tfjs into its bundle.
 */
export const MODEL_SIZES = {
  small: { dModel: 32, layers: 2, heads: 2 },
  base: { dModel: 64, layers: 2, heads: 4 },
} as const;
export type ModelSize = keyof typeof MODEL_SIZES;

/**
 * Sizes only `npm run bench -- --model large` runs (src/cli/bench-large.ts): no SFT checkpoint
 * exists for them, so no run, link or picker offers them. `large` (~1M parameters: 5 layers of
 * 12·d² weights at d = 128) is where per-kernel costs stop dominating and a GPU backend can win.
 */
export const BENCH_SIZES = {
  large: { dModel: 128, layers: 5, heads: 4 },
} as const;
