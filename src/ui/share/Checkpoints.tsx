/**
 * Save the policy to a file and load it back to go on from it. A file is checked in the
 * page first (engine/policy-checkpoint.ts), so a corrupt, hostile or foreign file is refused
 * here with what is wrong, and the running lab is not touched; the worker checks again.
 */
import { useState } from 'react';
import { decodePolicyCheckpoint, MAX_POLICY_BYTES } from '../../engine/policy-checkpoint';
import type { WorkerEvent } from '../../worker/protocol';
import { configErrorsOf } from '../slices/config';
import { useLab } from '../store';
import { download } from './download';

/** The worker's saved policy arrives as an event: hand it to the browser as a file. */
export function saveCheckpointEvents(e: WorkerEvent): void {
  if (e.type === 'checkpoint') download(e.fileName, e.bytes, 'application/octet-stream');
}

export function Checkpoints() {
  const send = useLab((s) => s.send);
  const loaded = useLab((s) => s.loaded);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const load = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_POLICY_BYTES)
      return setMessage({ ok: false, text: `${file.name} refused: it is larger than any saved policy` });
    const bytes = await file.arrayBuffer();
    try {
      const p = decodePolicyCheckpoint(bytes);
      // The controls take the file's config, so nothing of the old draft is re-sent to the new run.
      useLab.setState({ draft: p.config, configErrors: configErrorsOf(p.config), fieldErrors: {}, liveEdits: {}, replay: [] });
      send({ type: 'load-checkpoint', bytes });
      setMessage({
        ok: true,
        text: `Loaded ${p.config.task} · ${p.config.algo} at iteration ${p.iteration}. Press Start to go on from it (the sampling streams and Adam start afresh).`,
      });
    } catch (e) {
      setMessage({ ok: false, text: `${file.name} refused, nothing changed: ${(e as Error).message}` });
    }
  };

  return (
    <div className="share-section" data-testid="checkpoints">
      <h3>Checkpoint</h3>
      <p className="muted small">The policy's weights with its config and iteration. Loading one replaces the current run.</p>
      <span className="share-buttons">
        <button type="button" disabled={!loaded} onClick={() => send({ type: 'save-checkpoint' })} data-testid="save-checkpoint">
          Save policy
        </button>
        <label className="file-button">
          Load policy…{' '}
          <input
            type="file"
            accept=".ckpt,application/octet-stream"
            onChange={(e) => {
              void load(e.target.files?.[0]);
              e.target.value = '';
            }}
            data-testid="load-checkpoint"
          />
        </label>
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
