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
import { boardInView, ControlsDrawer, ControlsToggle } from './panels/ControlsDrawer';
import { CopyLink } from './panels/CopyLink';
import { ErrorBanners } from './panels/ErrorBanners';
import { RunButtons } from './panels/RunButtons';
import { StatusBar } from './panels/StatusBar';
import { ViewTabs } from './panels/ViewTabs';
import { ExportMenu } from './share/ExportMenu';
import { ScrubBar } from './share/ScrubBar';
import { EmbedView, IsolationNotice } from './share/EmbedView';
import { LessonDialog } from './share/LessonDialog';
import { Checkpoints } from './share/Checkpoints';
import type { Panel } from './share/page-keys';
import { useHidden, usePageMode } from './share/page-mode';
import { TokenStreamPanel } from './panels/TokenStream';
import { TrlConfigButton } from './panels/TrlConfigButton';
import { useShortcuts } from './shortcuts';
import { useLab } from './store';

/** A panel in its own error boundary; `panel` names it for classroom mode, which may hide it. */
function Safe({ area, panel, children }: { area: string; panel?: Panel; children: ReactNode }) {
  const hidden = useHidden(panel ?? '');
  return hidden ? null : <ErrorBoundary area={area}>{children}</ErrorBoundary>;
}

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
  const controlsHidden = useHidden('panel-controls'); // a lesson link may hide the whole panel
  useShortcuts();
  useEffect(() => {
    document.documentElement.classList.toggle('projector', largeFont);
  }, [largeFont]);
  const embed = usePageMode((m) => m.embed);
  if (embed) return <EmbedView embed={embed} />;
  return (
    <div className="app">
      <header className="top">
        <h1>PPO Lab</h1>
        <ViewTabs />
        {boardInView(route) && !controlsHidden ? (
          <ControlsToggle open={controlsOpen} onToggle={() => setControlsOpen((o) => !o)} />
        ) : null}
        <RunButtons />
        <StatusBar />
        <div className="top-right">
          <CopyLink />
          <TrlConfigButton />
          <ExportMenu>
            <Checkpoints />
            <LessonDialog />
          </ExportMenu>
          <label className="toggle">
            <input type="checkbox" checked={largeFont} onChange={toggleLargeFont} data-testid="large-font" /> Projector (large
            font)
          </label>
        </div>
      </header>
      <ErrorBanners />
      <IsolationNotice />
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
        <Safe area="controls" panel="panel-controls">
          <Controls />
        </Safe>
      </ControlsDrawer>
      <main className="board">
        <TaskLine />
        <Safe area="compare runs">
          <PinBar />
        </Safe>
        <Safe area="token stream" panel="panel-tokens">
          <TokenStreamPanel />
        </Safe>
        <div className="grid">
          <Safe area="ratio histogram" panel="panel-ratio-histogram">
            <RatioHistogram />
          </Safe>
          <Safe area="clip fraction chart" panel="panel-clipfrac">
            <ClipFracChart />
          </Safe>
        </div>
        <Safe area="six cases" panel="panel-six-cases">
          <SixCases />
        </Safe>
        <Safe area="KL chart" panel="panel-kl">
          <KlChart />
        </Safe>
        <div className="grid">
          <Safe area="reward chart" panel="panel-reward">
            <RewardChart />
          </Safe>
          <Safe area="entropy chart" panel="panel-entropy">
            <EntropyChart />
          </Safe>
          <Safe area="value chart" panel="panel-value">
            <ValueChart />
          </Safe>
          <Safe area="approx KL chart" panel="panel-approxkl">
            <ApproxKlChart />
          </Safe>
          <Safe area="length chart" panel="panel-length">
            <LengthChart />
          </Safe>
          <Safe area="task chart" panel="panel-task">
            <TaskChart />
          </Safe>
        </div>
        <ScrubBar />
        <footer className="muted small">
          Keys: <kbd>space</kbd> start/pause · <kbd>s</kbd> step · <kbd>r</kbd> reset. Every number is the engine's; press a{' '}
          <span className="help inline">?</span> for what it means.
        </footer>
      </main>
    </div>
  );
}
