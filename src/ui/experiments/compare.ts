/**
 * Runs side by side: finished runs are recorded (config, live edits, metrics of every
 * iteration) and pinned, and every time chart draws the pinned runs over the live one, one
 * colour per run (charts/TimeChart.tsx). The record is kept in localStorage, so a
 * comparison survives a reload, and can be shared as a link that lists its runs (each an
 * ordinary lab link: `?view=experiments&runs=…&runs=…`), which replays them.
 *
 * Everything read back (storage, a shared link) is validated like any other input: configs
 * by the engine's parser, metrics kept only where they are finite numbers.
 */
import { create } from 'zustand';
import { decodeLink, encodeLink, type Timeline } from '../../engine/link';
import type { Metrics } from '../../engine/metrics';
import { parseConfig, PARAM_KEYS, type Config, type ParamKey } from '../../engine/params';
import { scalarsOf, type HistoryRow } from '../data/history';
import { runRecord } from '../share/record';
import { formatParam } from '../format';
import { useLab } from '../store';

export interface RecordedRun {
  id: string;
  /** The legend's name for it; null: named by how its config differs from the other runs'. */
  label: string | null;
  config: Config;
  /** Live edits applied during the run. */
  timeline: Timeline;
  /** Scalar metrics per iteration, as the time charts draw them. */
  rows: HistoryRow[];
  /** Per-iteration metrics that are lists (KL by position), for the experiments' signals. */
  lists: Record<string, number[]>[];
  /** The experiment and run it came from, when it came from one. */
  experiment?: string;
  runId?: string;
}

/** A pinned run as a chart overlays it. */
export interface Overlay {
  id: string;
  label: string;
  color: string;
  rows: HistoryRow[];
}

/** Distinct from the charts' own series colours; readable on both themes. */
export const PIN_COLORS = ['#e11d48', '#0891b2', '#65a30d', '#7c3aed', '#d97706', '#475569'] as const;
export const MAX_PINNED = PIN_COLORS.length;
const STORAGE_KEY = 'ppo-lab:comparison';
const MAX_LABEL = 200;
const MAX_ROWS = 2000;

interface CompareState {
  runs: RecordedRun[];
  /** The pinned run that is also the live one (not drawn twice); null when none is. */
  liveId: string | null;
  /** Why a saved comparison could not be read back, if it could not. */
  message: string | null;
}

let nextId = 1;
const newId = () => `run-${Date.now().toString(36)}-${nextId++}`;

/** Empty until the saved comparison is read back, at the end of this module. */
export const useCompare = create<CompareState>()(() => ({ runs: [], liveId: null, message: null }));

function save(runs: RecordedRun[]): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ v: 1, runs }));
  } catch {
    /* storage full or blocked: the comparison still holds for this visit */
  }
}

/** Pins a recorded run (the oldest goes past MAX_PINNED); `live` when it is the run on screen. */
export function pin(run: Omit<RecordedRun, 'id'>, live = false): string {
  const id = newId();
  const runs = [...useCompare.getState().runs, { ...run, id }].slice(-MAX_PINNED);
  useCompare.setState({ runs, liveId: live ? id : null });
  save(runs);
  return id;
}

export function unpin(id: string): void {
  const { runs, liveId } = useCompare.getState();
  const kept = runs.filter((r) => r.id !== id);
  useCompare.setState({ runs: kept, liveId: liveId === id ? null : liveId });
  save(kept);
}

export function clearPinned(): void {
  useCompare.setState({ runs: [], liveId: null, message: null });
  save([]);
}

/** The live run is no longer the pinned one (a new run was loaded). */
export function detachLive(): void {
  if (useCompare.getState().liveId !== null) useCompare.setState({ liveId: null });
}

/** Splits one iteration's metrics into the charts' scalars and the lists. */
function recordIteration(m: Metrics): { row: HistoryRow; lists: Record<string, number[]> } {
  const lists: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(m)) if (Array.isArray(v) && v.every((x) => typeof x === 'number')) lists[k] = v;
  return { row: { ...scalarsOf(m), iter: m.iter, from: m.iter, n: 1 }, lists };
}

/** The run on screen as a record: the config it was built from, its live edits, every iteration so far (or the first `upTo`). */
export function recordCurrent(upTo = Infinity): Omit<RecordedRun, 'id' | 'label'> | null {
  const { loaded, timeline } = useLab.getState();
  const log = runRecord.metrics.filter((m) => m.iter <= upTo);
  if (!loaded || !log.length) return null;
  const parts = log.map(recordIteration);
  return {
    config: loaded,
    timeline: timeline.filter((e) => e.iteration <= upTo),
    rows: parts.map((p) => p.row),
    lists: parts.map((p) => p.lists),
  };
}

/** Pins the run on screen; returns false when there is nothing to pin yet. */
export function pinCurrent(): boolean {
  const run = recordCurrent();
  if (!run) return false;
  pin({ ...run, label: null }, true);
  return true;
}

/** A recorded run's metrics per iteration (scalars and lists), as the experiments' signals read them. */
export const metricsOf = (run: RecordedRun): object[] => run.rows.map((r, i) => ({ ...r, ...run.lists[i] }));

// ─── Names: how each run differs from the others ────────────────────────────

function editLabel(timeline: Timeline): string {
  return timeline
    .map(
      (e) =>
        `at ${e.iteration}: ${Object.entries(e.params)
          .map(([k, v]) => formatParam(k as ParamKey, v as Config[ParamKey]))
          .join(', ')}`,
    )
    .join('; ');
}

