/**
 * Tokens slice: the token stream's buffers live in lab-data.ts and change in place;
 * this slice only carries the version counters that tell React a new frame is ready.
 */
import type { MinibatchData } from '../../worker/protocol';
import type { Slice } from '../store';

export interface CurrentMinibatch {
  iteration: number;
  data: MinibatchData;
}

export interface TokensSlice {
  tokensVersion: number;
  minibatch: CurrentMinibatch | null;
}

export const createTokensSlice: Slice<TokensSlice> = () => ({
  tokensVersion: 0,
  minibatch: null,
});
