/**
 * "Share as a lesson": the teacher ticks what students see (panels, groups of controls,
 * single controls) and which values they cannot move, and gets the link (or, for one panel
 * or one Learn chapter alone, an iframe snippet). The link is the current address (run, live edits, view) with
 * the page keys of page-keys.ts, so students open exactly this run with this much of the lab.
 */
import { useState } from 'react';
import { flagOf, PARAM_KEYS, type ParamKey } from '../../engine/params';
import {
  CONTROL_GROUPS,
  EMBEDS,
  embedTitle,
  isEmbed,
  LEARN_EMBEDS,
  PANELS,
  pageQuery,
  parsePageKeys,
  type Embed,
} from './page-keys';
import { groupOf, usePageMode } from './page-mode';

function lessonUrl(hide: Set<string>, lock: Set<ParamKey>, embed: Embed | null): string {
  const { rest } = parsePageKeys(location.search);
  const q = [rest, pageQuery({ hide, lock, embed })].filter(Boolean).join('&');
  return `${location.origin}${location.pathname}?${q}`;
}

/** An iframe for a course page; the text is escaped by React when shown, and by the browser when pasted. */
export function iframeSnippet(url: string, title: string): string {
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<iframe src="${attr(url)}" title="${attr(title)}" width="760" height="620" style="border:0" loading="lazy"></iframe>`;
}

function toggle<T>(set: Set<T>, item: T, on: boolean): Set<T> {
  const next = new Set(set);
  if (on) next.add(item);
  else next.delete(item);
  return next;
}

export function LessonDialog() {
  const start = usePageMode();
  const [hide, setHide] = useState(() => new Set(start.hide));
  const [lock, setLock] = useState(() => new Set(start.lock));
  const [embed, setEmbed] = useState<Embed | null>(start.embed);
  const url = lessonUrl(hide, lock, embed);
  const shown = (name: string) => !hide.has(name);
  return (
    <div className="share-section lesson" data-testid="lesson">
      <h3>Share as a lesson</h3>
      <p className="muted small">
        Tick what students see; a locked value is shown but cannot be moved. The link opens this run as it is set up now.
      </p>
      <div className="lesson-columns">
        <ShowList legend="Panels" items={PANELS} shown={shown} onShow={(name, on) => setHide(toggle(hide, name, !on))} />
        <ShowList
          legend="Groups of controls"
          items={CONTROL_GROUPS}
          shown={shown}
          onShow={(name, on) => setHide(toggle(hide, name, !on))}
        />
      </div>
      <fieldset>
        <legend>Controls (shown · locked)</legend>
        <div className="lesson-params">
          {PARAM_KEYS.map((k) => {
            const flag = flagOf(k);
            return (
              <span key={k} className={`lesson-item ${hide.has(groupOf(k)) ? 'muted' : ''}`}>
                <input
                  type="checkbox"
                  aria-label={`show ${flag}`}
                  checked={shown(flag)}
                  onChange={(e) => setHide(toggle(hide, flag, !e.target.checked))}
                  data-testid={`lesson-show-${flag}`}
                />
                <input
                  type="checkbox"
                  aria-label={`lock ${flag}`}
                  checked={lock.has(k)}
                  onChange={(e) => setLock(toggle(lock, k, e.target.checked))}
                  data-testid={`lesson-lock-${flag}`}
                />{' '}
                {flag}
              </span>
            );
          })}
        </div>
      </fieldset>
      <label>
        Embed one panel or one Learn chapter only:{' '}
        <select
          value={embed ?? ''}
          onChange={(e) => setEmbed(isEmbed(e.target.value) ? e.target.value : null)}
          data-testid="lesson-embed"
        >
          <option value="">no: the whole lab</option>
          <optgroup label="A panel of the lab">
            {Object.entries(EMBEDS).map(([name, e]) => (
              <option key={name} value={name}>
                {e.title}
              </option>
            ))}
          </optgroup>
          <optgroup label="A Learn chapter">
            {LEARN_EMBEDS.map((name) => (
              <option key={name} value={name}>
                {embedTitle(name)}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <p>
        <input
          className="share-out"
          readOnly
          value={url}
          aria-label="Lesson link"
          data-testid="lesson-link"
          onFocus={(e) => e.target.select()}
        />
      </p>
      {embed ? (
        <p>
          <textarea
            className="share-out"
            readOnly
            rows={3}
            value={iframeSnippet(url, `PPO Lab: ${embedTitle(embed)}`)}
            aria-label="Iframe snippet"
            data-testid="lesson-iframe"
            onFocus={(e) => e.target.select()}
          />
        </p>
      ) : null}
    </div>
  );
}

/** One tick box per panel or group of controls: ticked means students see it. */
function ShowList(props: {
  legend: string;
  items: Record<string, string>;
  shown: (name: string) => boolean;
  onShow: (name: string, on: boolean) => void;
}) {
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {Object.entries(props.items).map(([name, title]) => (
        <label key={name} className="lesson-item">
          <input
            type="checkbox"
            checked={props.shown(name)}
            onChange={(e) => props.onShow(name, e.target.checked)}
            data-testid={`lesson-${name}`}
          />{' '}
          {title}
        </label>
      ))}
    </fieldset>
  );
}
