/**
 * Which tfjs backend to run on, given what was asked for and what starts: the order and
 * the bookkeeping, apart from the browser probes (backend.ts) so it can be tested in Node.
 *
 *   auto, with a timer: every GPU-or-wasm backend that starts runs the same short warm-up
 *           (backend-measure.ts) and the fastest wins; the choice is remembered per browser,
 *           model size and batch (choiceKey), so the next visit starts at once. Why: on a real
 *           GPU the winner depends on the work each dispatch carries. On an H100 through
 *           WebGPU the default iteration (base, batch 64) ran 2–3× slower than wasm on the same
 *           machine, while `large` and a batch of 256 ran more than 2× faster (README, Speed);
 *   auto, without a timer: webgpu → webgl → wasm → cpu, the first that starts;
 *   forced: that one, whatever it runs on; if it fails, the auto order without it, flagged
 *           as a fallback so the page can say the student is not getting what the link asked for.
 */
import type { BackendInfo, BackendName } from './protocol';

export const AUTO_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** The backends `auto` times; cpu is the last resort, never faster than wasm. */
export const MEASURED: readonly BackendName[] = ['webgpu', 'webgl', 'wasm'];

export type BackendRequest = BackendName | 'auto';

export type Attempt = { ok: true; description: string } | { ok: false; reason: string };

/**
 * Tries to start one backend (a failure is an Attempt with a reason). `chosenByUs` is true
 * unless the user asked for exactly this backend: then the probe may turn down a backend
 * that would run but badly (a GPU emulated in software), as the user did not insist on it.
 */
export type BackendProbe = (name: BackendName, chosenByUs: boolean) => Promise<Attempt>;

/** A remembered choice: the winner and every backend's warm-up time when it was measured. */
export interface SavedChoice {
  name: BackendName;
  measured: { name: BackendName; ms: number }[];
}

/** Where choices are remembered, by key (the model size): IndexedDB in the worker, a Map in tests. */
export interface ChoiceStore {
  get(key: string): Promise<unknown>;
  set(key: string, choice: SavedChoice): Promise<void>;
}

/** A stored choice read back, or null when it is not one (an old format, a hand-edited store). */
export function parseSavedChoice(value: unknown): SavedChoice | null {
  const v = value as Partial<SavedChoice> | null;
  const isName = (n: unknown): n is BackendName => AUTO_ORDER.includes(n as BackendName);
  if (!v || typeof v !== 'object' || !isName(v.name) || !Array.isArray(v.measured)) return null;
  const measured = v.measured.filter(
    (m) => m && isName(m.name) && typeof m.ms === 'number' && Number.isFinite(m.ms) && m.ms >= 0,
  );
  if (measured.length !== v.measured.length || !measured.some((m) => m.name === v.name)) return null;
  return { name: v.name, measured: measured.map((m) => ({ name: m.name, ms: m.ms })) };
}

/**
 * What a remembered choice is keyed by: the two settings that change the work per GPU dispatch
 * by an order of magnitude, and with it which backend wins. The task's shape matters far less.
 */
export const choiceKey = (config: { model: string; batch: number }): string => `model:${config.model} batch:${config.batch}`;

export interface Measuring {
  /** Runs the warm-up on the backend just started; its time in ms. */
  time: (name: BackendName) => Promise<number>;
  store: ChoiceStore;
  key: string;
}

const ms = (x: number) => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;

async function tryProbe(probe: BackendProbe, name: BackendName, chosenByUs: boolean): Promise<Attempt> {
  try {
    return await probe(name, chosenByUs);
  } catch (e) {
    return { ok: false, reason: (e as Error).message || String(e) };
  }
}

