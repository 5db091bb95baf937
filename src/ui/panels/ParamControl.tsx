/**
 * One control generated from its PARAMS entry: a slider (plus a number box for exact
 * values) for live numbers, a checkbox for booleans, a select or number box for structural
 * choices. Each carries its doc line behind a "?", the engine's validation message, and
 * for live parameters when the edit was queued and when it took effect.
 */
import { useId, useState, type KeyboardEvent } from 'react';
import { describeRange, flagOf, PARAMS, type Config, type NumberSpec, type ParamKey } from '../../engine/params';
import { formatValue } from '../format';
import { isLiveKey } from '../slices/config';
import { useLab } from '../store';
import { rangeAttrs, toPosition, valueAt } from './slider-scale';
import { useLocked, useParamHidden } from '../share/page-mode';
import { SizeHints } from './SizeHints';

/** Why a parameter does nothing under the chosen algorithm (dimmed, still editable). */
export function unusedBecause(key: ParamKey, c: Config): string | null {
  const ppoOnly: ParamKey[] = ['vfCoef', 'vfClip', 'gamma', 'lambda'];
  if (ppoOnly.includes(key) && c.algo !== 'ppo') return `${c.algo} has no critic`;
  if ((key === 'eps' || key === 'epsHigh') && c.algo === 'reinforce') return 'reinforce does not clip';
  if (key === 'whiten' && c.algo === 'grpo') return 'grpo normalises per group';
  if ((key === 'targetKl' || key === 'klHorizon') && !c.adaptiveBeta) return 'adaptive β is off';
  return null;
}

/** With adaptive β the engine moves β each iteration: show where it is now. */
function AdaptedBeta() {
  const adaptive = useLab((s) => s.inForce?.adaptiveBeta ?? false);
  const beta = useLab((s) => s.latest?.beta);
  if (!adaptive || beta === undefined) return null;
  return <span className="live-status applied">adaptive: β = {formatValue('beta', beta)} in the last iteration</span>;
}

function LiveStatus({ k }: { k: ParamKey }) {
  const edit = useLab((s) => (isLiveKey(k) ? s.liveEdits[k] : undefined));
  if (!edit) return null;
  const text =
    edit.appliedAt !== null
      ? `took effect at iteration ${edit.appliedAt}`
      : edit.queuedFor !== null
        ? `queued for iteration ${edit.queuedFor}`
        : 'sent…';
  return (
    <span className={`live-status ${edit.appliedAt !== null ? 'applied' : 'queued'}`} data-testid={`${flagOf(k)}-status`}>
      {text}
    </span>
  );
}

/**
 * A number box that commits on Enter or blur, so half-typed values are not validated. Its
 * parent keys it by the value in force, so a value set elsewhere (the slider, a link edit
 * taking effect, a NaN recovery) replaces whatever was half-typed.
 */
function NumberBox({
  k,
  id,
  value,
  label,
  onCommit,
}: {
  k: ParamKey;
  id?: string;
  value: number;
  label: string;
  onCommit: (raw: string) => void;
}) {
  const [text, setText] = useState(String(value));
  const spec = PARAMS[k] as NumberSpec;
  const commit = () => {
    if (text !== String(value)) onCommit(text);
  };
  return (
    <input
      id={id}
      type="number"
      className="num-box"
      aria-label={label}
      min={spec.min}
      max={spec.max}
      step={spec.integer ? 1 : 'any'}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => e.key === 'Enter' && commit()}
    />
  );
}

export function ParamControl({ k }: { k: ParamKey }) {
  const spec = PARAMS[k];
  const value = useLab((s) => s.draft[k]);
  const loadedValue = useLab((s) => s.loaded?.[k]);
  const error = useLab((s) => s.fieldErrors[k]);
  const unused = useLab((s) => unusedBecause(k, s.draft));
  const setParam = useLab((s) => s.setParam);
  const [help, setHelp] = useState(false);
  const id = useId();
  const flag = flagOf(k);
  const pending = !spec.live && loadedValue !== undefined && loadedValue !== value;
  // Classroom mode (share/page-keys.ts): hidden, or shown at a value the lesson fixed.
  const hidden = useParamHidden(k);
  const locked = useLocked(k);

  let input;
  if (spec.kind === 'boolean') {
    input = (
      <input
        id={id}
        type="checkbox"
        checked={value as boolean}
        onChange={(e) => setParam(k, e.target.checked)}
        data-testid={`${flag}-toggle`}
      />
    );
  } else if (spec.kind === 'enum') {
    input = (
      <select id={id} value={value as string} onChange={(e) => setParam(k, e.target.value)} data-testid={`${flag}-select`}>
        {spec.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (spec.live) {
    const v = value as number;
    input = (
      <span className="slider-row">
        <input
          id={id}
          type="range"
          {...rangeAttrs(spec)}
          value={toPosition(spec, v)}
          aria-valuetext={formatValue(k, v)}
          onChange={(e) => setParam(k, valueAt(spec, Number(e.target.value), v))}
          data-testid={`${flag}-slider`}
        />
        <NumberBox key={v} k={k} value={v} label={`${flag} value`} onCommit={(raw) => setParam(k, raw)} />
      </span>
    );
  } else {
    input = (
      <NumberBox key={value as number} k={k} id={id} value={value as number} label={flag} onCommit={(raw) => setParam(k, raw)} />
    );
  }

  if (hidden) return null;
  return (
    <div className={`param ${unused ? 'unused' : ''} ${pending ? 'pending' : ''} ${locked ? 'locked' : ''}`} data-param={flag}>
      <div className="param-head">
        <label htmlFor={id}>{flag}</label>
        {spec.kind === 'number' ? <span className="param-value">{formatValue(k, value)}</span> : null}
        <button
          type="button"
          className="help small"
          aria-expanded={help}
          aria-label={`About ${flag}`}
          onClick={() => setHelp(!help)}
        >
          ?
        </button>
      </div>
      {locked ? (
        <fieldset disabled className="locked-input" title="Locked by this lesson's link">
          {input}
        </fieldset>
      ) : (
        input
      )}
      {help ? (
        <p className="param-doc">
          {spec.doc}{' '}
          <span className="muted">
            ({describeRange(k)}; {spec.live ? 'live: takes effect at the next iteration' : 'applies on Reset'})
          </span>
        </p>
      ) : null}
      {unused ? <span className="muted small">unused: {unused}</span> : null}
      {pending ? <span className="pending-note">running: {String(loadedValue)} · applies on Reset</span> : null}
      {spec.live ? <LiveStatus k={k} /> : null}
      {k === 'beta' ? <AdaptedBeta /> : null}
      {k === 'model' ? <SizeHints /> : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
