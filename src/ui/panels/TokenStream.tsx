/**
 * The token stream: the current iteration's completions, token by token as they are sampled,
 * then scored, then coloured by case as the update trains them. Only one page of
 * completions is rendered (16 by default, whole GRPO groups) so the DOM stays small, and it
 * re-renders at most once per animation frame (tokensVersion), never per token.
 */
import { useState, type FocusEvent, type MouseEvent } from 'react';
import { labData } from '../data/lab-data';
import type { TokenStream as Stream } from '../data/token-stream';
import { Card } from '../explain/Explain';
import { fmt, fmtExact } from '../format';
import { caseInfo, CASE_INFO, NO_SIGNAL } from '../charts/cases-info';
import { useLab } from '../store';
import type { TaskInfo } from '../../worker/protocol';

const PAGE = 16;

/** Slow-motion speeds, in sampled positions per second (null = as fast as training goes). */
const SPEEDS: { label: string; value: number | null }[] = [
  { label: 'full speed', value: null },
  { label: '20 positions/s', value: 20 },
  { label: '5 positions/s', value: 5 },
  { label: '1 position/s', value: 1 },
];

/** Slow motion: the worker releases sampled positions at this pace (training itself runs at full speed). */
function WatchSpeed() {
  const [speed, setSpeed] = useState<number | null>(null);
  const send = useLab((s) => s.send);
  return (
    <label className="inline-select">
      <span className="sr-only">Watching speed</span>
      <select
        value={String(speed)}
        data-testid="watch-speed"
        title="Slow motion: show sampling one position at a time"
        onChange={(e) => {
          const v = e.target.value === 'null' ? null : Number(e.target.value);
          setSpeed(v);
          send({ type: 'set-watch', stepsPerSecond: v });
        }}
      >
        {SPEEDS.map((o) => (
          <option key={o.label} value={String(o.value)}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Completions per page: whole groups when they fit, so a GRPO group is never split. */
export const pageSize = (group: number): number => (group > 1 && group <= PAGE ? group * Math.floor(PAGE / group) : PAGE);

interface Hovered {
  seq: number;
  t: number;
}

const tokenText = (task: TaskInfo | null, id: number): string => (id < 0 ? '' : (task?.vocab[id] ?? `<${id}>`));

function phaseText(s: Stream, epochs: number | undefined): string {
  switch (s.phase) {
    case 'empty':
      return 'waiting for the first rollout';
    case 'sampling':
      return 'sampling tokens from π_old…';
    case 'scored':
      return 'scored: rewards and advantages in';
    case 'updating': {
      let maxEpoch = 0;
      for (let i = 0; i < s.epoch.length; i++) maxEpoch = Math.max(maxEpoch, s.epoch[i]!);
      return `update: epoch ${maxEpoch + 1}${epochs ? ` of ${epochs}` : ''}`;
    }
  }
}

function Inspector({ s, task, h, algo }: { s: Stream; task: TaskInfo | null; h: Hovered | null; algo: string | undefined }) {
  if (!h || h.seq >= s.n || h.t >= s.lengths[h.seq]!) {
    return <div className="inspector muted">Hover or focus a token for its numbers.</div>;
  }
  const k = h.seq * s.width + h.t;
  const trained = s.epoch[k]! >= 0;
  const info = caseInfo(s.cases[k]!);
  const item = (label: string, value: string) => (
    <span className="kv">
      <span className="k">{label}</span> <span className="v">{value}</span>
    </span>
  );
  return (
    <div className="inspector" data-testid="token-inspector" aria-live="polite">
      {item('completion', `#${h.seq + 1}`)}
      {item('position', String(h.t + 1))}
      {item('token', JSON.stringify(tokenText(task, s.tokens[k]!)))}
      {item('log π_old', fmtExact(s.lp[k]))}
      {item('log π_ref', fmtExact(s.lpRef[k]))}
      {item('KL est.', s.kl ? fmtExact(s.kl[k]) : '—')}
      {item('KL exact', fmtExact(s.klExact[k]))}
      {algo === 'ppo' ? item('V', fmtExact(s.value[k])) : null}
      {item('A', s.advantages ? fmtExact(s.advantages[k]) : '—')}
      {item('r', trained ? fmtExact(s.ratio[k]) : '—')}
      {trained ? (
        <span className="kv">
          <span className="swatch" style={{ background: info.color }} /> {info.n ? `case ${info.n}` : 'no signal'} · gradient{' '}
          {s.flows[k] ? 'flowed' : 'zero'} · epoch {s.epoch[k]! + 1}
        </span>
      ) : (
        <span className="kv muted">not trained yet</span>
      )}
    </div>
  );
}

function Completion({ s, seq, task, algo }: { s: Stream; seq: number; task: TaskInfo | null; algo: string | undefined }) {
  const P = s.promptLength;
  const prompt = s.prompts ? Array.from(s.prompts.subarray(seq * P, (seq + 1) * P), (id) => tokenText(task, id)).join(' ') : '…';
  const len = s.lengths[seq]!;
  const tokens = [];
  for (let t = 0; t < len; t++) {
    const k = seq * s.width + t;
    const trained = s.epoch[k]! >= 0;
    const c = s.cases[k]!;
    tokens.push(
      <span
        key={t}
        className={`tok${trained ? ` case-${c}${s.flows[k] ? '' : ' no-grad'}` : ''}`}
        data-seq={seq}
        data-t={t}
        data-case={trained ? c : undefined}
        tabIndex={0}
      >
        {tokenText(task, s.tokens[k]!)}
      </span>,
    );
  }
  const adv = s.advantages ? s.advantages[seq * s.width] : undefined;
  return (
    <li className="completion" data-seq={seq}>
      <span className="seq-no">#{seq + 1}</span>
      <span className="prompt" title="prompt">
        {prompt}
      </span>
      <span className="arrow" aria-hidden="true">
        →
      </span>
      <span className="tokens">{tokens}</span>
      <span className="score" title="reward of this completion">
        R {s.scores ? fmt(s.scores[seq], 3) : '·'}
      </span>
      <span
        className="adv"
        title={
          algo === 'ppo'
            ? 'advantage of the first token (GAE: it varies along the completion; hover a token)'
            : 'advantage (the same for every token of the completion)'
        }
      >
        {algo === 'ppo' ? 'A₁' : 'A'} {adv !== undefined && len > 0 ? fmt(adv, 3) : '·'}
      </span>
    </li>
  );
}

export function TokenStreamPanel() {
  useLab((s) => s.tokensVersion); // re-render once per published frame
  const task = useLab((s) => s.task);
  const algo = useLab((s) => s.loaded?.algo);
  const epochs = useLab((s) => s.inForce?.epochs);
  const [start, setStart] = useState(0);
  const [hovered, setHovered] = useState<Hovered | null>(null);
  // A past iteration while scrubbing back (share/scrub.ts), else the live stream.
  const s = useLab((st) => st.scrub?.stream) ?? labData.stream;
  const size = pageSize(s.group);
  const pages = s.n ? Math.ceil(s.n / size) : 0;
  // The chosen page, kept in range when the batch or group size changes.
  const first = Math.min(start - (start % size), Math.max(0, (pages - 1) * size));
  const visible = Array.from({ length: Math.max(0, Math.min(size, s.n - first)) }, (_, i) => first + i);

  const pick = (e: MouseEvent<HTMLElement> | FocusEvent<HTMLElement>) => {
    const el = (e.target as HTMLElement).closest<HTMLElement>('.tok');
    if (!el) return;
    setHovered({ seq: Number(el.dataset.seq), t: Number(el.dataset.t) });
  };

  // GRPO: the completions of one prompt stand together.
  const groups: number[][] = [];
  for (const seq of visible) {
    const last = groups[groups.length - 1];
    if (s.group > 1 && last && Math.floor(last[0]! / s.group) === Math.floor(seq / s.group)) last.push(seq);
    else groups.push([seq]);
  }

  const tools = (
    <>
      <WatchSpeed />
      {pages > 1 ? (
        <label className="inline-select">
          <span className="sr-only">Completions shown</span>
          <select value={first} onChange={(e) => setStart(Number(e.target.value))} data-testid="token-page">
            {Array.from({ length: pages }, (_, i) => (
              <option key={i} value={i * size}>
                {i * size + 1}–{Math.min(s.n, (i + 1) * size)} of {s.n}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </>
  );

  return (
    <Card title="Token stream" explain="tokens" testId="token-stream" className="wide" tools={tools}>
      <p className="chart-note" data-testid="token-phase">
        {s.iteration ? `iteration ${s.iteration} · ` : ''}
        {phaseText(s, epochs)}
        {task ? ` · ${task.title}` : ''}
      </p>
      <ol className="completions" onMouseOver={pick} onFocus={pick}>
        {groups.map((g) =>
          s.group > 1 ? (
            <li key={`g${g[0]}`} className="group">
              <span className="group-label">prompt group {Math.floor(g[0]! / s.group) + 1}</span>
              <ol>
                {g.map((seq) => (
                  <Completion key={seq} s={s} seq={seq} task={task} algo={algo} />
                ))}
              </ol>
            </li>
          ) : (
            <Completion key={g[0]} s={s} seq={g[0]!} task={task} algo={algo} />
          ),
        )}
      </ol>
      <Inspector s={s} task={task} h={hovered} algo={algo} />
      <ul className="legend">
        {[...CASE_INFO, NO_SIGNAL].map((c) => (
          <li key={c.name}>
            <span className="swatch" style={{ background: c.color }} />
            {c.n ? `case ${c.n}` : 'no signal'}
          </li>
        ))}
        <li>
          <span className="swatch no-grad-swatch" /> gradient zero
        </li>
      </ul>
    </Card>
  );
}
