/**
 * Worker events → store. Rare events (ready, status, errors, queued parameters) update
 * the store directly; frequent ones (tokens, minibatches, iterations) go into the mutable
 * buffers of lab-data.ts and are published once per animation frame (frame.ts).
 */
import { LIVE_KEYS, type Config, type LiveKey, type LiveParams } from '../engine/params';
import type { WorkerEvent } from '../worker/protocol';
import { scalarsOf } from './data/history';
import { clearLabData, labData, MAX_MARKERS } from './data/lab-data';
import { flushCharts, markDirty, publishNow } from './data/frame';
import { formatParam } from './format';
import { configErrorsOf } from './slices/config';
import { useLab } from './store';

const get = useLab.getState;
const set = useLab.setState;

/**
 * Hands the lab link's timeline to the worker once, right after the run is built: each edit
 * carries its iteration (`atIteration`), so the worker applies it at exactly that boundary.
 */
function sendReplay(): void {
  const { replay, send } = get();
  if (!replay.length) return;
  for (const edit of replay) send({ type: 'set-params', params: edit.params, atIteration: edit.iteration });
  set({ replay: [] });
}

/** The draft with the live values of `config` (structural edits waiting for a reset are kept). */
function withLive(draft: Config, config: Config): Config {
  const out = { ...draft };
  for (const k of LIVE_KEYS) (out as Record<string, unknown>)[k] = config[k];
  return out;
}

/** Live values the controls hold that the freshly built trainer lacks (moved while it loaded). */
function liveDiff(draft: Config, loaded: Config): Partial<LiveParams> {
  const diff: Record<string, unknown> = {};
  for (const k of LIVE_KEYS) if (draft[k] !== loaded[k]) diff[k] = draft[k];
  return diff;
}

export function ingest(e: WorkerEvent): void {
  switch (e.type) {
    case 'ready': {
      clearLabData();
      // A replacement worker starts the run over: the controls show the config's live values,
      // and the client replays every edit at its own iteration (nothing to send from here).
      const draft = e.restarted ? withLive(get().draft, e.config) : get().draft;
      // Structural values come from the trainer; live values the user moved meanwhile are kept and sent.
      const pendingLive = liveDiff(draft, e.config);
      set({
        draft,
        backend: e.backend,
        task: e.task,
        loaded: e.config,
        inForce: e.config,
        iteration: 0,
        timeline: [],
        liveEdits: {},
        configErrors: configErrorsOf(draft),
      });
      publishNow();
      if (Object.keys(pendingLive).length) get().send({ type: 'set-params', params: pendingLive });
      sendReplay();
      return;
    }
    case 'status':
      if (e.state !== 'running') flushCharts();
      set({ runState: e.state, statusMessage: e.message ?? null, progress: e.progress ?? null });
      return;
    case 'rollout-start':
      labData.stream.begin(e.iteration, e.n, e.width, e.promptLength, e.group, e.prompts);
      markDirty('tokens');
      return;
    case 'rollout-token':
      labData.stream.addTokens(e.batch);
      markDirty('tokens');
      return;
    case 'rollout':
      labData.stream.setRollout(e.iteration, e.rollout);
      markDirty('tokens');
      return;
    case 'minibatch':
      labData.stream.addMinibatch(e.iteration, e.data);
      labData.minibatch = { iteration: e.iteration, data: e.data };
      markDirty('tokens');
      markDirty('minibatch');
      return;
    case 'iteration': {
      const m = e.metrics;
      labData.history.push(m.iter, scalarsOf(m));
      labData.latest = m;
      const applied = Object.entries(e.applied) as [LiveKey, Config[LiveKey]][];
      if (applied.length) {
        const label = applied.map(([k, v]) => formatParam(k, v)).join(', ');
        // A new array, not a push: the charts redraw their frame only when this reference changes.
        labData.markers = [...labData.markers, { iter: m.iter, label }].slice(-MAX_MARKERS);
        const { inForce, liveEdits, timeline, draft } = get();
        const edits = { ...liveEdits };
        // The controls show the value in force (an edit from the link's timeline moves them too),
        // unless the user has just sent a newer value the worker has not yet acknowledged.
        const shown = { ...draft };
        for (const [k, v] of applied) {
          const prev = liveEdits[k];
          if (prev && prev.appliedAt === null && prev.queuedFor === null) continue;
          edits[k] = { value: v, queuedFor: m.iter, appliedAt: m.iter };
          (shown as Record<string, unknown>)[k] = v;
        }
        set({
          draft: shown,
          configErrors: configErrorsOf(shown),
          inForce: inForce ? { ...inForce, ...e.applied } : inForce,
          liveEdits: edits,
          timeline: [...timeline, { iteration: m.iter, params: e.applied }],
        });
      }
      markDirty('metrics');
      markDirty('iteration');
      return;
    }
    case 'params-queued': {
      const edits = { ...get().liveEdits };
      for (const [k, v] of Object.entries(e.params) as [LiveKey, Config[LiveKey]][]) {
        edits[k] = { value: v, queuedFor: e.atIteration, appliedAt: null };
      }
      set({ liveEdits: edits });
      return;
    }
    case 'error':
      get().pushError(e.kind, e.message, e.iteration);
      return;
  }
}