/** For each config (with its live edits), the settings in which it differs from the others ("epochs 4, lr 0.003"). */
export function differenceLabels(runs: { config: Config; timeline: Timeline }[]): string[] {
  const differing = PARAM_KEYS.filter((k) => k !== 'backend' && runs.some((r) => r.config[k] !== runs[0]!.config[k]));
  const edits = runs.map((r) => editLabel(r.timeline));
  const editsDiffer = edits.some((e) => e !== edits[0]);
  return runs.map((r, i) => {
    const parts = differing.map((k) => formatParam(k, r.config[k]));
    if (editsDiffer && edits[i]) parts.push(`edits ${edits[i]}`);
    return parts.join(', ') || (runs.length > 1 ? 'same settings' : 'this run');
  });
}

/** Every pinned run's name: its own label, or how it differs from the others. */
export function labelsOf(runs: readonly RecordedRun[]): string[] {
  const derived = differenceLabels([...runs]);
  return runs.map((r, i) => r.label ?? derived[i]!);
}

let overlayCache: { runs: RecordedRun[]; liveId: string | null; out: Overlay[] } | null = null;

/** The pinned runs the charts draw over the live one (the same array until the pins change). */
export function overlaysOf(s: CompareState): Overlay[] {
  if (overlayCache && overlayCache.runs === s.runs && overlayCache.liveId === s.liveId) return overlayCache.out;
  const labels = labelsOf(s.runs);
  const out = s.runs
    .map((r, i) => ({ id: r.id, label: labels[i]!, color: PIN_COLORS[i % PIN_COLORS.length]!, rows: r.rows }))
    .filter((o) => o.id !== s.liveId);
  overlayCache = { runs: s.runs, liveId: s.liveId, out };
  return out;
}

export const useOverlays = (): Overlay[] => useCompare(overlaysOf);

// A new run in the lab (a reset, a new config) is never the pinned one: from then on the pin is drawn as an overlay.
useLab.subscribe((s, before) => {
  if (s.loaded !== before.loaded) detachLive();
});

// ─── Sharing ─────────────────────────────────────────────────────────────────

/** The comparison as a link that lists its runs (each run an ordinary lab link). */
export function comparisonQuery(runs: readonly RecordedRun[]): string {
  const q = new URLSearchParams({ view: 'experiments' });
  for (const r of runs) q.append('runs', encodeLink(r.config, r.timeline));
  return q.toString();
}

export interface SharedRun {
  config: Config;
  timeline: Timeline;
}

/** Reads the runs of a shared comparison; a run whose link is broken is reported and left out. */
export function readSharedRuns(links: readonly string[]): { runs: SharedRun[]; errors: string[] } {
  const runs: SharedRun[] = [];
  const errors: string[] = [];
  links.slice(0, MAX_PINNED).forEach((link, i) => {
    const d = decodeLink(link);
    if (d.errors.length) errors.push(`run ${i + 1}: ${d.errors.join('; ')}`);
    else runs.push({ config: d.config, timeline: d.timeline });
  });
  if (links.length > MAX_PINNED) errors.push(`only the first ${MAX_PINNED} runs are compared`);
  return { runs, errors };
}

// ─── Reading back what was stored ───────────────────────────────────────────

const finiteOrNull = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v));

function readRun(raw: unknown): RecordedRun | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const parsed = parseConfig(r.config);
  if (!parsed.ok || !Array.isArray(r.rows) || !Array.isArray(r.timeline)) return null;
  // The timeline goes through the link codec: what it would refuse in a link is dropped here too.
  const decoded = decodeLink(encodeLink(parsed.config, r.timeline as Timeline));
  if (decoded.errors.length) return null;
  const rows: HistoryRow[] = [];
  for (const row of r.rows.slice(0, MAX_ROWS)) {
    if (typeof row !== 'object' || row === null) return null;
    const clean: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(row as Record<string, unknown>)) if (finiteOrNull(v)) clean[k] = v;
    if (typeof clean.iter !== 'number') return null;
    rows.push({ ...clean, iter: clean.iter, from: clean.from ?? clean.iter, n: clean.n ?? 1 });
  }
  const lists = (Array.isArray(r.lists) ? r.lists : []).slice(0, rows.length).map((l: unknown) => {
    const clean: Record<string, number[]> = {};
    if (typeof l === 'object' && l !== null)
      for (const [k, v] of Object.entries(l as Record<string, unknown>))
        if (Array.isArray(v) && v.length <= 64 && v.every((x) => typeof x === 'number' && Number.isFinite(x))) clean[k] = v;
    return clean;
  });
  const label = typeof r.label === 'string' ? r.label.slice(0, MAX_LABEL) : null;
  const text = (v: unknown) => (typeof v === 'string' && /^[a-z0-9_-]{1,40}$/.test(v) ? v : undefined);
  const experiment = text(r.experiment);
  const runId = text(r.runId);
  return {
    id: newId(),
    label,
    config: parsed.config,
    timeline: decoded.timeline,
    rows,
    lists,
    ...(experiment ? { experiment } : {}),
    ...(runId ? { runId } : {}),
  };
}

function loadStored(): { runs: RecordedRun[]; message: string | null } {
  let text: string | null;
  try {
    text = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  } catch {
    return { runs: [], message: null }; // storage blocked: nothing to restore
  }
  if (text === null) return { runs: [], message: null };
  try {
    const data = JSON.parse(text) as { v?: unknown; runs?: unknown };
    if (data.v !== 1 || !Array.isArray(data.runs)) throw new Error('not a comparison');
    const runs = data.runs.slice(0, MAX_PINNED).map(readRun);
    const kept = runs.filter((r): r is RecordedRun => r !== null);
    const dropped = runs.length - kept.length;
    return { runs: kept, message: dropped ? `${dropped} saved run(s) could not be read back and were left out` : null };
  } catch {
    return { runs: [], message: 'the saved comparison could not be read back: it was cleared' };
  }
}

useCompare.setState(loadStored());
