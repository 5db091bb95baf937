/**
 * The control panel, generated from PARAMS. A newcomer sees first the welcome strip (Learn
 * and Experiments) and the two choices that define a run, task and algorithm; then the live
 * parameters by group (they act on the running training at the next iteration); then the
 * rest of the run setup, which applies on Reset.
 */
import { PARAMS, PARAM_KEYS, type ParamKey } from '../../engine/params';
import { pendingStructural } from '../slices/config';
import { useLab } from '../store';
import { Welcome } from '../learn/Welcome';
import { ParamControl } from './ParamControl';
import { usePageMode } from '../share/page-mode';

const GROUPS: { id: (typeof PARAMS)[ParamKey]['group']; title: string }[] = [
  { id: 'ppo', title: 'PPO update' },
  { id: 'kl', title: 'KL to the reference' },
  { id: 'optim', title: 'Optimizer' },
  { id: 'sampling', title: 'Sampling' },
  { id: 'run', title: 'Run' },
];

/** The choices seen first, at the top of the panel. */
const FIRST: ParamKey[] = ['task', 'algo'];

const keysOf = (live: boolean, group: string) =>
  PARAM_KEYS.filter((k) => PARAMS[k].live === live && PARAMS[k].group === group && !FIRST.includes(k));

export function Controls() {
  const configErrors = useLab((s) => s.configErrors);
  const pending = useLab((s) => pendingStructural(s.draft, s.loaded).length);
  const applyAndReset = useLab((s) => s.applyAndReset);
  // Classroom mode: groups the lesson's link hides (share/page-keys.ts).
  const hide = usePageMode((m) => m.hide);
  return (
    <aside className="controls" aria-label="Parameters">
      <Welcome />
      {/* Task and algorithm are part of the run setup: a lesson that hides the setup hides them too. */}
      <section hidden={hide.has('group-setup')}>
        <h2>Task and algorithm</h2>
        <fieldset>
          <legend className="sr-only">What to train, and how</legend>
          {FIRST.map((k) => (
            <ParamControl key={k} k={k} />
          ))}
        </fieldset>
        {pending ? (
          <button type="button" className="primary" disabled={configErrors.length > 0} onClick={applyAndReset}>
            Apply {pending} change{pending > 1 ? 's' : ''} and reset
          </button>
        ) : null}
      </section>
      <section>
        <h2>Live</h2>
        <p className="muted small">Acts on the running training: takes effect at the next iteration, marked on every chart.</p>
        {GROUPS.map((g) => {
          const keys = keysOf(true, g.id);
          return keys.length && !hide.has(`group-${g.id}`) ? (
            <fieldset key={g.id}>
              <legend>{g.title}</legend>
              {keys.map((k) => (
                <ParamControl key={k} k={k} />
              ))}
            </fieldset>
          ) : null;
        })}
      </section>
      <section hidden={hide.has('group-setup')}>
        <h2>Run setup</h2>
        <p className="muted small">Applies on Reset (same seed, same start).</p>
        <fieldset>
          <legend>Structure</legend>
          {GROUPS.flatMap((g) => keysOf(false, g.id)).map((k) => (
            <ParamControl key={k} k={k} />
          ))}
        </fieldset>
        {configErrors.length ? (
          <div className="config-errors" role="alert" data-testid="config-errors">
            <strong>This combination cannot run:</strong>
            <ul>
              {configErrors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <button
          type="button"
          className="primary"
          disabled={configErrors.length > 0}
          onClick={applyAndReset}
          data-testid="apply-reset"
        >
          {pending ? `Apply ${pending} change${pending > 1 ? 's' : ''} and reset` : 'Reset with these settings'}
        </button>
      </section>
    </aside>
  );
}
