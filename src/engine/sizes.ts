/**
 * The named transformer sizes a run can pick (an SFT checkpoint exists for each task and
 * size). Kept apart from model.ts so that the page, which only lists them, does not pull
 * tfjs into its bundle. `large` (~1M parameters: 5 layers of 12·d² weights at d = 128) is
 * where per-kernel costs stop dominating and a GPU backend can win.
 */
export const MODEL_SIZES = {
  small: { dModel: 32, layers: 2, heads: 2 },
  base: { dModel: 64, layers: 2, heads: 4 },
  large: { dModel: 128, layers: 5, heads: 4 },
} as const;
export type ModelSize = keyof typeof MODEL_SIZES;
export const SIZE_NAMES = Object.keys(MODEL_SIZES) as ModelSize[];

/**
 * Weights of a transformer of this size as model.ts creates them (token and position
 * embeddings, per layer 12·d² in attention and MLP plus 13·d of biases and LayerNorm, the
 * final LayerNorm, the output head), without the value head PPO adds.
 */
export function parameterCount(size: ModelSize, vocabSize: number, contextLength: number): number {
  const { dModel: d, layers } = MODEL_SIZES[size];
  return (vocabSize + contextLength) * d + layers * (12 * d * d + 13 * d) + 2 * d + d * vocabSize;
}
