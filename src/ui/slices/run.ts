/** Run slice: what the worker reports about itself, and the run buttons. */
import type { BackendInfo, ErrorKind, RunState, TaskInfo } from '../../worker/protocol';
import type { Slice } from '../store';

export interface ErrorBanner {
  id: number;
  /** The worker's error kinds, plus 'link' for a lab link (URL) the page corrected. */
  kind: ErrorKind | 'link';
  message: string;
  iteration?: number;
}

export interface RunSlice {
  /** 'connecting' until the worker's first event. */
  runState: RunState | 'connecting';
  /** Iterations finished since the last reset. */
  iteration: number;
  backend: BackendInfo | null;
  task: TaskInfo | null;
  statusMessage: string | null;
  /** In [0, 1] while something slow runs (loading, compiling), else null. */
  progress: number | null;
  errors: ErrorBanner[];
  pushError: (kind: ErrorBanner['kind'], message: string, iteration?: number) => void;
  dismissError: (id: number) => void;
  start: () => void;
  pause: () => void;
  step: () => void;
}

let nextErrorId = 1;
/** Older banners are dropped past this: a stuck loop must not grow the page. */
const MAX_BANNERS = 5;

export const canStart = (s: RunSlice['runState']) => s === 'ready' || s === 'paused' || s === 'error';

export const createRunSlice: Slice<RunSlice> = (set, get) => ({
  runState: 'connecting',
  iteration: 0,
  backend: null,
  task: null,
  statusMessage: 'starting the training worker…',
  progress: null,
  errors: [],

  pushError: (kind, message, iteration) => {
    const banner: ErrorBanner = { id: nextErrorId++, kind, message, ...(iteration !== undefined ? { iteration } : {}) };
    set({ errors: [...get().errors, banner].slice(-MAX_BANNERS) });
  },
  dismissError: (id) => set({ errors: get().errors.filter((e) => e.id !== id) }),

  start: () => {
    const { runState, iteration, send } = get();
    if (!canStart(runState)) return;
    // 'start' begins a fresh trainer; after a pause (or a NaN, which pauses) training resumes.
    send({ type: runState === 'ready' && iteration === 0 ? 'start' : 'resume' });
  },
  pause: () => {
    if (get().runState === 'running') get().send({ type: 'pause' });
  },
  step: () => {
    if (canStart(get().runState)) get().send({ type: 'step' });
  },
});
