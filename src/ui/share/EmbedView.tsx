/**
 * Embed mode (`embed=six-cases`, …, `embed=learn-5`): one panel or one Learn chapter, the
 * page's Start/Pause, sized for an iframe in a course page, with a link that opens the whole
 * lab on the same run. Threaded wasm needs a cross-origin isolated page, which an iframe in
 * an ordinary page is not: then wasm runs single-threaded, and the embed says so.
 */
import type { ReactNode } from 'react';
import { ClipFracChart } from '../charts/ClipFracChart';
import { KlChart } from '../charts/KlChart';
import { RatioHistogram } from '../charts/RatioHistogram';
import { RewardChart } from '../charts/ScalarCharts';
import { SixCases } from '../charts/SixCases';
import { ErrorBoundary } from '../ErrorBoundary';
import { CHAPTERS } from '../learn/chapters';
import '../learn/learn.css';
import { ErrorBanners } from '../panels/ErrorBanners';
import { RunButtons } from '../panels/RunButtons';
import { TokenStreamPanel } from '../panels/TokenStream';
import { useLab } from '../store';
import { chapterOf, EMBEDS, embedTitle, isLearnEmbed, parsePageKeys, type Embed, type Panel } from './page-keys';

const PANEL_VIEWS: Partial<Record<Panel, () => ReactNode>> = {
  'panel-six-cases': () => <SixCases />,
  'panel-tokens': () => <TokenStreamPanel />,
  'panel-ratio-histogram': () => <RatioHistogram />,
  'panel-clipfrac': () => <ClipFracChart />,
  'panel-kl': () => <KlChart />,
  'panel-reward': () => <RewardChart />,
};

/** The whole lab on the same run: the current address without `embed=`. */
function fullLabUrl(): string {
  const { rest } = parsePageKeys(location.search);
  return `${location.origin}${location.pathname}${rest ? `?${rest}` : ''}`;
}

/** Says when wasm runs without threads because the page is not cross-origin isolated. */
export function IsolationNotice() {
  const backend = useLab((s) => s.backend?.name);
  if (backend !== 'wasm' || globalThis.crossOriginIsolated) return null;
  return (
    <p className="muted small isolation-notice" data-testid="isolation-notice">
      wasm runs single-threaded here: this page is not cross-origin isolated (an iframe in a page without the COOP/COEP headers
      never is), so training is slower than in the lab itself.
    </p>
  );
}

/** One Learn chapter without the chapter list and the pager: the chapter is the lesson. */
function LearnChapter({ n }: { n: number }) {
  const Body = CHAPTERS.find((c) => c.n === n)?.component;
  return Body ? (
    <ErrorBoundary area="learn">
      <div className="learn-main learn-embed">
        <Body />
      </div>
    </ErrorBoundary>
  ) : null;
}

export function EmbedView({ embed }: { embed: Embed }) {
  const iteration = useLab((s) => s.iteration);
  return (
    <div className="embed" data-testid="embed">
      <header className="embed-head">
        <strong>{embedTitle(embed)}</strong>
        <RunButtons />
        <span className="muted small" data-testid="embed-iteration">
          iteration {iteration}
        </span>
        <a href={fullLabUrl()} target="_blank" rel="noopener noreferrer" className="small">
          Open in PPO Lab ↗
        </a>
      </header>
      <ErrorBanners />
      <IsolationNotice />
      {isLearnEmbed(embed) ? (
        <LearnChapter n={chapterOf(embed)} />
      ) : (
        EMBEDS[embed].panels.map((p) => (
          <ErrorBoundary key={p} area={p}>
            {PANEL_VIEWS[p]?.()}
          </ErrorBoundary>
        ))
      )}
    </div>
  );
}
