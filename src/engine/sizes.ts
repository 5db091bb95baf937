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
