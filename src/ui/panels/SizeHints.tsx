/**
 * Under the model picker: each size's parameter count and, once the run has timed a few
 * iterations, its seconds per iteration on the backend in use (measured for the size that
 * runs, estimated for the others from their kernels and FLOPs: size-estimate.ts), with the slow ones marked.
 */
import { useLab } from '../store';
import { measuredIterationMs, sizeHints, type Timing } from '../size-estimate';

const thousands = (n: number) => `${Math.round(n / 1000)}k`;
const seconds = (s: number) => (s < 1 ? s.toFixed(2) : s.toFixed(1));

export function SizeHints() {
  const task = useLab((s) => s.draft.task);
  const config = useLab((s) => s.inForce);
  const backend = useLab((s) => s.backend?.name ?? null);
  const latest = useLab((s) => s.latest);
  const iterationMs = useLab((s) => measuredIterationMs(s.rows));
  const timing: Timing | null =
    config && latest && backend && iterationMs !== null
      ? { config, backend, iterationMs, steps: latest['completions/max_length'], epochsRun: latest.epochs_run }
      : null;
  const hints = sizeHints(task, timing);
  if (!hints) return null;
  const timedSize = hints.find((h) => h.measured)?.size;
  return (
    <div className="size-hints small" data-testid="size-hints">
      <span className="muted">
        {timedSize
          ? `Seconds per iteration on ${backend}: measured for ${timedSize}; the others estimated from it (a fixed cost per kernel, which grows with the layers, plus the arithmetic, which grows with the FLOPs).`
          : 'Parameters per size; times on this backend appear after a few iterations.'}
      </span>
      <ul>
        {hints.map((h) => (
          <li key={h.size} data-size={h.size} className={h.slow ? 'slow' : undefined}>
            {h.size}: {thousands(h.parameters)} parameters
            {h.seconds !== null
              ? ` · ${h.measured ? '' : '≈ '}${seconds(h.seconds)} s${h.measured ? ' (measured)' : ' (estimate)'}`
              : ''}
            {h.slow ? ` · slow on ${backend}` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
