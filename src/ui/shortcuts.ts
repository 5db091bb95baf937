/** Keyboard shortcuts: space start/pause, s step, r reset; never while typing or choosing. */
import { useEffect } from 'react';
import { useLab } from './store';

/** Elements where a key press belongs to the element (typing, choosing, pressing a button). */
function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    // Sliders and checkboxes take arrows and space themselves; text-like inputs take letters.
    return true;
  }
  return false;
}

export function handleShortcut(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || isEditable(e.target)) return false;
  const s = useLab.getState();
  // Space on a focused button would also click it: leave buttons to the browser.
  if (e.key === ' ' && e.target instanceof HTMLButtonElement) return false;
  switch (e.key) {
    case ' ':
      if (s.runState === 'running') s.pause();
      else s.start();
      return true;
    case 's':
    case 'S':
      s.step();
      return true;
    case 'r':
    case 'R':
      if (s.configErrors.length === 0) s.applyAndReset();
      return true;
    default:
      return false;
  }
}

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (handleShortcut(e)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
