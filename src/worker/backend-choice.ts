/**
 * Which tfjs backend to run on, given what was asked for and what starts: the order and
 * the bookkeeping, apart from the browser probes (backend.ts) so it can be tested in Node.
 *
 *   auto:   webgpu → webgl → wasm → cpu, the first that starts;
 *   forced: that one, whatever it runs on; if it fails, the auto order without it, flagged
 *           as a fallback so the page can say the student is not getting what the link asked for.
 */
import type { BackendInfo, BackendName } from './protocol';

export const AUTO_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export type BackendRequest = BackendName | 'auto';

export type Attempt = { ok: true; description: string } | { ok: false; reason: string };

/**
 * Tries to start one backend (a failure is an Attempt with a reason). `chosenByUs` is true
 * unless the user asked for exactly this backend: then the probe may turn down a backend
 * that would run but badly (a GPU emulated in software), as the user did not insist on it.
 */
export type BackendProbe = (name: BackendName, chosenByUs: boolean) => Promise<Attempt>;

export async function chooseBackend(requested: BackendRequest, probe: BackendProbe): Promise<BackendInfo> {
  const order = requested === 'auto' ? AUTO_ORDER : [requested, ...AUTO_ORDER.filter((n) => n !== requested)];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order) {
    let attempt: Attempt;
    try {
      attempt = await probe(name, name !== requested);
    } catch (e) {
      attempt = { ok: false, reason: (e as Error).message || String(e) };
    }
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

/** The notice shown when a forced backend did not start. */
export function fallbackNotice(requested: BackendRequest, info: BackendInfo): string {
  const why = info.skipped.find((s) => s.name === requested)?.reason ?? 'it did not start';
  return `The ${requested} backend was requested but could not start (${why}); training runs on ${info.name} instead.`;
}