export async function chooseBackend(requested: BackendRequest, probe: BackendProbe, measuring?: Measuring): Promise<BackendInfo> {
  if (requested === 'auto' && measuring) return chooseByMeasurement(probe, measuring);
  const order = requested === 'auto' ? AUTO_ORDER : [requested, ...AUTO_ORDER.filter((n) => n !== requested)];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order) {
    const attempt = await tryProbe(probe, name, name !== requested);
    if (!attempt.ok) {
      skipped.push({ name, reason: attempt.reason });
      continue;
    }
    // The ones never tried, and why, so the page can explain every backend.
    for (const other of AUTO_ORDER) {
      if (other === name || skipped.some((s) => s.name === other)) continue;
      skipped.push({ name: other, reason: requested === 'auto' ? `not needed: ${name} comes first` : 'not requested' });
    }
    return { name, description: attempt.description, skipped, fallback: requested !== 'auto' && name !== requested };
  }
  throw new Error(`no tfjs backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/** How the winner compares, for the status bar: what each measured and why this one won. */
function explain(choice: SavedChoice, when: string): { summary: string; reasons: Map<BackendName, string> } {
  const winner = choice.measured.find((m) => m.name === choice.name);
  const reasons = new Map<BackendName, string>();
  for (const m of choice.measured) {
    if (m.name !== choice.name) reasons.set(m.name, `warm-up ${ms(m.ms)} ${when}, slower than ${choice.name}`);
  }
  const others = choice.measured.filter((m) => m.name !== choice.name).map((m) => `${m.name} ${ms(m.ms)}`);
  const summary = winner
    ? `fastest warm-up ${when}: ${ms(winner.ms)}${others.length ? ` (${others.join(', ')})` : ' (the only one that started)'}`
    : '';
  return { summary, reasons };
}

async function chooseByMeasurement(probe: BackendProbe, m: Measuring): Promise<BackendInfo> {
  const skipped: BackendInfo['skipped'] = [];
  // A choice remembered from an earlier visit: start it directly, if it still starts.
  const saved = parseSavedChoice(await m.store.get(m.key).catch(() => null));
  if (saved) {
    const attempt = await tryProbe(probe, saved.name, true);
    if (attempt.ok) {
      const { summary, reasons } = explain(saved, 'on an earlier visit');
      for (const name of AUTO_ORDER) {
        if (name !== saved.name)
          skipped.push({ name, reason: reasons.get(name) ?? 'not measured on an earlier visit (it did not start then)' });
      }
      return { name: saved.name, description: `${attempt.description}; ${summary}`, skipped, fallback: false };
    }
    skipped.push({ name: saved.name, reason: `chosen on an earlier visit but no longer starts: ${attempt.reason}` });
  }
  const measured: SavedChoice['measured'] = [];
  const descriptions = new Map<BackendName, string>();
  let lastProbed: BackendName | null = null;
  for (const name of MEASURED) {
    if (skipped.some((s) => s.name === name)) continue;
    lastProbed = name;
    const attempt = await tryProbe(probe, name, true);
    if (!attempt.ok) {
      skipped.push({ name, reason: attempt.reason });
      continue;
    }
    try {
      measured.push({ name, ms: await m.time(name) });
      descriptions.set(name, attempt.description);
    } catch (e) {
      skipped.push({ name, reason: `started, but the warm-up failed: ${(e as Error).message || String(e)}` });
    }
  }
  if (!measured.length) {
    // Nothing measurable: the plain order over what is left (cpu).
    const info = await chooseBackend('cpu', probe);
    return {
      ...info,
      skipped: [...skipped, ...info.skipped.filter((s) => !skipped.some((k) => k.name === s.name))],
      fallback: false,
    };
  }
  const best = measured.reduce((a, b) => (b.ms < a.ms ? b : a));
  const choice: SavedChoice = { name: best.name, measured };
  // The backend probed last is the one running: start the winner again unless it was that one.
  if (lastProbed !== best.name) {
    const again = await tryProbe(probe, best.name, true);
    if (!again.ok) throw new Error(`${best.name} was fastest but did not start again: ${again.reason}`);
  }
  await m.store.set(m.key, choice).catch(() => undefined);
  const { summary, reasons } = explain(choice, 'measured now');
  for (const name of AUTO_ORDER) {
    if (name === best.name || skipped.some((s) => s.name === name)) continue;
    skipped.push({ name, reason: reasons.get(name) ?? `not needed: ${best.name} was measured faster than cpu can be` });
  }
  return { name: best.name, description: `${descriptions.get(best.name)}; ${summary}`, skipped, fallback: false };
}
