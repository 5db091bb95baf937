/**
 * How charts redraw without blocking the page.
 *
 * A recharts chart costs some 20–40 ms to redraw here (2 slow cores, one of them busy
 * training), so a dozen redrawn together would be a long task of half a second. Instead:
 *  - a chart redraws only while near the viewport (its card reports it; `VisibleContext`);
 *  - redraws are queued and run one chart per task (`useShown`), so the browser gets the
 *    thread back between charts: input, token frames and animation stay fluid;
 *  - the cost of the last round of redraws sets how often charts may redraw again
 *    (`chartInterval`), so charts take at most about a third of the main thread.
 */
import { createContext, useContext, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';

export const VisibleContext = createContext(true);

/** Whether the element is within half a screen of the viewport (true until measured). */
export function useNearViewport(ref: RefObject<Element | null>): boolean {
  const [near, setNear] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => setNear(entries.some((e) => e.isIntersecting)), { rootMargin: '50% 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [ref]);
  return near;
}

// ─── One redraw per task ──────────────────────────────────────────────────────

const queue: (() => void)[] = [];
let pumping = false;
/** Main-thread time of the current round of redraws, and of the last finished one. */
let roundMs = 0;
let lastRoundMs = 0;

const channel = typeof MessageChannel !== 'undefined' ? new MessageChannel() : null;
/** A fresh task with no timer clamping (setTimeout chains are clamped to 4 ms). */
const nextTask = (fn: () => void) => {
  if (!channel) return void setTimeout(fn, 0);
  channel.port1.onmessage = () => fn();
  channel.port2.postMessage(null);
};

function pump(): void {
  const job = queue.shift();
  if (!job) {
    pumping = false;
    lastRoundMs = roundMs;
    roundMs = 0;
    return;
  }
  const t0 = performance.now();
  job();
  roundMs += performance.now() - t0;
  nextTask(pump);
}

function enqueue(job: () => void): void {
  queue.push(job);
  if (pumping) return;
  pumping = true;
  nextTask(pump);
}

/** Longest wait between two rounds of chart redraws while training, however costly they were. */
const MAX_INTERVAL_MS = 2000;

/** Minimum time between two rounds of chart redraws while training: 3× the last round's cost, at least `floorMs`. */
export const chartInterval = (floorMs: number): number => Math.min(MAX_INTERVAL_MS, Math.max(floorMs, 3 * lastRoundMs));

/**
 * The value a chart should draw: the latest one, applied in the chart's own task once it is
 * near the viewport; until then the value it last drew (so a memoised chart does no work).
 */
export function useShown<T>(value: T): T {
  const visible = useContext(VisibleContext);
  const [shown, setShown] = useState(value);
  // The newest committed value, for the queued redraw to read when its turn comes; written
  // in a layout effect (during the commit) rather than during render, so a discarded render
  // never leaks into it.
  const latest = useRef(value);
  useLayoutEffect(() => {
    latest.current = value;
  }, [value]);
  const queued = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => {
    if (!visible || queued.current || Object.is(value, shown)) return;
    queued.current = true;
    enqueue(() => {
      queued.current = false;
      // flushSync: render, commit and run the chart's effects now, inside this task.
      if (mounted.current) flushSync(() => setShown(latest.current));
    });
  }, [value, visible, shown]);
  return shown;
}
