/** Clip fraction over iterations, by TRL's definition (split low/high) or CleanRL's. */
import { useState } from 'react';
import { Card } from '../explain/Explain';
import { fmtPercent } from '../format';
import { useLab } from '../store';
import { TimeChart, type SeriesSpec } from './TimeChart';

type Definition = 'trl' | 'cleanrl';

const SERIES: Record<Definition, SeriesSpec[]> = {
  trl: [
    { key: 'policy/clipfrac', label: 'clipped (cases 4+5)', color: 'var(--series-1)' },
    { key: 'policy/clipfrac_low', label: 'low: r < 1−ε, A < 0 (case 4)', color: 'var(--case4)', dashed: true },
    { key: 'policy/clipfrac_high', label: 'high: r > 1+ε_high, A > 0 (case 5)', color: 'var(--case5)', dashed: true },
  ],
  cleanrl: [
    { key: 'policy/clipfrac_cleanrl', label: '|r − 1| > ε (cases 3–6)', color: 'var(--series-1)' },
    { key: 'policy/clipfrac_cleanrl_low', label: 'low: r < 1−ε, any A (cases 3, 4)', color: 'var(--case4)', dashed: true },
    { key: 'policy/clipfrac_cleanrl_high', label: 'high: r > 1+ε_high, any A (cases 5, 6)', color: 'var(--case5)', dashed: true },
  ],
};

export function ClipFracChart() {
  const rows = useLab((s) => s.rows);
  const markers = useLab((s) => s.markers);
  const algo = useLab((s) => s.loaded?.algo);
  const [def, setDef] = useState<Definition>('trl');
  const tools = (
    <label className="inline-select">
      <span className="sr-only">Definition</span>
      <select value={def} onChange={(e) => setDef(e.target.value as Definition)} data-testid="clipfrac-definition">
        <option value="trl">TRL: gradient cut</option>
        <option value="cleanrl">CleanRL: |r−1| &gt; ε</option>
      </select>
    </label>
  );
  return (
    <Card title="Clip fraction" explain="clipfrac" testId="clipfrac-chart" tools={tools}>
      <TimeChart rows={rows} markers={markers} series={SERIES[def]} yLabel="share of tokens" tickFormat={fmtPercent} fromZero />
      {algo === 'reinforce' ? (
        <p className="chart-note">
          REINFORCE clips nothing, so every clip fraction is 0: tokens still land in cases 4 and 5 (see the six cases), but their
          gradient flows.
        </p>
      ) : null}
    </Card>
  );
}
