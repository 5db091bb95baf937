/**
 * Error banners, one per worker error event (and per corrected lab link), each with a way
 * to continue: after a NaN, lower the learning rate and resume; after a crash or a failed
 * load, reset.
 */
import { PARAMS } from '../../engine/params';
import type { ErrorBanner } from '../slices/run';
import { useLab } from '../store';
import { snap } from './slider-scale';

const TITLES: Record<ErrorBanner['kind'], string> = {
  nan: 'The loss became NaN',
  backend: 'Backend',
  config: 'Configuration refused',
  checkpoint: 'Reference checkpoint',
  crash: 'The training worker crashed',
  internal: 'Internal error',
  link: 'Lab link corrected',
};

function Actions({ e }: { e: ErrorBanner }) {
  const lr = useLab((s) => s.draft.lr);
  const { setParam, start, applyAndReset, dismissError } = useLab.getState();
  const lower = snap(PARAMS.lr, lr * 0.3);
  return (
    <div className="banner-actions">
      {e.kind === 'nan' ? (
        <button
          type="button"
          className="primary"
          data-testid="nan-recover"
          onClick={() => {
            setParam('lr', lower);
            dismissError(e.id);
            start();
          }}
        >
          Lower the learning rate to {lower} and resume
        </button>
      ) : null}
      {e.kind === 'crash' || e.kind === 'checkpoint' || e.kind === 'internal' ? (
        <button type="button" onClick={applyAndReset}>
          Reset
        </button>
      ) : null}
      <button type="button" onClick={() => dismissError(e.id)} aria-label="Dismiss">
        Dismiss
      </button>
    </div>
  );
}

export function ErrorBanners() {
  const errors = useLab((s) => s.errors);
  if (!errors.length) return null;
  return (
    <div className="banners">
      {errors.map((e) => (
        <div key={e.id} className={`banner banner-${e.kind}`} role="alert" data-testid="error" data-kind={e.kind}>
          <div>
            <strong>{TITLES[e.kind]}</strong>
            {e.iteration !== undefined ? ` (iteration ${e.iteration})` : ''}: {e.message}
          </div>
          <Actions e={e} />
        </div>
      ))}
    </div>
  );
}
