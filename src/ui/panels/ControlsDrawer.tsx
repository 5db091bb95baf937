/**
 * The parameter panel as a drawer on narrow screens (tablets, under 900 px): there the panel
 * alone is taller than the screen, so it starts closed and the token stream and the first
 * charts are what the page opens on. A header button opens it over the board; Close, the
 * backdrop or Escape shut it. On wide screens the CSS ignores all of this and the panel sits
 * in its column (the toggle is hidden, the wrapper takes no box of its own).
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { findExperiment } from '../../engine/experiments';
import type { Route } from '../route';

export const DRAWER_ID = 'controls-drawer';

/** Whether the lab board (and so the drawer) is on the page: the lab, an open experiment or a shared comparison. */
export function boardInView(route: Route): boolean {
  if (route.view === 'lab') return true;
  if (route.view !== 'experiments') return false;
  return Boolean(route.runs?.length) || (route.experiment !== null && findExperiment(route.experiment) !== undefined);
}

export function ControlsToggle({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  return (
    <button
      type="button"
      className="drawer-toggle"
      aria-controls={DRAWER_ID}
      aria-expanded={open}
      onClick={onToggle}
      data-testid="controls-toggle"
    >
      {open ? 'Hide parameters' : 'Parameters'}
    </button>
  );
}

export function ControlsDrawer({ open, onClose, children }: { open: boolean; onClose: () => void; children: ReactNode }) {
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    // Keyboard users land in the drawer; Escape leaves it from anywhere.
    if (closeButton.current?.offsetParent) closeButton.current.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, onClose]);
  return (
    <>
      {open ? <div className="drawer-backdrop" onClick={onClose} aria-hidden="true" /> : null}
      <div id={DRAWER_ID} className={`controls-drawer${open ? ' open' : ''}`} data-testid="controls-drawer">
        <div className="drawer-head">
          <strong>Parameters</strong>
          <button type="button" ref={closeButton} onClick={onClose}>
            Close
          </button>
        </div>
        {children}
      </div>
    </>
  );
}
