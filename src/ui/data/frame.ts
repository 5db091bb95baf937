/**
 * Publishes the mutated buffers of lab-data.ts to the store: however many tokens or
 * iterations arrived in between, React renders once per publication.
 *
 * Tokens are published once per animation frame (they are cheap to draw). Chart data
 * (metrics, minibatches) at most every CHART_INTERVAL_MS, or less often when the charts'
 * last redraw was costly (charts/visibility.ts): a recharts chart costs tens of
 * milliseconds to redraw, so redrawing a dozen of them at 60 Hz while a fast task runs 20
 * iterations a second would starve the page. The last update is never dropped (trailing edge).
 */
import { useLab, type LabState } from '../store';
import { chartInterval } from '../charts/visibility';
import { labData } from './lab-data';

export const CHART_INTERVAL_MS = 250;

let frameScheduled = false;
let chartTimer: ReturnType<typeof setTimeout> | null = null;
let lastChartPublish = -Infinity;

/** Per frame: the token stream, and the iteration counter (a student watches it tick). */
function publishFrame(): void {
  frameScheduled = false;
  const patch: Partial<LabState> = {};
  if (labData.dirty.tokens) patch.tokensVersion = useLab.getState().tokensVersion + 1;
  if (labData.dirty.iteration) patch.iteration = labData.latest?.iter ?? 0;
  labData.dirty.tokens = labData.dirty.iteration = false;
  useLab.setState(patch);
}

function publishCharts(): void {
  chartTimer = null;
  lastChartPublish = performance.now();
  const d = labData.dirty;
  const patch: Partial<LabState> = {};
  if (d.metrics) {
    patch.rows = labData.history.rows();
    patch.latest = labData.latest;
    // Same array until a marker is added, so the charts' frames are not redrawn for nothing.
    patch.markers = labData.markers;
  }
  if (d.minibatch) patch.minibatch = labData.minibatch;
  d.metrics = d.minibatch = false;
  useLab.setState(patch);
}

/** Marks data as changed and makes sure it will be published (next frame, or next chart slot). */
export function markDirty(what: keyof typeof labData.dirty): void {
  labData.dirty[what] = true;
  if (what === 'tokens' || what === 'iteration') {
    if (frameScheduled) return;
    frameScheduled = true;
    // rAF does not fire in a hidden tab; the buffers stay bounded and publish on return.
    requestAnimationFrame(publishFrame);
    return;
  }
  if (chartTimer !== null) return;
  // While training runs, charts redraw at a pace their cost allows; otherwise at once.
  const interval = useLab.getState().runState === 'running' ? chartInterval(CHART_INTERVAL_MS) : 0;
  const wait = Math.max(0, lastChartPublish + interval - performance.now());
  // Drawn in the frame after the slot opens, so charts never redraw more than once per frame.
  chartTimer = setTimeout(() => requestAnimationFrame(publishCharts), wait);
}

/** Training stopped: chart data waiting for its slot is published in the next frame instead. */
export function flushCharts(): void {
  if (chartTimer === null) return;
  clearTimeout(chartTimer);
  chartTimer = setTimeout(() => requestAnimationFrame(publishCharts), 0);
}

/** Publishes everything now (a reset: the page must not show the old run for a moment). */
export function publishNow(): void {
  if (chartTimer !== null) clearTimeout(chartTimer);
  publishCharts();
  labData.dirty.tokens = labData.dirty.iteration = true;
  publishFrame();
}
