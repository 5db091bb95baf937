/**
 * The page's one zustand store, composed of four slices:
 *   config  — the controls' values, validation, live edits and their timeline;
 *   run     — the worker's state: backend, task, iteration, progress, errors;
 *   metrics — the bounded history the time charts draw, and the latest iteration;
 *   tokens  — the token stream and the current minibatch.
 * High-frequency data (tokens, minibatches, iterations) is written into mutable buffers by
 * ingest.ts and published by bumping version counters at most once per animation frame
 * (frame.ts), so React never does per-token work.
 */
import { create, type StateCreator } from 'zustand';
import type { Command } from '../worker/protocol';
import { createConfigSlice, type ConfigSlice } from './slices/config';
import { createMetricsSlice, type MetricsSlice } from './slices/metrics';
import { createRunSlice, type RunSlice } from './slices/run';
import { createTokensSlice, type TokensSlice } from './slices/tokens';
import { createViewSlice, type ViewSlice } from './slices/view';

export interface Connection {
  /** Sends a command to the training worker (a no-op until main.tsx connects the client). */
  send: (cmd: Command) => void;
}

export type LabState = ConfigSlice & RunSlice & MetricsSlice & TokensSlice & ViewSlice & Connection;
export type Slice<T> = StateCreator<LabState, [], [], T>;

export const useLab = create<LabState>()((...a) => ({
  ...createConfigSlice(...a),
  ...createRunSlice(...a),
  ...createMetricsSlice(...a),
  ...createTokensSlice(...a),
  ...createViewSlice(...a),
  send: () => {},
}));
