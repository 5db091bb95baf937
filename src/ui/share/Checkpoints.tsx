/**
 * Save the policy to a file and load it back to go on from it, or to compare: then the run
 * on screen is pinned first (experiments/compare.ts), so its curves stay on every time chart
 * beside the run that goes on from the loaded policy. A file is checked in the page first
 * (engine/policy-checkpoint.ts), so a corrupt, hostile or foreign file is refused here with
 * what is wrong, and the running lab is not touched; the worker checks again.
 */
import { useState } from 'react';
import { decodePolicyCheckpoint, MAX_POLICY_BYTES } from '../../engine/policy-checkpoint';
import type { WorkerEvent } from '../../worker/protocol';
import { pin, recordCurrent, useCompare } from '../experiments/compare';
import { configErrorsOf } from '../slices/config';
import { useLab } from '../store';
import { download } from './download';

/** Pins the run on screen (unless it already is), named for the file loaded after it; false when it has no iterations. */
function keepOnCharts(fileName: string): boolean {
  if (useCompare.getState().liveId !== null) return true;
  const run = recordCurrent();
  if (!run) return false;
  pin({ ...run, label: `the run before loading ${fileName.slice(0, 60)}` }, true);
  return true;
}

/** The worker's saved policy arrives as an event: hand it to the browser as a file. */
export function saveCheckpointEvents(e: WorkerEvent): void {
  if (e.type === 'checkpoint') download(e.fileName, e.bytes, 'application/octet-stream');
}

export function Checkpoints() {
  const send = useLab((s) => s.send);
  const loaded = useLab((s) => s.loaded);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const load = async (file: File | undefined, compare: boolean) => {
    if (!file) return;
    if (file.size > MAX_POLICY_BYTES)
      return setMessage({ ok: false, text: `${file.name} refused: it is larger than any saved policy` });
    const bytes = await file.arrayBuffer();
    try {
      const p = decodePolicyCheckpoint(bytes);
      const kept = compare && keepOnCharts(file.name);
      // The controls take the file's config, so nothing of the old draft is re-sent to the new run.
      useLab.setState({ draft: p.config, configErrors: configErrorsOf(p.config), fieldErrors: {}, liveEdits: {}, replay: [] });
      send({ type: 'load-checkpoint', bytes });
      const comparing = !compare
        ? ''
        : kept
          ? ' The run before it is pinned: its curves stay on the charts beside this one.'
          : ' The run on screen had no iterations to compare with.';
      setMessage({
        ok: true,
        text: `Loaded ${p.config.task} · ${p.config.algo} at iteration ${p.iteration}. Press Start to go on from it (the sampling streams and Adam start afresh).${comparing}`,
      });
    } catch (e) {
      setMessage({ ok: false, text: `${file.name} refused, nothing changed: ${(e as Error).message}` });
    }
  };

  return (
    <div className="share-section" data-testid="checkpoints">
      <h3>Checkpoint</h3>
      <p className="muted small">
        The policy's weights with its config and iteration. Loading one replaces the current run; to compare, the current run is
        pinned first and stays on the charts.
      </p>
      <span className="share-buttons">
        <button type="button" disabled={!loaded} onClick={() => send({ type: 'save-checkpoint' })} data-testid="save-checkpoint">
          Save policy
        </button>
        <LoadButton label="Load policy…" onFile={(f) => void load(f, false)} testId="load-checkpoint" />
        <LoadButton label="Load to compare…" onFile={(f) => void load(f, true)} testId="load-checkpoint-compare" />
      </span>
      {message ? (
        <p
          className={message.ok ? 'muted small' : 'field-error'}
          role={message.ok ? 'status' : 'alert'}
          data-testid="checkpoint-message"
        >
          {message.text}
        </p>
      ) : null}
    </div>
  );
}

function LoadButton({ label, onFile, testId }: { label: string; onFile: (file: File | undefined) => void; testId: string }) {
  return (
    <label className="file-button">
      {label}{' '}
      <input
        type="file"
        accept=".ckpt,application/octet-stream"
        onChange={(e) => {
          onFile(e.target.files?.[0]);
          e.target.value = '';
        }}
        data-testid={testId}
      />
    </label>
  );
}
