/** A link to an experiment, for the Learn chapters: opens it in place, or in a new tab by its address. */
import type { ReactNode } from 'react';
import { findExperiment } from '../../engine/experiments';
import { useLabLinkTarget } from '../share/page-mode';
import { experimentLink, openExperiment } from './open';

export function ExperimentLink({ name, children }: { name: string; children?: ReactNode }) {
  const e = findExperiment(name);
  const linkTarget = useLabLinkTarget();
  if (!e) return null;
  return (
    <a
      className="experiment-link"
      href={experimentLink(name)}
      {...linkTarget}
      data-testid={`experiment-link-${name}`}
      onClick={(ev) => {
        if (linkTarget.target) return; // in an embed: the whole lab, in a new tab
        if (ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return; // a new tab: let the browser open it
        ev.preventDefault();
        openExperiment(name);
      }}
    >
      {children ?? `Experiment: ${e.question}`}
    </a>
  );
}
