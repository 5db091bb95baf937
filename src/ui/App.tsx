/**
 * The lab's layout: header (run buttons, status, link, projector mode), the parameter
 * panel on the left, and the token stream and charts on the right. Each chart sits in its
 * own error boundary, so one failing chart cannot blank the page.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApproxKlChart, EntropyChart, LengthChart, RewardChart, TaskChart, ValueChart } from './charts/ScalarCharts';
import { ClipFracChart } from './charts/ClipFracChart';
import { KlChart } from './charts/KlChart';
import { RatioHistogram } from './charts/RatioHistogram';
import { SixCases } from './charts/SixCases';
import { ErrorBoundary } from './ErrorBoundary';
import { ExperimentsView } from './experiments/ExperimentsView';
import { PinBar } from './experiments/PinBar';
import { LearnView } from './learn/LearnView';
import { Controls } from './panels/Controls';
import { ControlsDrawer, ControlsToggle } from './panels/ControlsDrawer';
import { CopyLink } from './panels/CopyLink';
import { ErrorBanners } from './panels/ErrorBanners';
import { RunButtons } from './panels/RunButtons';
import { StatusBar } from './panels/StatusBar';
import { ViewTabs } from './panels/ViewTabs';
import { TokenStreamPanel } from './panels/TokenStream';
import { TrlConfigButton } from './panels/TrlConfigButton';
import { useShortcuts } from './shortcuts';
import { useLab } from './store';

const Safe = ({ area, children }: { area: string; children: ReactNode }) => <ErrorBoundary area={area}>{children}</ErrorBoundary>;

function TaskLine() {
  const task = useLab((s) => s.task);
  const algo = useLab((s) => s.loaded?.algo);
  if (!task) return null;
  return (
    <p className="task-line">
      <strong>{task.title}</strong> · {algo?.toUpperCase()} · {task.description}
    </p>
  );
}

export function App() {
  const route = useLab((s) => s.route);
  const largeFont = useLab((s) => s.largeFont);
  const toggleLargeFont = useLab((s) => s.toggleLargeFont);
  // Narrow screens only: whether the parameter drawer is open (ControlsDrawer.tsx).
  const [controlsOpen, setControlsOpen] = useState(false);
  const closeControls = useCallback(() => setControlsOpen(false), []);
  useShortcuts();
  useEffect(() => {
    document.documentElement.classList.toggle('projector', largeFont);
  }, [largeFont]);
  return (
    <div className="app">
      <header className="top">
        <h1>PPO Lab</h1>
        <ViewTabs />
        {route.view === 'lab' ? <ControlsToggle open={controlsOpen} onToggle={() => setControlsOpen((o) => !o)} /> : null}
        <RunButtons />
        <StatusBar />
        <div className="top-right">
          <CopyLink />
          <TrlConfigButton />
          <label className="toggle">
            <input type="checkbox" checked={largeFont} onChange={toggleLargeFont} data-testid="large-font" /> Projector (large
            font)
          </label>
        </div>
      </header>
      <ErrorBanners />
      {route.view === 'learn' ? (
        <Safe area="learn">
          <LearnView chapter={route.chapter} />
        </Safe>
      ) : route.view === 'experiments' ? (
        <Safe area="experiments">
          <ExperimentsView experiment={route.experiment} runs={route.runs}>
            <LabBoard controlsOpen={controlsOpen} closeControls={closeControls} />
          </ExperimentsView>
        </Safe>
      ) : (
        <LabBoard controlsOpen={controlsOpen} closeControls={closeControls} />
      )}
    </div>
  );
}

/** The lab itself: the parameter panel on the left (a drawer on narrow screens), the token stream and the charts on the right. */
function LabBoard({ controlsOpen, closeControls }: { controlsOpen: boolean; closeControls: () => void }) {
  return (
    <div className="main">
      <ControlsDrawer open={controlsOpen} onClose={closeControls}>
        <Safe area="controls">
          <Controls />
        </Safe>
      </ControlsDrawer>
      <main className="board">
        <TaskLine />
        <Safe area="compare runs">
          <PinBar />
        </Safe>
        <Safe area="token stream">
          <TokenStreamPanel />
        </Safe>
        <div className="grid">
          <Safe area="ratio histogram">
            <RatioHistogram />
          </Safe>
          <Safe area="clip fraction chart">
            <ClipFracChart />
          </Safe>
        </div>
        <Safe area="six cases">
          <SixCases />
        </Safe>
        <Safe area="KL chart">
          <KlChart />
        </Safe>
        <div className="grid">
          <Safe area="reward chart">
            <RewardChart />
          </Safe>
          <Safe area="entropy chart">
            <EntropyChart />
          </Safe>
          <Safe area="value chart">
            <ValueChart />
          </Safe>
          <Safe area="approx KL chart">
            <ApproxKlChart />
          </Safe>
          <Safe area="length chart">
            <LengthChart />
          </Safe>
          <Safe area="task chart">
            <TaskChart />
          </Safe>
        </div>
        <footer className="muted small">
          Keys: <kbd>space</kbd> start/pause · <kbd>s</kbd> step · <kbd>r</kbd> reset. Every number is the engine's; press a{' '}
          <span className="help inline">?</span> for what it means.
        </footer>
      </main>
    </div>
  );
}
