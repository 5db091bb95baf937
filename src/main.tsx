/**
 * The page's entry: reads the URL as a lab link, starts the training worker through its
 * client, routes the worker's events into the store, and renders the lab.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { TrainingClient } from './worker/client';
import { installAutomation } from './worker/automation';
import { App } from './ui/App';
import { ErrorBoundary } from './ui/ErrorBoundary';
import { labData } from './ui/data/lab-data';
import { ingest } from './ui/ingest';
import { configErrorsOf } from './ui/slices/config';
import { useLab } from './ui/store';
import { readUrl } from './ui/url';
import { followAddressBar } from './ui/share/address-bar';
import { parsePageKeys } from './ui/share/page-keys';
import { guardLockedParams, usePageMode } from './ui/share/page-mode';
import { runRecord } from './ui/share/record';
import { saveCheckpointEvents } from './ui/share/Checkpoints';
import './ui/styles.css';
import './ui/share/share.css';

// Classroom and embed keys first: the rest of the query is the route and the lab link.
const page = parsePageKeys(location.search);
usePageMode.setState(page.mode, true);
guardLockedParams();
const start = readUrl(page.rest);
const client = new TrainingClient();
useLab.setState({
  draft: start.config,
  configErrors: configErrorsOf(start.config),
  replay: start.timeline,
  route: start.route,
  send: (cmd) => client.send(cmd),
});
for (const m of [...page.messages, ...start.messages]) useLab.getState().pushError('link', m);
followAddressBar(client);
client.subscribe((e) => runRecord.take(e));
client.subscribe(saveCheckpointEvents);
client.subscribe(ingest);
installAutomation(client, window, {
  notices: () => useLab.getState().errors.map(({ kind, message, iteration }) => ({ kind, message, iteration })),
  memory: () => ({
    historyRows: labData.history.rows().length,
    markers: labData.markers.length,
    timeline: useLab.getState().timeline.length,
    notices: useLab.getState().errors.length,
    recordedMetrics: runRecord.metrics.length,
    recordedTokens: runRecord.tokens.length,
  }),
});
client.send({ type: 'load-config', config: start.config });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary>
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
