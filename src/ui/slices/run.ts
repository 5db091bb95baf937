/** Run slice: what the worker reports about itself, and the run buttons. */
import type { BackendInfo, ErrorKind, RunState, TaskInfo } from '../../worker/protocol';
import type { Slice } from '../store';

/** One message of the notice list. */
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
  /** Every notice since the page loaded (the oldest go past MAX_NOTICES), oldest first. */
  errors: ErrorBanner[];
  /** Notices dropped past MAX_NOTICES (the list says how many). */
  droppedNotices: number;
  /** NaN recoveries already tried (nan-recovery.ts ids): they are not offered again. */
  nanTried: string[];
  pushError: (kind: ErrorBanner['kind'], message: string, iteration?: number) => void;
  dismissError: (id: number) => void;
  start: () => void;
  pause: () => void;
  step: () => void;
}

let nextErrorId = 1;
/** Older notices are dropped past this: a stuck loop must not grow the page. */
export const MAX_NOTICES = 200;
/** Longest notice shown: a message quoting a huge input is cut (its start names the field). */
export const MAX_NOTICE_LENGTH = 400;

const truncate = (m: string) => (m.length > MAX_NOTICE_LENGTH ? `${m.slice(0, MAX_NOTICE_LENGTH - 1)}…` : m);

export const canStart = (s: RunSlice['runState']) => s === 'ready' || s === 'paused' || s === 'error';

export const createRunSlice: Slice<RunSlice> = (set, get) => ({
  runState: 'connecting',
  iteration: 0,
  backend: null,
  task: null,
  statusMessage: 'starting the training worker…',
  progress: null,
  errors: [],
  droppedNotices: 0,
  nanTried: [],

  pushError: (kind, message, iteration) => {
    const banner: ErrorBanner = {
      id: nextErrorId++,
      kind,
      message: truncate(message),
      ...(iteration !== undefined ? { iteration } : {}),
    };
    const all = [...get().errors, banner];
    const dropped = Math.max(0, all.length - MAX_NOTICES);
    set({ errors: all.slice(dropped), droppedNotices: get().droppedNotices + dropped });
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
