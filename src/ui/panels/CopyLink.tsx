/**
 * Copies the lab link: the config the run was built from plus the timeline of live edits,
 * encoded by the engine's link codec, so the run replays exactly on the same backend.
 */
import { useState } from 'react';
import { encodeLink } from '../../engine/link';
import { useLab } from '../store';

export function labLinkUrl(): string {
  const { loaded, draft, timeline, backend } = useLab.getState();
  // The backend the run is on, not `auto`: another browser's auto could pick another, and numbers differ by backend.
  const config = loaded && backend ? { ...loaded, backend: backend.name } : (loaded ?? draft);
  return `${location.origin}${location.pathname}?${encodeLink(config, timeline)}`;
}

export function CopyLink() {
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    const url = labLinkUrl();
    setLink(url);
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false); // no clipboard permission: the link is shown to copy by hand
    }
  };
  return (
    <div className="copy-link">
      <button
        type="button"
        onClick={() => void copy()}
        data-testid="copy-link"
        title="Copy a link that replays this run: settings and live edits"
      >
        Copy lab link
      </button>
      {link ? (
        <span className="link-out">
          <input readOnly value={link} aria-label="Lab link" data-testid="link-text" onFocus={(e) => e.target.select()} />
          <span className="muted small" role="status">
            {copied ? 'copied' : 'select and copy'}
          </span>
        </span>
      ) : null}
    </div>
  );
}
