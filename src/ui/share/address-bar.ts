/**
 * Keeps the page's address in step with what is on screen: the route (Learn chapter,
 * experiment), the run's config, its live edits (applied, and scheduled for a later
 * iteration), and the classroom/embed keys the page was opened with. A refresh or a
 * bookmark then restores the setup and the view. history.replaceState, not pushState:
 * moving a slider must not fill the Back button's list.
 */
import { encodeLink, type Timeline } from '../../engine/link';
import type { Config, LiveParams } from '../../engine/params';
import type { WorkerEvent } from '../../worker/protocol';
import { routeQuery, type Route } from '../route';
import { useLab } from '../store';
import { pageQuery, type PageMode } from './page-keys';
import { usePageMode } from './page-mode';

/** The query string (without "?") that reopens this view of this run. */
export function addressQuery(route: Route, config: Config, timeline: Timeline, mode: PageMode): string {
  return [routeQuery(route), encodeLink(config, timeline), pageQuery(mode)].filter(Boolean).join('&');
}

/**
 * Edits the worker has queued but not applied yet (a link's later edits, a slider moved while
 * paused), by the iteration they take effect at; the applied ones are in the store's timeline.
 */
export class ScheduledEdits {
  private byIteration = new Map<number, Partial<LiveParams>>();

  take(e: WorkerEvent): boolean {
    if (e.type === 'ready') this.byIteration.clear();
    else if (e.type === 'params-queued')
      this.byIteration.set(e.atIteration, { ...this.byIteration.get(e.atIteration), ...e.params });
    else if (e.type === 'iteration') {
      for (const at of this.byIteration.keys()) if (at <= e.metrics.iter) this.byIteration.delete(at);
    } else return false;
    return true;
  }

  /** The applied timeline followed by what is still scheduled. */
  merged(applied: Timeline): Timeline {
    const last = applied.at(-1)?.iteration ?? 0;
    const later = [...this.byIteration]
      .filter(([at]) => at > last)
      .sort((a, b) => a[0] - b[0])
      .map(([iteration, params]) => ({ iteration, params }));
    return [...applied, ...later];
  }
}

/** How long the address waits for the state to settle (a slider being dragged). */
const SETTLE_MS = 150;

/** Starts following the store and the worker's events; returns the function that stops it. */
export function followAddressBar(client: { subscribe(listener: (e: WorkerEvent) => void): () => void }): () => void {
  const scheduled = new ScheduledEdits();
  let last = location.search.replace(/^\?/, '');
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = () => {
    timer = null;
    const s = useLab.getState();
    const q = addressQuery(s.route, s.loaded ?? s.draft, scheduled.merged(s.timeline), usePageMode.getState());
    if (q === last) return;
    last = q;
    history.replaceState(history.state, '', `${location.pathname}?${q}${location.hash}`);
  };
  const update = () => {
    timer ??= setTimeout(write, SETTLE_MS);
  };
  const offEvents = client.subscribe((e) => {
    if (scheduled.take(e)) update();
  });
  // Only the fields the address holds: per-token updates never schedule a write.
  const offStore = useLab.subscribe((s, prev) => {
    if (s.route !== prev.route || s.loaded !== prev.loaded || s.timeline !== prev.timeline) update();
  });
  return () => {
    offEvents();
    offStore();
    if (timer !== null) clearTimeout(timer);
  };
}
