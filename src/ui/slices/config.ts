/**
 * Config slice: what the controls show and how an edit reaches the trainer.
 * Every value goes through the engine's `parseParam` and `checkConfig`, the same
 * validation as the CLI and the lab link, so the page never holds a value the engine
 * would refuse. Live edits are sent at once (they take effect at the next iteration);
 * structural edits wait in the draft until Reset.
 */
import type { Timeline } from '../../engine/link';
import {
  checkConfig,
  defaultConfig,
  LIVE_KEYS,
  PARAMS,
  PARAM_KEYS,
  parseParam,
  type Config,
  type LiveKey,
  type ParamKey,
} from '../../engine/params';
import { TASKS } from '../../engine/tasks';
import type { Slice } from '../store';

/** Where a live edit stands: sent and queued for an iteration, then applied at one. */
export interface LiveEditStatus {
  value: Config[LiveKey];
  queuedFor: number | null;
  appliedAt: number | null;
}

export interface ConfigSlice {
  /** The controls' values: structural ones as edited for the next reset, live ones as last set. */
  draft: Config;
  /** The config the trainer was built from (from the worker's `ready`), null before. */
  loaded: Config | null;
  /** The config of the last finished iteration: `loaded` plus the live edits applied since. */
  inForce: Config | null;
  /** Per parameter: why the last value typed was refused. */
  fieldErrors: Partial<Record<ParamKey, string>>;
  /** The engine's messages for combinations of the draft it would refuse (e.g. grpo with group 1). */
  configErrors: string[];
  liveEdits: Partial<Record<LiveKey, LiveEditStatus>>;
  /** Live edits applied since the last reset, by iteration: the lab link's timeline. */
  timeline: Timeline;
  /** Edits from the lab link still to send, replayed at iteration boundaries. */
  replay: Timeline;
  setParam: (key: ParamKey, raw: unknown) => void;
  /** Rebuilds the trainer from the draft (structural changes take effect here). */
  applyAndReset: () => void;
}

export const STRUCTURAL_KEYS = PARAM_KEYS.filter((k) => !PARAMS[k].live);

export const isLiveKey = (key: ParamKey): key is LiveKey => (LIVE_KEYS as readonly ParamKey[]).includes(key);

export const configErrorsOf = (c: Config): string[] => checkConfig(c, TASKS[c.task].maxCompletion);

/** The config the trainer will check a live edit against: its structure, the draft's live values. */
export function trainerView(draft: Config, loaded: Config): Config {
  const out = { ...draft };
  for (const k of STRUCTURAL_KEYS) (out as Record<string, unknown>)[k] = loaded[k];
  return out;
}

/**
 * The draft with the new task's own defaults (e.g. the bandit's learning rate) when the task
 * changes, for every value still at the old task's default; values the user set are kept.
 */
export function withTaskDefaults(draft: Config, previousTask: Config['task'] | undefined): Config {
  if (!previousTask || previousTask === draft.task) return draft;
  const before = defaultConfig(previousTask);
  const after = defaultConfig(draft.task);
  const out = { ...draft };
  for (const k of PARAM_KEYS) if (k !== 'task' && draft[k] === before[k]) (out as Record<string, unknown>)[k] = after[k];
  return out;
}

/** Structural keys whose draft value differs from the running trainer's. */
export function pendingStructural(draft: Config, loaded: Config | null): ParamKey[] {
  return loaded ? STRUCTURAL_KEYS.filter((k) => draft[k] !== loaded[k]) : [];
}

export const createConfigSlice: Slice<ConfigSlice> = (set, get) => ({
  draft: defaultConfig(),
  loaded: null,
  inForce: null,
  fieldErrors: {},
  configErrors: [],
  liveEdits: {},
  timeline: [],
  replay: [],

  setParam: (key, raw) => {
    const parsed = parseParam(key, raw);
    const { draft, loaded, fieldErrors, send, runState } = get();
    if (!parsed.ok) {
      set({ fieldErrors: { ...fieldErrors, [key]: parsed.error } });
      return;
    }
    const next = { ...draft, [key]: parsed.value };
    const otherErrors = { ...fieldErrors };
    delete otherErrors[key];
    if (isLiveKey(key) && loaded && runState !== 'loading') {
      // The trainer checks the edit against its own (structural) config: check the same here,
      // and show its message instead of sending an edit it would refuse.
      const refused = configErrorsOf(trainerView(next, loaded));
      if (refused.length) {
        set({ fieldErrors: { ...otherErrors, [key]: refused.join('; ') } });
        return;
      }
      send({ type: 'set-params', params: { [key]: parsed.value } });
      const edits = { ...get().liveEdits, [key]: { value: parsed.value as Config[LiveKey], queuedFor: null, appliedAt: null } };
      set({ liveEdits: edits });
    }
    set({ draft: next, fieldErrors: otherErrors, configErrors: configErrorsOf(next) });
  },

  applyAndReset: () => {
    const { draft: edited, loaded, send, runState } = get();
    // No worker to rebuild anything: the notice list offers a reload instead.
    if (runState === 'stopped') return;
    const draft = withTaskDefaults(edited, loaded?.task);
    const errors = configErrorsOf(draft);
    if (errors.length) {
      set({ configErrors: errors });
      return;
    }
    // The draft becomes exactly what is sent, so `ready` finds no live value to re-send.
    set({ draft, runState: 'loading', statusMessage: 'rebuilding the trainer…', progress: null, liveEdits: {}, replay: [] });
    send({ type: 'load-config', config: draft });
  },
});
