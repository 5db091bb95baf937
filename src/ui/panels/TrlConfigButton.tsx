/**
 * "TRL config": shows the settings in force as a TRL PPOConfig / GRPOConfig (Python, written
 * by src/share/trl-config.ts), to copy or download as a .py file.
 */
import { useState } from 'react';
import { targetOf, trlConfigPython } from '../../share/trl-config';
import { useLab } from '../store';
import { labLinkUrl } from './CopyLink';
import './trl-config.css';

export function TrlConfigButton() {
  const [out, setOut] = useState<{ python: string; file: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const python = out?.python ?? null;
  const open = () => {
    const { inForce, loaded, draft } = useLab.getState();
    const config = inForce ?? loaded ?? draft;
    const file = `ppo-lab-${targetOf(config) === 'PPOConfig' ? 'ppo' : 'grpo'}-config.py`;
    setOut({ python: trlConfigPython(config, labLinkUrl()), file });
    setCopied(false);
  };
  const copy = async () => {
    if (python === null) return;
    try {
      await navigator.clipboard.writeText(python);
      setCopied(true);
    } catch {
      setCopied(false); // no clipboard permission: the text is shown to select by hand
    }
  };
  const download = () => {
    if (out === null) return;
    const url = URL.createObjectURL(new Blob([out.python], { type: 'text/x-python' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = out.file;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="trl-config">
      <button
        type="button"
        onClick={python === null ? open : () => setOut(null)}
        aria-expanded={python !== null}
        data-testid="trl-config"
        title="The settings in force as a TRL PPOConfig or GRPOConfig (Python)"
      >
        TRL config
      </button>
      {python !== null ? (
        <div className="trl-config-out" role="dialog" aria-label="TRL config">
          <pre data-testid="trl-config-text">{python}</pre>
          <div className="row">
            <button type="button" onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button type="button" onClick={download}>
              Download .py
            </button>
            <button type="button" onClick={() => setOut(null)}>
              Close
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
