/**
 * "Share & export": the run's data in the CLI's own formats (engine/export.ts), each chart
 * as SVG or PNG, the config as JSON and as the lab link, and what else the share folder
 * offers (checkpoints, lessons, embeds). What a file covers is said next to its button,
 * since the page keeps the tokens of the last TOKEN_ITERATIONS iterations only.
 */
import { useState, type ReactNode } from 'react';
import { metricsCsv, metricsLine } from '../../engine/export';
import { TOKEN_ITERATIONS } from '../data/run-record';
import { useLab } from '../store';
import { labLinkUrl } from '../panels/CopyLink';
import { chartsOnPage, pngBlob, svgText, type ChartOnPage } from './chart-image';
import { download, safeName } from './download';
import { runRecord } from './record';
import { useHidden } from './page-mode';

function baseName(): string {
  const c = useLab.getState().loaded;
  return c ? `ppo-lab-${c.task}-${c.algo}-seed${c.seed}` : 'ppo-lab';
}

function DataExports() {
  const iteration = useLab((s) => s.iteration); // re-render as the run grows
  const vocab = useLab((s) => s.task?.vocab);
  const config = useLab((s) => s.loaded);
  const m = runRecord.metrics;
  const first = m[0]?.iter;
  const metricsNote = m.length
    ? `iterations ${first}–${m.at(-1)!.iter}${runRecord.metricsDropped ? ` (the first ${runRecord.metricsDropped} were dropped)` : ''}`
    : 'no iteration yet';
  const from = runRecord.tokensFrom;
  const tokensNote =
    from === null
      ? 'no iteration yet'
      : `iterations ${from}–${iteration}` +
        (runRecord.tokensDropped ? ` only: the page keeps the tokens of the last ${TOKEN_ITERATIONS} iterations` : '');
  const name = baseName();
  return (
    <div className="share-section">
      <h3>Data</h3>
      <p className="muted small">The same files as the CLI (`npm run lab -- --link …`) writes for this link on this backend.</p>
      <ul className="share-list">
        <ExportRow note={metricsNote}>
          <button
            type="button"
            disabled={!m.length}
            data-testid="export-metrics-jsonl"
            onClick={() =>
              download(`${name}-metrics.jsonl`, m.map((x) => metricsLine(x) + '\n').join(''), 'application/x-ndjson')
            }
          >
            Metrics (JSON lines)
          </button>
          <button
            type="button"
            disabled={!m.length}
            data-testid="export-metrics-csv"
            onClick={() => download(`${name}-metrics.csv`, metricsCsv(m), 'text/csv')}
          >
            Metrics (CSV)
          </button>
        </ExportRow>
        <ExportRow note={tokensNote}>
          <button
            type="button"
            disabled={from === null || !vocab}
            data-testid="export-tokens"
            onClick={() => download(`${name}-tokens.jsonl`, runRecord.tokenLines(vocab ?? []), 'application/x-ndjson')}
          >
            Token lines (JSON lines, as --tokens)
          </button>
        </ExportRow>
        <ExportRow note="the settings the run was built from; the link adds its live edits">
          <button
            type="button"
            disabled={!config}
            data-testid="export-config"
            onClick={() => download(`${name}-config.json`, JSON.stringify(config, null, 2) + '\n', 'application/json')}
          >
            Config (JSON)
          </button>
          <button
            type="button"
            data-testid="export-link"
            onClick={() => download(`${name}-link.txt`, labLinkUrl() + '\n', 'text/plain')}
          >
            Lab link (text)
          </button>
        </ExportRow>
      </ul>
    </div>
  );
}

function ExportRow({ note, children }: { note: string; children: ReactNode }) {
  return (
    <li>
      <span className="share-buttons">{children}</span> <span className="muted small">{note}</span>
    </li>
  );
}

function ChartExports() {
  const [charts, setCharts] = useState<ChartOnPage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const png = async (c: ChartOnPage) => {
    try {
      setError(null);
      download(`${baseName()}-${safeName(c.id)}.png`, await pngBlob(c.svg), 'image/png');
    } catch (e) {
      setError(`${c.title}: ${(e as Error).message}`);
    }
  };
  return (
    <div className="share-section">
      <h3>Charts</h3>
      {charts === null ? (
        <button type="button" onClick={() => setCharts(chartsOnPage())} data-testid="export-list-charts">
          List the charts on the page
        </button>
      ) : (
        <ul className="share-list">
          {charts.map((c) => (
            <li key={c.id} data-testid={`export-chart-${c.id}`}>
              <span className="share-buttons">
                <button
                  type="button"
                  onClick={() => download(`${baseName()}-${safeName(c.id)}.svg`, svgText(c.svg), 'image/svg+xml')}
                >
                  SVG
                </button>
                <button type="button" onClick={() => void png(c)}>
                  PNG
                </button>
              </span>{' '}
              {c.title}
            </li>
          ))}
          {charts.length === 0 ? <li className="muted small">No chart is drawn yet (open the Lab tab).</li> : null}
        </ul>
      )}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The header's "Share & export" menu; `extra` holds the other share tools. */
export function ExportMenu({ children }: { children?: ReactNode }) {
  const hidden = useHidden('panel-export');
  const [open, setOpen] = useState(false);
  if (hidden) return null;
  return (
    <details className="share-menu" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary data-testid="share-menu">Share &amp; export</summary>
      {open ? (
        <div className="share-panel">
          <DataExports />
          <ChartExports />
          {children}
        </div>
      ) : null}
    </details>
  );
}
